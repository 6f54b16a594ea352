"""Celery's side of the documents: the generation task and how a document is handed to it.

The task takes the document's id; the row's state decides (:func:`documents.generation.generate`),
so a task run twice or late does no harm. Any exception is retried with a bounded
back-off: storage unreachable, a database hiccup, or a template broken by a deploy and
fixed by the next one. Each failed try is counted on the row with its error; after the
last one the document is failed, shown to staff in the admin (« échec » filter), where
« Régénérer » queues it again. Meanwhile the dealer's card says « en cours de génération »
and no mail leaves.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ops.publishing import PublishFailed, publish

from . import generation
from .models import Document, DocumentState

logger = logging.getLogger(__name__)

GENERATE = "documents.generate_document"
SWEEP = "documents.sweep_pending"
# Seconds before each retry: 4 retries (5 tries) over about 20 minutes.
BACKOFF = (15, 60, 240, 900)
MAX_RETRIES = len(BACKOFF)
MAX_ATTEMPTS = MAX_RETRIES + 1


def backoff(retries: int) -> int:
    return BACKOFF[min(retries, len(BACKOFF) - 1)]


def _generate(document_id: int) -> str:
    """Make the document; on an error count the try on its row and queue the next try.

    Retries are new messages with a countdown rather than ``self.retry``: the row holds the
    attempt count, so a retry runs the same way inline (tests, the demo) and on a worker.
    """
    try:
        return generation.generate(document_id=document_id)
    except Exception as exc:
        document = generation.record_failure(
            document_id=document_id, error=f"{type(exc).__name__}: {exc}", max_attempts=MAX_ATTEMPTS
        )
        if document is None or document.state != DocumentState.PENDING:
            logger.exception("Document %s: generation failed for good", document_id)
            return "failed"
        logger.warning(
            "Document %s: generation failed (try %s), retrying", document_id, document.attempts, exc_info=True
        )
        enqueue_generation(document_id=document_id, countdown=backoff(document.attempts - 1))
        return "retry"


generate_document = shared_task(name=GENERATE, ignore_result=True, acks_late=True)(_generate)


def enqueue_generation(*, document_id: int, countdown: float | None = None) -> bool:
    """Ask Celery to make the document; on a broker outage log it: the document stays pending
    and the sweep queues it again (or staff, with « Régénérer »).

    Called in requests (after commit): a broker down or hung costs the request one socket
    timeout at most, and nothing while its breaker is open (:mod:`ops.publishing`).
    """
    try:
        publish(generate_document, (document_id,), countdown=countdown)
    except PublishFailed:
        logger.warning("Document %s stays pending: could not enqueue its generation", document_id, exc_info=True)
        return False
    return True


def _waits(attempts: int) -> timedelta:
    """How long after its row's last update the task of a pending document is due: at once,
    or after the back-off of its last failed try."""
    return timedelta(seconds=backoff(attempts - 1)) if attempts else timedelta(0)


def lost(*, now: datetime, late: timedelta) -> Q:
    """Pending documents whose task was due more than ``late`` ago: it was lost (Redis down
    when it was queued, restarted empty, or its worker killed) or waits behind a long queue."""
    due_before = now - late
    waiting = Q(attempts=0, updated_at__lt=due_before)
    for attempts in range(1, MAX_ATTEMPTS + 1):
        waiting |= Q(attempts=attempts, updated_at__lt=due_before - _waits(attempts))
    return Q(state=DocumentState.PENDING) & waiting


def sweep_pending(*, now: datetime | None = None, limit: int = 100) -> int:
    """Queue again the pending documents whose task was lost (Celery beat, every
    ``DOCUMENTS_SWEEP_INTERVAL_SECONDS``).

    A task that could not be queued (Redis down), lost with a Redis restarted empty, or
    held by a worker killed mid-task leaves its document pending: its row says so, and its
    task was due more than ``DOCUMENTS_SWEEP_GRACE_SECONDS`` ago. Queue it again: a task
    that runs twice makes the file once (the row lock and its state decide).
    """
    late = timedelta(seconds=settings.DOCUMENTS_SWEEP_GRACE_SECONDS)
    ids = list(
        Document.objects.filter(lost(now=now or timezone.now(), late=late))
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for document_id in ids:
        if not enqueue_generation(document_id=document_id):
            break  # the broker is still down; the next sweep tries again
    return len(ids)


def _sweep_pending() -> int:
    return sweep_pending()


sweep_pending_task = shared_task(name=SWEEP, ignore_result=True)(_sweep_pending)
