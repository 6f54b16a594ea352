"""The request id follows a dealer's message into the worker that sends its mail (LOG_FORMAT=json)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier
from mailer.models import MailStatus, OutboundMail
from tests.smtp import SmtpSink

from .conftest import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _json_lines(log: str) -> list[dict[str, Any]]:
    lines = []
    for line in log.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_the_send_task_logs_the_id_of_the_request_that_posted_the_message(
    celery_worker_factory: Callable[..., Worker],
    smtp_sink: SmtpSink,
    owner_client: Client,
    dossier: Dossier,
    staff: User,
) -> None:
    worker = celery_worker_factory(smtp_port=smtp_sink.port, LOG_FORMAT="json")
    response = owner_client.post(
        reverse("communication:message-create", kwargs={"pk": dossier.pk}),
        {"type": "remark", "audience": "renson", "body": "Livraison ?", "form_token": str(uuid.uuid4())},
        HTTP_X_REQUEST_ID="req-0f1e2d3c4b5a",
    )
    assert response.status_code == 302
    mail = OutboundMail.objects.get(recipient=staff.email)
    wait_until(lambda: OutboundMail.objects.get(pk=mail.pk).status == MailStatus.SENT, 45, "the mail to be sent")
    wait_until(lambda: f"Outbound mail {mail.pk}: sent" in worker.log(), 10, "the worker to log the send")
    [line] = [entry for entry in _json_lines(worker.log()) if entry["message"] == f"Outbound mail {mail.pk}: sent"]
    assert line["request_id"] == "req-0f1e2d3c4b5a"
    assert line["task_name"] == "mailer.send_mail"
    assert (line["mail_id"], line["outcome"], line["level"]) == (mail.pk, "sent", "INFO")
    # Lines outside any request have an empty id, and every line of the worker is JSON.
    assert any(entry["request_id"] == "" for entry in _json_lines(worker.log()))
