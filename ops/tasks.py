"""The heartbeat task (see :mod:`ops.heartbeat`), queued by Celery beat."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import heartbeat


@shared_task(name=heartbeat.TASK_NAME, bind=True, ignore_result=True)
def heartbeat_task(self: Any) -> None:
    heartbeat.record(worker=str(self.request.hostname or ""))
