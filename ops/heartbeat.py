"""Is any Celery worker running tasks? The heartbeat says when one last did.

Celery beat queues ``ops.heartbeat`` every ``WORKER_HEARTBEAT_SECONDS``; whichever worker
takes it writes the time and its own name into the shared cache. So the heartbeat is
fresh only if beat, the broker and at least one worker all work, which is what sending
mail needs. Older than ``WORKER_HEARTBEAT_STALE_SECONDS``, it is reported as stale on
the staff page (« État du service ») and in ``/readyz``'s body.

The tasks expire after one interval: after an outage, a worker coming back does not run
the pile of heartbeats queued meanwhile, and cannot make an old heartbeat look fresh.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_KEY = "ops:worker-heartbeat"
TASK_NAME = "ops.heartbeat"


class State(enum.Enum):
    FRESH = "fresh"
    STALE = "stale"
    NEVER = "never"  # no heartbeat in the cache: no worker yet, or the cache was emptied
    UNKNOWN = "unknown"  # the cache cannot be read


@dataclass(frozen=True)
class Seen:
    state: State
    age: float | None = None  # seconds since the last heartbeat
    worker: str = ""

    def describe(self) -> str:
        if self.state is State.UNKNOWN:
            return "unknown: the cache cannot be read"
        if self.state is State.NEVER:
            return "no heartbeat recorded"
        return f"last heartbeat {self.age:.0f}s ago from {self.worker or 'a worker'}"


def record(*, worker: str, now: float | None = None) -> None:
    """Called by the heartbeat task, in a worker."""
    when = time.time() if now is None else now
    # Kept well past the stale delay, so that « stale » (not « never ») says a worker once ran.
    cache.set(CACHE_KEY, {"at": when, "worker": worker}, timeout=24 * 3600)


def last_seen(*, now: float | None = None) -> Seen:
    try:
        entry = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("Worker heartbeat not read: the cache is unreachable", exc_info=True)
        return Seen(State.UNKNOWN)
    if not isinstance(entry, dict) or "at" not in entry:
        return Seen(State.NEVER)
    age = max((time.time() if now is None else now) - float(entry["at"]), 0.0)
    state = State.FRESH if age <= settings.WORKER_HEARTBEAT_STALE_SECONDS else State.STALE
    return Seen(state, age, str(entry.get("worker") or ""))
