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
from typing import Any

from celery import shared_task

from . import generation

logger = logging.getLogger(__name__)

GENERATE = "documents.generate_document"
# Seconds before each retry: 4 retries (5 tries) over about 20 minutes.
BACKOFF = (15, 60, 240, 900)
MAX_RETRIES = len(BACKOFF)


def backoff(retries: int) -> int:
    return BACKOFF[min(retries, len(BACKOFF) - 1)]


@shared_task(bind=True, name=GENERATE, ignore_result=True, acks_late=True, max_retries=MAX_RETRIES)
def generate_document(self: Any, document_id: int) -> str:
    try:
        return generation.generate(document_id=document_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        generation.record_failure(document_id=document_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            logger.exception("Document %s: generation failed for good", document_id)
            return "failed"
        logger.warning("Document %s: generation failed, retrying", document_id, exc_info=True)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


def enqueue_generation(*, document_id: int) -> bool:
    """Ask Celery to make the document; on a broker outage log it: the document stays pending,
    listed in the admin, where « Régénérer » queues it again."""
    try:
        generate_document.apply_async((document_id,))
    except Exception:
        logger.warning("Document %s stays pending: could not enqueue its generation", document_id, exc_info=True)
        return False
    return True
