"""The « Tâches de fond » panel of the staff page: when a worker last ran a task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import heartbeat
from .status import Panel


def context(request: HttpRequest) -> dict[str, Any]:
    seen = heartbeat.last_seen()
    return {
        "seen": seen,
        "state": seen.state.value,
        "age": round(seen.age) if seen.age is not None else None,
        "stale_after": settings.WORKER_HEARTBEAT_STALE_SECONDS,
        "alert": seen.state is not heartbeat.State.FRESH,
    }


PANEL = Panel(
    key="ops.workers",
    title=_("Tâches de fond (workers Celery)"),
    template="admin/ops/panel_workers.html",
    context=context,
    order=10,
)
