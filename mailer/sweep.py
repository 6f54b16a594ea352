"""Finding the rows a sender must take up: due mails, and mails whose task was lost.

The database holds the truth (status, due time, claim time), so a lost Celery message
or a killed worker never loses a mail: these queries find it again. Handing the rows
to the workers is :func:`mailer.tasks.sweep_outbox`; sending them without Celery is
``manage.py send_pending_mail``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .delivery import stale_before
from .models import MailStatus, OutboundMail

logger = logging.getLogger(__name__)

SWEEP_BATCH = 1000


def pending_mail_ids(*, ignore_backoff: bool = False, limit: int = SWEEP_BATCH) -> list[int]:
    """Rows a sender may take now: queued and due (or all queued), and stale ``sending`` rows."""
    now = timezone.now()
    queued = OutboundMail.objects.filter(status=MailStatus.QUEUED)
    if not ignore_backoff:
        queued = queued.filter(next_attempt_at__lte=now)
    stale = OutboundMail.objects.filter(status=MailStatus.SENDING, claimed_at__lte=stale_before(now))
    ids = list(queued.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    ids += list(stale.order_by("claimed_at", "pk").values_list("pk", flat=True)[: max(limit - len(ids), 0)])
    return ids


def reclaim_lost_mail(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Rows whose task was lost: queued and overdue by the grace delay, or stale ``sending``.

    Returns their ids, to be handed to the workers again. Overdue rows get
    ``next_attempt_at = now`` so the next sweep leaves them to their task for another
    grace delay instead of piling up duplicate messages on a busy queue; stale
    ``sending`` rows are put back to queued.
    """
    now = timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        stale_ids = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.SENDING, claimed_at__lte=stale_before(now))
            .values_list("pk", flat=True)[:limit]
        )
        if stale_ids:
            logger.warning("Outbox sweep: re-queueing interrupted sends %s", stale_ids)
            OutboundMail.objects.filter(pk__in=stale_ids, status=MailStatus.SENDING).update(
                status=MailStatus.QUEUED,
                claimed_at=None,
                claim_token=None,
                next_attempt_at=now,
                last_error="Envoi interrompu, remis en file par le balayage",
            )
        overdue_ids = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.QUEUED, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[: max(limit - len(stale_ids), 0)]
        )
        OutboundMail.objects.filter(pk__in=overdue_ids).update(next_attempt_at=now)
    return stale_ids + overdue_ids
