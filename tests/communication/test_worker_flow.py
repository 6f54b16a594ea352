"""A dealer posts in the portal; a real Celery worker on Redis delivers the mails."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier
from mailer.models import MailStatus, OutboundMail
from tests.integration.conftest import Worker, celery_worker_factory, wait_until  # noqa: F401  (fixture)
from tests.smtp import SmtpSink, body_text

from .conftest import upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_posted_email_and_remark_are_delivered_by_the_worker(
    celery_worker_factory: Callable[..., Worker],  # noqa: F811
    smtp_sink: SmtpSink,
    owner_client: Client,
    owner: User,
    staff: User,
    dossier: Dossier,
) -> None:
    celery_worker_factory(smtp_port=smtp_sink.port)
    add = reverse("communication:message-create", kwargs={"pk": dossier.pk})

    def submit(**data: object) -> None:
        token = str(owner_client.get(add).context["form"].initial["form_token"])
        response = owner_client.post(add, {"form_token": token, "audience": "renson", **data})
        assert response.status_code == 302

    submit(type="annex", title="Plans", file=[upload("plan.pdf", b"%PDF-1.4 plan")])
    attachment_id = dossier.messages.get().attachments.get().pk
    submit(
        type="email",
        recipients="archi@example.com",
        subject="Plans du chantier",
        body="Bonjour, voici les plans.",
        attachments=[attachment_id],
    )
    wait_until(
        lambda: OutboundMail.objects.filter(status=MailStatus.SENT).count() == 2,
        45,
        "the worker to send both mails",
    )
    [to_contact] = smtp_sink.to(staff.email)
    assert "Annexe" in to_contact["Subject"]
    [to_architect] = smtp_sink.to("archi@example.com")
    assert to_architect["Reply-To"] == owner.email
    assert "Menuiserie Dupont" in to_architect["From"].addresses[0].display_name
    assert "voici les plans" in body_text(to_architect)
    assert [p.get_filename() for p in to_architect.iter_attachments()] == ["plan.pdf"]
    assert len(smtp_sink.messages) == 2
