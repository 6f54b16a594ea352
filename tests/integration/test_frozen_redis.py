"""A frozen Redis (SIGSTOP: it keeps its port and accepts connections, never answers).

Redis is both the broker and the shared cache here, as in production. A dealer's request
while it is frozen costs at most one socket timeout (0.5 s, ``BROKER_SOCKET_TIMEOUT`` and
the cache's), after which the process leaves that Redis alone for ``REDIS_BREAKER_SECONDS``
(ops/breaker.py): the next requests do not wait at all. The mail a request queued stays
in the outbox and the sweep sends it once Redis answers again; so does the document an
order issues (its generation task is published the same way, ops/publishing.py): it stays
pending, and the documents' sweep queues it again.

What is asserted is the time each request spends waiting for Redis (``RedisWaits``: every
call of the cache's connections and every publish, timed where they happen), not the
request's whole duration: the request's own work (an order's pricing, its transaction) is
not Redis's doing, and on a shared machine a burst of load elsewhere can stretch it by a
second. The whole duration is printed beside it when an assertion fails.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from celery.app.task import Task
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalogue.models import Product
from documents.models import Document, DocumentKind, DocumentState
from dossiers.models import Dossier, Status
from mailer.models import MailStatus, OutboundMail
from ops import breaker
from ops.breaker import BreakerConnection
from tests.catalogue.demo import load_demo_catalogue
from tests.celery_publishing import celery_publishing
from tests.configurator.conftest import FIXSCREEN, add, new_dossier
from tests.smtp import SmtpSink

from .conftest import RedisServer, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BOUND = 0.5  # the socket timeouts
MARGIN = 0.15  # around one timeout: the socket's own scheduling, and calls refused at once
WAITED = 0.4  # a call that took this long sat in a socket timeout


@dataclass
class RedisWaits:
    """How long each call to Redis made by this process took: the cache's connections
    (connect, send, read) and each publish to the broker (``Task.apply_async``).

    The real calls run, timed; a call made inside another (a connect inside a send) counts
    once, in the outer one.
    """

    calls: list[float] = field(default_factory=list)
    _depth: threading.local = field(default_factory=threading.local)

    def _timed(self, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._depth, "n", 0)
            self._depth.n = depth + 1
            started = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth.n = depth
                if depth == 0:
                    self.calls.append(time.monotonic() - started)

        return timed

    @contextmanager
    def recording(self) -> Iterator[RedisWaits]:
        with ExitStack() as stack:
            for owner, name in (
                (BreakerConnection, "connect"),
                (BreakerConnection, "send_packed_command"),
                (BreakerConnection, "read_response"),
                (Task, "apply_async"),
            ):
                stack.enter_context(mock.patch.object(owner, name, self._timed(getattr(owner, name))))
            yield self

    def during(self, call: Callable[[], Any]) -> tuple[Any, list[float], float]:
        """``call()``'s result, the Redis calls it made (seconds each), and its whole duration."""
        self.calls.clear()
        started = time.monotonic()
        result = call()
        return result, list(self.calls), time.monotonic() - started


def _assert_one_timeout(calls: list[float], seconds: float, what: str) -> None:
    """Exactly one call sat in a timeout (none: Redis was not frozen), and the rest cost nothing."""
    detail = f"{what}: Redis calls {[round(c, 3) for c in calls]}, {seconds:.2f}s in all"
    assert len([c for c in calls if c >= WAITED]) == 1, detail
    assert sum(calls) < BOUND + MARGIN, detail


def _assert_no_wait(calls: list[float], seconds: float, what: str) -> None:
    assert sum(calls) < MARGIN, f"{what}: Redis calls {[round(c, 3) for c in calls]}, {seconds:.2f}s in all"


def test_requests_are_not_stalled_by_a_frozen_redis_and_the_mail_waits_for_the_sweep(
    celery_worker_factory: Callable[..., Worker],
    private_redis: RedisServer,
    smtp_sink: SmtpSink,
    settings: Any,
    owner_client: Client,
    dossier: Dossier,
    staff: User,
) -> None:
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    worker = celery_worker_factory(
        smtp_port=smtp_sink.port,
        broker_url=private_redis.url,
        beat=True,
        OUTBOX_SWEEP_INTERVAL_SECONDS="1",
        OUTBOX_SWEEP_GRACE_SECONDS="1",
    )
    overview = reverse("dossiers:dossier-list")
    post_url = reverse("communication:message-create", kwargs={"pk": dossier.pk})
    with celery_publishing(broker_url=private_redis.url), RedisWaits().recording() as waits:
        assert owner_client.get(overview).status_code == 200  # connections to Redis are open and pooled
        private_redis.freeze()
        try:
            response, calls, seconds = waits.during(
                lambda: owner_client.post(
                    post_url,
                    {"type": "remark", "audience": "renson", "body": "Livraison ?", "form_token": str(uuid.uuid4())},
                )
            )
            assert response.status_code == 302
            _assert_one_timeout(calls, seconds, "the first request")
            mail = OutboundMail.objects.get(recipient=staff.email)
            assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 0)  # committed, waiting

            # The breaker is open: the next requests do not wait for Redis at all.
            for _ in range(3):
                page, calls, seconds = waits.during(lambda: owner_client.get(overview))
                assert page.status_code == 200
                _assert_no_wait(calls, seconds, "a request during the freeze")
        finally:
            private_redis.thaw()
        breaker.reset_all()
        wait_until(lambda: OutboundMail.objects.get(pk=mail.pk).status == MailStatus.SENT, 60, "the sweep to send it")
    [received] = smtp_sink.to(staff.email)
    assert received["Message-ID"] == mail.message_id
    assert worker.proc is not None and worker.proc.poll() is None


def test_placing_an_order_is_not_stalled_by_a_frozen_redis_and_its_document_waits_for_the_sweep(
    celery_worker_factory: Callable[..., Worker],
    private_redis: RedisServer,
    smtp_sink: SmtpSink,
    settings: Any,
    owner_client: Client,
    owner: User,
) -> None:
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    load_demo_catalogue()
    product = Product.objects.get(code="FX100")
    dossier: Dossier = new_dossier(owner.customer, owner, product, "Maison Lambert")
    add(dossier, owner, product, FIXSCREEN, quantity=2)
    worker = celery_worker_factory(
        smtp_port=smtp_sink.port,
        broker_url=private_redis.url,
        beat=True,
        DOCUMENTS_SWEEP_INTERVAL_SECONDS="1",
        DOCUMENTS_SWEEP_GRACE_SECONDS="1",
    )
    overview = reverse("dossiers:dossier-list")
    order_url = reverse("configurator:order-place", kwargs={"pk": dossier.pk})
    with celery_publishing(broker_url=private_redis.url), RedisWaits().recording() as waits:
        assert owner_client.get(overview).status_code == 200  # connections to Redis are open and pooled
        private_redis.freeze()
        try:
            response, calls, seconds = waits.during(lambda: owner_client.post(order_url))
            assert response.status_code == 302
            _assert_one_timeout(calls, seconds, "placing the order")
            assert Dossier.objects.get(pk=dossier.pk).status == Status.ORDERED
            document = Document.objects.get(dossier=dossier, kind=DocumentKind.ORDER_CONFIRMATION)
            assert (document.state, document.attempts) == (DocumentState.PENDING, 0)  # committed, waiting
        finally:
            private_redis.thaw()
        breaker.reset_all()
        wait_until(
            lambda: Document.objects.get(pk=document.pk).state == DocumentState.READY, 90, "the sweep to make it"
        )
        wait_until(lambda: len(smtp_sink.to(owner.email)) == 1, 60, "the order confirmation's mail")
    assert "documents.sweep_pending" in worker.log()
    assert worker.proc is not None and worker.proc.poll() is None
