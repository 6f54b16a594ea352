"""A frozen Redis (SIGSTOP: it keeps its port and accepts connections, never answers).

Redis is both the broker and the shared cache here, as in production. A dealer's request
while it is frozen costs at most one socket timeout (0.5 s, ``BROKER_SOCKET_TIMEOUT`` and
the cache's), after which the process leaves that Redis alone for ``REDIS_BREAKER_SECONDS``
(ops/breaker.py): the next requests do not wait at all. The mail a request queued stays
in the outbox and the sweep sends it once Redis answers again; so does the document an
order issues (its generation task is published the same way, ops/publishing.py): it stays
pending, and the documents' sweep queues it again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalogue.models import Product
from documents.models import Document, DocumentKind, DocumentState
from dossiers.models import Dossier, Status
from mailer.models import MailStatus, OutboundMail
from ops import breaker
from tests.catalogue.demo import load_demo_catalogue
from tests.celery_publishing import celery_publishing
from tests.configurator.conftest import FIXSCREEN, add, new_dossier
from tests.smtp import SmtpSink

from .conftest import RedisServer, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BOUND = 0.5  # the socket timeouts
SLACK = 0.35  # the request's own work, on a shared machine


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


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
    with celery_publishing(broker_url=private_redis.url):
        assert owner_client.get(overview).status_code == 200  # connections to Redis are open and pooled
        private_redis.freeze()
        try:
            response, first = _timed(
                lambda: owner_client.post(
                    post_url,
                    {"type": "remark", "audience": "renson", "body": "Livraison ?", "form_token": str(uuid.uuid4())},
                )
            )
            assert response.status_code == 302
            assert first < BOUND + SLACK, f"the first request waited {first:.2f}s"
            mail = OutboundMail.objects.get(recipient=staff.email)
            assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 0)  # committed, waiting

            # The breaker is open: the next requests do not wait for Redis at all.
            for _ in range(3):
                page, seconds = _timed(lambda: owner_client.get(overview))
                assert page.status_code == 200
                assert seconds < SLACK, f"a request during the freeze waited {seconds:.2f}s"
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
    with celery_publishing(broker_url=private_redis.url):
        assert owner_client.get(overview).status_code == 200  # connections to Redis are open and pooled
        private_redis.freeze()
        try:
            response, seconds = _timed(lambda: owner_client.post(order_url))
            assert response.status_code == 302
            assert seconds < BOUND + SLACK, f"placing the order waited {seconds:.2f}s"
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
