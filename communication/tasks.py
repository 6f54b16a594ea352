"""Celery tasks of the communication app: they take ids and call the outbox services."""

from __future__ import annotations

from celery import shared_task

from . import outbox


@shared_task(name="communication.send_mail", ignore_result=True, acks_late=True)
def send_mail_task(mail_id: int) -> str:
    """Deliver one outbox row; safe to run twice or late (the row's state decides).

    Retries are new messages with a countdown rather than ``self.retry``: the row holds
    the attempt count and the due time, so a lost retry message is caught by the sweep.
    """
    delivery = outbox.deliver_mail(mail_id=mail_id)
    if delivery.outcome is outbox.Outcome.RETRY:
        outbox.enqueue_mail(mail_id=mail_id, countdown=delivery.retry_in)
    return delivery.outcome.value


@shared_task(name="communication.sweep_outbox", ignore_result=True)
def sweep_outbox_task() -> int:
    """Periodic (Celery beat): re-enqueue queued mails whose task was lost and interrupted sends."""
    return outbox.sweep_outbox()
