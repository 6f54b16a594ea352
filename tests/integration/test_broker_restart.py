"""A Redis restart under a worker holding unacknowledged messages.

With celery 5.7.0 / kombu 5.7.0 and kombu's own Redis transport, the worker dies for good
(``AttributeError: 'NoneType' object has no attribute 'hostname'`` in ``restore_unacked``,
see ereps/broker.py). The portal's transport turns that into a reconnect. The first test
keeps checking that the upstream bug is still there: when it fails, kombu has fixed it
and ``ereps.broker`` can go.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from accounts.models import User
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail
from mailer.tasks import send_mail_task
from tests.celery_publishing import celery_publishing
from tests.smtp import SmtpSink

from .conftest import RedisServer, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HELD = 10**9  # no such mail: the message only has to sit in the worker, unacknowledged


def _restart_with_held_messages(worker: Worker, redis_server: RedisServer) -> None:
    with celery_publishing(broker_url=redis_server.url):
        for n in range(3):
            send_mail_task.apply_async((HELD + n,), countdown=600)  # held by the worker until due
    wait_until(lambda: worker.log().count("] received") >= 3, 20, "the worker to hold the messages")
    redis_server.stop()
    time.sleep(1.5)  # the worker notices the lost connection
    redis_server.start()  # empty: the held messages are gone with it
    time.sleep(4)  # the worker reconnects (or dies)


def test_kombu_s_own_transport_still_dies_on_a_redis_restart(
    celery_worker_factory: Callable[..., Worker], private_redis: RedisServer, smtp_sink: SmtpSink
) -> None:
    worker = celery_worker_factory(
        smtp_port=smtp_sink.port, broker_url=private_redis.url, CELERY_BROKER_TRANSPORT="redis"
    )
    _restart_with_held_messages(worker, private_redis)
    assert worker.proc is not None
    wait_until(lambda: worker.proc.poll() is not None, 20, "the worker to die")
    assert "Unrecoverable error: AttributeError(\"'NoneType' object has no attribute 'hostname'\")" in worker.log()


def test_worker_lives_through_a_redis_restart_and_sends_the_next_mail(
    celery_worker_factory: Callable[..., Worker], private_redis: RedisServer, smtp_sink: SmtpSink, owner: User
) -> None:
    worker = celery_worker_factory(
        smtp_port=smtp_sink.port,
        broker_url=private_redis.url,
        beat=True,
        OUTBOX_SWEEP_INTERVAL_SECONDS="1",
        OUTBOX_SWEEP_GRACE_SECONDS="1",
    )
    _restart_with_held_messages(worker, private_redis)
    assert worker.proc is not None and worker.proc.poll() is None, worker.log()[-3000:]
    assert "Unrecoverable error" not in worker.log()

    with celery_publishing(broker_url=private_redis.url):
        mail = queue_mail(to=owner.email, language="fr", template="invite", context={"user": owner, "reset_path": "/"})

    def sent() -> bool:
        return OutboundMail.objects.get(pk=mail.pk).status == MailStatus.SENT

    wait_until(sent, 45, "the mail to be sent after the restart")
    [received] = smtp_sink.messages
    assert received["Message-ID"] == mail.message_id
