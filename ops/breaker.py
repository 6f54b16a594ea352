"""A circuit breaker per Redis server: after a failure, web requests stop asking for a while.

Why: Redis serves the shared cache and the Celery broker, and a request talks to it
several times (the overview cache, the rate limits, a publish per queued mail). Each call
is bounded by a socket timeout, but a Redis that is frozen (or whose host vanished) would
cost every call that timeout again, and a request making five calls would wait five
times. Once a call to a server fails, the breaker of that server stays *open* for
``REDIS_BREAKER_SECONDS``: calls fail at once with ``BreakerOpen`` (a ``ConnectionError``,
which every caller already handles as « Redis unreachable »), so a request pays the
timeout at most once, and only the first request of each process in each window does.
Then the next call tries the server again.

What waits meanwhile: pages are rendered without the cache, and queued mails stay in the
outbox for the sweep (``mailer.sweep``). Nothing that matters is held only in Redis.

The state is per process (each gunicorn worker and Celery process finds out for itself),
kept in memory, and shared by the cache (``BreakerConnection``, the connection class of
the cache's pool) and the publisher (``mailer.tasks.enqueue_mail``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


class BreakerOpen(redis.exceptions.ConnectionError):
    """Redis failed a moment ago: not asked again until the breaker closes."""


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def check(self) -> None:
        if self.is_open():
            raise BreakerOpen(f"Redis at {self.name} failed less than {settings.REDIS_BREAKER_SECONDS}s ago")

    def trip(self, error: BaseException | None = None) -> None:
        with self._lock:
            was_open = self.is_open()
            self._open_until = time.monotonic() + settings.REDIS_BREAKER_SECONDS
        if not was_open:
            logger.warning(
                "Redis at %s unreachable (%s): not asked again for %ss",
                self.name,
                type(error).__name__ if error else "error",
                settings.REDIS_BREAKER_SECONDS,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_breakers: dict[str, Breaker] = {}
_registry_lock = threading.Lock()


def breaker_for(host: str | None, port: int | None) -> Breaker:
    name = f"{host or '127.0.0.1'}:{port or 6379}"
    with _registry_lock:
        if name not in _breakers:
            _breakers[name] = Breaker(name)
        return _breakers[name]


def breaker_for_url(url: str) -> Breaker:
    """The breaker of the server a ``redis://`` URL names (a ``unix://`` socket: its path)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return breaker_for(parts.path, 0)
    return breaker_for(parts.hostname, parts.port)


def reset_all() -> None:
    """Close every breaker (tests, and a process that knows Redis is back)."""
    with _registry_lock:
        breakers = list(_breakers.values())
    for breaker in breakers:
        breaker.reset()


_FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class BreakerConnection(redis.Connection):
    """A redis-py connection that consults and trips its server's breaker (the cache's pool)."""

    def _breaker(self) -> Breaker:
        return breaker_for(self.host, self.port)

    def connect(self, *args: Any, **kwargs: Any) -> None:
        breaker = self._breaker()
        breaker.check()
        try:
            super().connect(*args, **kwargs)
        except _FAILURES as exc:
            breaker.trip(exc)
            raise

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        breaker = self._breaker()
        breaker.check()
        try:
            super().send_packed_command(*args, **kwargs)
        except _FAILURES as exc:
            breaker.trip(exc)
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            self._breaker().trip(exc)
            raise


class BreakerConnectionPool(redis.ConnectionPool):
    """The cache's pool (``CACHES``' ``pool_class``): plain ``redis://`` connections get the breaker."""

    def __init__(self, connection_class: type[redis.Connection] = BreakerConnection, **kwargs: Any) -> None:
        if connection_class is redis.Connection:
            connection_class = BreakerConnection
        super().__init__(connection_class=connection_class, **kwargs)
