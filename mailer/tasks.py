"""Celery's side of the outbox: the tasks, and how a row is handed to them.

Tasks take ids and call :mod:`mailer.delivery` and :mod:`mailer.sweep`; the row's state
decides what happens, so a task may run twice or late.

Task names. The tasks are registered as ``mailer.send_mail`` and ``mailer.sweep_outbox``.
Before the mail code had an app of its own they were ``communication.send_mail`` and
``communication.sweep_outbox``, and messages with those names may still wait in the
broker after a deploy: retries with a countdown (up to ``OUTBOX_RETRY_MAX_SECONDS``) and
sends queued just before the switch. The old names stay registered as aliases running the
same code, so a worker of this version handles them; a message that reaches a worker of
the previous version with a new name is rejected as unknown, and its row, still
``queued``, is sent by the next sweep. The aliases can go once no message with the old
names can be left in any broker.
"""

from __future__ import annotations

import logging

from celery import shared_task

from ops.publishing import PublishFailed, publish

from . import delivery, sweep

logger = logging.getLogger(__name__)

SEND_MAIL = "mailer.send_mail"
SWEEP_OUTBOX = "mailer.sweep_outbox"
# Old name → current name (see the module docstring).
LEGACY_NAMES = {"communication.send_mail": SEND_MAIL, "communication.sweep_outbox": SWEEP_OUTBOX}


def _send_mail(mail_id: int) -> str:
    """Deliver one outbox row; safe to run twice or late (the row's state decides).

    Retries are new messages with a countdown rather than ``self.retry``: the row holds
    the attempt count and the due time, so a lost retry message is caught by the sweep.
    """
    outcome = delivery.deliver_mail(mail_id=mail_id)
    # With the request id of the request that queued the mail (ops.request_id).
    logger.info(
        "Outbound mail %s: %s",
        mail_id,
        outcome.outcome.value,
        extra={"mail_id": mail_id, "outcome": outcome.outcome.value},
    )
    if outcome.outcome is delivery.Outcome.RETRY:
        enqueue_mail(mail_id=mail_id, countdown=outcome.retry_in)
    return outcome.outcome.value


def _sweep_outbox() -> int:
    """Periodic (Celery beat): re-enqueue queued mails whose task was lost and interrupted sends."""
    return sweep_outbox()


send_mail_task = shared_task(name=SEND_MAIL, ignore_result=True, acks_late=True)(_send_mail)
sweep_outbox_task = shared_task(name=SWEEP_OUTBOX, ignore_result=True)(_sweep_outbox)
legacy_send_mail_task = shared_task(name="communication.send_mail", ignore_result=True, acks_late=True)(_send_mail)
legacy_sweep_outbox_task = shared_task(name="communication.sweep_outbox", ignore_result=True)(_sweep_outbox)


def enqueue_mail(*, mail_id: int, countdown: float | None = None) -> bool:
    """Ask Celery to send the row; on a broker outage log it and leave the row queued.

    Called in requests (after commit): a broker that is down or hung costs at most one
    socket timeout (``BROKER_SOCKET_TIMEOUT``, no retry), and after a failure the
    process does not try again for ``REDIS_BREAKER_SECONDS`` (:mod:`ops.publishing`), so
    a request queueing ten mails does not wait ten times.
    """
    try:
        publish(send_mail_task, (mail_id,), countdown=countdown)
    except PublishFailed:
        # Redis down, DNS, timeouts…: the row is safe in the database and the sweep
        # or `send_pending_mail` will send it. Never fail the caller's request for it.
        logger.warning("Outbound mail %s stays queued: could not enqueue its send task", mail_id, exc_info=True)
        return False
    return True


def sweep_outbox(*, limit: int = sweep.SWEEP_BATCH) -> int:
    """Hand the rows whose task was lost (see :func:`mailer.sweep.reclaim_lost_mail`) to the workers again.

    Returns how many were found.
    """
    ids = sweep.reclaim_lost_mail(limit=limit)
    for mail_id in ids:
        if not enqueue_mail(mail_id=mail_id):
            break  # the broker is down; the next sweep (or send_pending_mail) tries again
    return len(ids)
