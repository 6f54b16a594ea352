"""Log records as JSON lines (``LOG_FORMAT=json``), each with the request id.

One object per line with the time (UTC, ISO 8601), level, logger, message, the request id
(:mod:`ops.request_id`), the Celery task's id and name when in a task, the traceback if
any, and whatever a caller passed in ``extra``. Used by the web processes through
``LOGGING`` and by Celery's own handlers (``after_setup_logger``), so a log shipper reads
the same fields everywhere.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from . import request_id

# Attributes every LogRecord has: anything else was passed in ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "task_id", "task_name"}


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.current()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.current(),
            "process": record.process,
        }
        task = _current_task()
        if task is not None:
            entry["task_id"] = task[0]
            entry["task_name"] = task[1]
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def _current_task() -> tuple[str, str] | None:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None
    task = current_task
    if not task or not getattr(task, "request", None) or not task.request.id:
        return None
    return str(task.request.id), str(task.name)


def setup_celery_logger(logger: logging.Logger | None = None, **kwargs: Any) -> None:
    """``after_setup_logger`` / ``after_setup_task_logger``: Celery's handlers get the request id,
    and JSON when ``LOG_FORMAT=json``."""
    from django.conf import settings

    if logger is None:
        return
    for handler in logger.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter())
