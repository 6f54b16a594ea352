"""An Interne message leaves no trace that staff can see: not in the dossier's last
activity, not in the dossier admin, not in the history inline."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from communication.models import Audience, Message, MessageType
from dossiers.models import Dossier


def test_internal_message_moves_the_unread_marker_but_not_last_activity(
    dossier: Dossier, post: Callable[..., Message]
) -> None:
    dossier.refresh_from_db()
    before = dossier.last_activity_at
    message = post(type=MessageType.REMARK, audience=Audience.INTERNAL, body="Entre nous")
    dossier.refresh_from_db()
    assert dossier.last_activity_at == before
    assert dossier.last_message_at == message.created_at


def test_public_message_moves_last_activity(dossier: Dossier, post: Callable[..., Message]) -> None:
    message = post(type=MessageType.REMARK, body="Pour Renson")
    dossier.refresh_from_db()
    assert dossier.last_activity_at == message.created_at == dossier.last_message_at


def test_dossier_admin_shows_nothing_of_internal_messages(
    superuser_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    post(type=MessageType.REMARK, audience=Audience.INTERNAL, body="Marge confidentielle")
    page = superuser_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Marge confidentielle" not in page
    assert "last_message_at" not in page
    assert "Message ajouté" not in page  # the history inline hides the Interne event
