"""Request ids: on the response, in every log line, and in the tasks a request queues."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier
from ops import request_id
from ops.logs import JsonFormatter, RequestIdFilter
from tests.celery_publishing import celery_publishing

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_new_request_id(client: Client) -> None:
    first = client.get(reverse("accounts:login"))["X-Request-ID"]
    second = client.get(reverse("accounts:login"))["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept_and_a_malformed_one_replaced(client: Client) -> None:
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="bad id\nInjected: 1")
    assert response["X-Request-ID"] != "bad id\nInjected: 1" and len(response["X-Request-ID"]) == 32


def test_log_lines_of_a_request_carry_its_id(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="ops.request"):
        client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="req-0123456789")
    [line] = [r for r in caplog.records if r.name == "ops.request"]
    assert line.request_id == "req-0123456789"
    assert (line.method, line.path, line.status) == ("GET", "/accounts/login/", 200)
    assert line.getMessage() == "GET /accounts/login/ 200"


def test_json_formatter_writes_one_object_per_line_with_the_request_id() -> None:
    token = request_id.set_current("req-abcdefgh")
    try:
        record = logging.LogRecord("mailer.tasks", logging.WARNING, __file__, 1, "Mail %s stays queued", (7,), None)
        record.mail_id = 7
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "Mail 7 stays queued"
    assert (entry["level"], entry["logger"], entry["request_id"], entry["mail_id"]) == (
        "WARNING",
        "mailer.tasks",
        "req-abcdefgh",
        7,
    )
    assert entry["time"].endswith("+00:00")


def test_json_formatter_includes_the_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.django_db(transaction=True)  # the mail is queued when the service's transaction commits
def test_a_task_queued_by_a_request_carries_the_request_id_in_its_headers(
    owner_client: Client, dossier: Dossier, colleague: User
) -> None:
    """The message as it sits in Redis: the worker side is tests/integration/test_request_id_in_worker.py."""
    queue = "ereps-test-request-id"
    broker_url: str = settings.CELERY_BROKER_URL
    broker = redis.Redis.from_url(broker_url)
    broker.delete(queue)
    try:
        with celery_publishing(broker_url=broker_url, queue=queue):
            response = owner_client.post(
                reverse("communication:message-create", kwargs={"pk": dossier.pk}),
                {"type": "remark", "audience": "renson", "body": "Date de livraison ?", "form_token": _token()},
                HTTP_X_REQUEST_ID="req-from-nginx-42",
            )
        assert response.status_code == 302
        raw: list[Any] = [json.loads(item) for item in broker.lrange(queue, 0, -1)]
    finally:
        broker.delete(queue)
    assert raw, "the request queued no task"
    assert {message["headers"]["task"] for message in raw} == {"mailer.send_mail"}
    assert {message["headers"][request_id.TASK_HEADER] for message in raw} == {"req-from-nginx-42"}


def _token() -> str:
    import uuid

    return str(uuid.uuid4())
