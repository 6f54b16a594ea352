"""The mail outbox with a real Celery worker on Redis and a real SMTP server.

Faults: the SMTP server down during a send, Redis down when a mail is queued, and
a worker killed (kill -9) in the middle of the SMTP DATA phase. In each case every
mail arrives, exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import User
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail
from mailer.tasks import send_mail_task
from tests.celery_publishing import celery_publishing
from tests.smtp import SmtpSink, body_text, free_port, start_sink

from .conftest import RedisServer, StallingSink, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 45.0
SWEEP = "mailer.sweep_outbox"


def _status(mail: OutboundMail) -> str:
    mail.refresh_from_db()
    return mail.status


def _queue(user: User, **kwargs: object) -> OutboundMail:
    params: dict[str, object] = {
        "to": user.email,
        "language": user.language,
        "template": "password_reset",
        "context": {"user": user, "reset_path": "/reset/abc/"},
    }
    params.update(kwargs)
    return queue_mail(**params)  # type: ignore[arg-type]


def test_worker_sends_a_queued_mail_once_even_if_its_task_is_duplicated(
    celery_worker_factory: Callable[..., Worker], smtp_sink: SmtpSink, owner: User, colleague: User
) -> None:
    worker = celery_worker_factory(smtp_port=smtp_sink.port)
    path = default_storage.save("attachments/plan.pdf", ContentFile(b"%PDF-1.4 plan"))
    mail = _queue(
        colleague,
        reply_to=owner.email,
        from_name="Marie Dupont (Menuiserie Dupont) via e-REPS",
        attachments=[{"path": path, "name": "plan.pdf", "content_type": "application/pdf"}],
    )
    duplicate = send_mail_task.delay(mail.pk)  # a duplicate message, as a redelivery would produce
    wait_until(lambda: _status(mail) == MailStatus.SENT, DELIVERY_TIMEOUT, "the worker to send the mail")
    wait_until(lambda: f"[{duplicate.id}] succeeded" in worker.log(), DELIVERY_TIMEOUT, "the duplicate task to run too")

    [received] = smtp_sink.messages
    assert received["To"] == colleague.email
    assert received["Reply-To"] == owner.email
    assert received["Message-ID"] == mail.message_id
    assert received["Content-Language"] == "nl"
    assert received["From"].addresses[0].display_name == "Marie Dupont (Menuiserie Dupont) via e-REPS"
    assert received["From"].addresses[0].addr_spec == "noreply@ereps.localhost"
    assert [p.get_filename() for p in received.iter_attachments()] == ["plan.pdf"]
    mail.refresh_from_db()
    assert mail.attempts == 1


def test_password_reset_mail_is_sent_by_the_worker(
    celery_worker_factory: Callable[..., Worker], smtp_sink: SmtpSink, colleague: User, client
) -> None:
    celery_worker_factory(smtp_port=smtp_sink.port)
    response = client.post(reverse("accounts:password-reset"), {"email": colleague.email})
    assert response.status_code == 302
    mail = OutboundMail.objects.get()
    wait_until(lambda: _status(mail) == MailStatus.SENT, DELIVERY_TIMEOUT, "the reset mail to be sent")
    [received] = smtp_sink.to(colleague.email)
    assert received["Content-Language"] == "nl"
    assert "/password/reset/" in body_text(received)


def test_smtp_server_down_then_back_every_mail_arrives_exactly_once(
    celery_worker_factory: Callable[..., Worker], owner: User, colleague: User
) -> None:
    port = free_port()  # the mail server is down: nothing listens there yet
    worker = celery_worker_factory(smtp_port=port, OUTBOX_RETRY_BASE_SECONDS="1", OUTBOX_RETRY_MAX_SECONDS="2")
    mails = [_queue(owner), _queue(colleague)]
    wait_until(
        lambda: all(OutboundMail.objects.get(pk=m.pk).attempts >= 2 for m in mails),
        DELIVERY_TIMEOUT,
        "two failed attempts per mail",
    )
    assert MailStatus.SENT not in {_status(m) for m in mails}  # refreshes them
    assert all("refused" in m.last_error.lower() for m in mails)

    sink, controller = start_sink(port)  # the server is back
    try:
        wait_until(lambda: all(_status(m) == MailStatus.SENT for m in mails), DELIVERY_TIMEOUT, "both mails sent")
        # Retries still held with a countdown run too: a stray one would send again.
        wait_until(worker.is_idle, DELIVERY_TIMEOUT, "the worker to run every task it holds")
    finally:
        controller.stop()
    assert sorted(str(m["To"]) for m in sink.messages) == sorted([owner.email, colleague.email])
    assert sorted(str(m["Message-ID"]) for m in sink.messages) == sorted(m.message_id for m in mails)


def test_redis_down_when_a_mail_is_queued_the_sweep_sends_it_when_redis_is_back(
    celery_worker_factory: Callable[..., Worker], private_redis: RedisServer, smtp_sink: SmtpSink, owner: User, client
) -> None:
    worker = celery_worker_factory(
        smtp_port=smtp_sink.port,
        broker_url=private_redis.url,
        beat=True,
        OUTBOX_SWEEP_INTERVAL_SECONDS="1",
        OUTBOX_SWEEP_GRACE_SECONDS="1",
    )
    with celery_publishing(broker_url=private_redis.url):
        private_redis.stop()  # Redis goes down
        started = time.monotonic()
        response = client.post(reverse("accounts:password-reset"), {"email": owner.email})
        assert response.status_code == 302  # the page works
        assert time.monotonic() - started < 15
        mail = OutboundMail.objects.get()
        assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 0)  # saved, waiting

        private_redis.start()  # Redis is back; the worker reconnects and beat's sweep finds the mail
        wait_until(lambda: _status(mail) == MailStatus.SENT, 90, "the sweep to send the mail")
        sweeps = worker.finished(SWEEP)
        wait_until(lambda: worker.finished(SWEEP) >= sweeps + 2, 30, "two more sweeps (they send nothing more)")
    [received] = smtp_sink.messages
    assert received["Message-ID"] == mail.message_id


def test_worker_killed_mid_send_the_mail_arrives_exactly_once(
    celery_worker_factory: Callable[..., Worker], settings, owner: User
) -> None:
    sink = StallingSink(host="127.0.0.1", port=free_port(), stall_next=1)
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        # Short delays so the test is quick; the settings check keeps stale > 3 × EMAIL_TIMEOUT.
        worker = celery_worker_factory(
            smtp_port=sink.port,
            beat=True,
            EMAIL_TIMEOUT="2",
            OUTBOX_STALE_SENDING_SECONDS="7",
            OUTBOX_SWEEP_INTERVAL_SECONDS="1",
            OUTBOX_SWEEP_GRACE_SECONDS="1",
        )
        mail = _queue(owner)
        assert sink.data_started.wait(DELIVERY_TIMEOUT), "the worker never reached DATA"
        worker.kill()  # kill -9 while the server holds the message data without answering

        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (MailStatus.SENDING, 1)  # claimed, outcome unknown
        assert sink.data_dropped.wait(DELIVERY_TIMEOUT), "the server never gave up the unanswered transaction"
        assert sink.messages == []  # the server dropped the unanswered transaction

        worker.start()  # after OUTBOX_STALE_SENDING_SECONDS the sweep re-queues it
        wait_until(lambda: _status(mail) == MailStatus.SENT, 60, "the interrupted mail to be sent again")
        sweeps = worker.finished(SWEEP)
        wait_until(lambda: worker.finished(SWEEP) >= sweeps + 2, 30, "two more sweeps (they send nothing more)")
    finally:
        controller.stop()
    [received] = sink.messages
    assert received["Message-ID"] == mail.message_id
    mail.refresh_from_db()
    assert mail.attempts == 2
