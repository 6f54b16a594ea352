"""One id per web request, in every log line it causes, here and in the Celery tasks it queues.

The id comes from the ``X-Request-ID`` header that nginx sets (``$request_id``, also in
its access log), or is made here; the response carries it back. It lives in a context
variable for the request, is copied into the headers of every task published meanwhile
(``before_task_publish``), and is set again around the task in the worker
(``task_prerun``), so the log lines of a mail sent for a dealer's message carry the id
of the request that posted it. A task queued by a task (a retry) keeps the id.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from typing import Any

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "ereps_request_id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current() -> str:
    return _current.get()


def set_current(value: str) -> contextvars.Token[str]:
    return _current.set(value)


def reset(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def from_header(raw: str | None) -> str:
    """The proxy's id when it looks like one (it is printed in logs), else a new one."""
    if raw and _ACCEPTED.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


# --- Celery: carry the id in the task's headers --------------------------------------


def add_to_task_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """``before_task_publish``: the publishing request's (or task's) id goes along."""
    value = current()
    if value and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = value


_task_tokens: dict[str, contextvars.Token[str]] = {}


def enter_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """``task_prerun``: the task runs under the id of the request that queued it."""
    value = getattr(getattr(task, "request", None), TASK_HEADER, None) or ""
    if task_id:
        _task_tokens[task_id] = set_current(str(value))


def leave_task(task_id: str | None = None, **kwargs: Any) -> None:
    """``task_postrun``: back to no id."""
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            reset(token)
        except ValueError:  # set in another context (a different thread): just clear it
            set_current("")
