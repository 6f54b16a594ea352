"""Publishing a Celery task from a request, bounded: a hung or absent broker costs a request
one socket timeout at most (``BROKER_SOCKET_TIMEOUT``, no retry, ``ereps/settings.py``), and
after a failure the process does not try again for ``REDIS_BREAKER_SECONDS``
(:mod:`ops.breaker`, the same breaker as the cache's when both share a Redis).

Callers publish only what a row of the database already holds (an outbox mail, a pending
document): on :class:`PublishFailed` the row waits for its sweep, and the request goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .breaker import Breaker, BreakerOpen, breaker_for_url


class PublishFailed(Exception):
    """The task was not handed to the broker (broker down, hung, or failed moments ago)."""


def broker_breaker(task: Any) -> Breaker | None:
    """The breaker of ``task``'s broker's Redis; none when tasks run inline or without Redis."""
    conf = task.app.conf
    url = str(conf.broker_url or "")
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    return breaker_for_url(url)


def publish(task: Any, args: Sequence[Any], *, countdown: float | None = None) -> None:
    """``task.apply_async(args, countdown=…)``, or :class:`PublishFailed` (its cause chained)."""
    breaker = broker_breaker(task)
    if breaker is not None and breaker.is_open():
        raise PublishFailed("the broker failed moments ago") from BreakerOpen(breaker.name)
    try:
        if countdown:
            task.apply_async(tuple(args), countdown=countdown)
        else:
            task.apply_async(tuple(args))
    except Exception as exc:
        if breaker is not None:
            breaker.trip(exc)
        raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc
