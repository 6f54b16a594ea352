"""E-mail messages reach at most EMAIL_RECIPIENTS_LIMIT_PER_HOUR addresses per user per hour."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from communication.models import Message, MessageType
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _send(client: Client, dossier: Dossier, count: int) -> Any:
    recipients = ", ".join(f"client{n}-{uuid.uuid4().hex[:6]}@example.com" for n in range(count))
    return client.post(
        reverse("communication:message-create", kwargs={"pk": dossier.pk}),
        {
            "type": "email",
            "audience": "renson",
            "recipients": recipients,
            "subject": "Offre",
            "body": "Veuillez trouver notre offre.",
            "form_token": str(uuid.uuid4()),
        },
    )


def test_recipients_beyond_the_hourly_limit_are_refused_on_the_field(
    owner_client: Client, colleague_client: Client, dossier: Dossier, settings: Any
) -> None:
    settings.EMAIL_RECIPIENTS_LIMIT_PER_HOUR = 5
    assert _send(owner_client, dossier, 3).status_code == 302
    refused = _send(owner_client, dossier, 3)  # 6 > 5
    assert refused.status_code == 200
    assert refused.context["form"].errors["recipients"] == [
        "Limite d'envoi atteinte\xa0: au maximum 5 destinataires d'E-mails par heure (il vous en reste 2). "
        "Réessayez plus tard ou réduisez la liste."
    ]
    # A refused message counts for nothing: two more still go.
    assert _send(owner_client, dossier, 2).status_code == 302
    assert _send(owner_client, dossier, 1).status_code == 200
    assert Message.objects.filter(type=MessageType.EMAIL).count() == 2
    # Per user: the colleague has a budget of their own.
    assert _send(colleague_client, dossier, 5).status_code == 302


def test_the_limit_holds_with_the_cache_shared_by_every_web_process(
    owner: Any, dossier: Dossier, settings: Any
) -> None:
    """Two clients stand for two web processes: the count lives in Redis, not in a process."""
    settings.EMAIL_RECIPIENTS_LIMIT_PER_HOUR = 4
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(owner)
    assert _send(first, dossier, 3).status_code == 302
    assert _send(second, dossier, 2).status_code == 200
