"""What ``/readyz`` checks: the database, Redis, the file storage, the migrations.

Each check answers within about a second (its client's own timeouts) and names what is
wrong in a short text; none of them writes. ``/healthz`` checks nothing: a process that
answers it is alive, and restarting it would not cure a database outage.

The workers are reported but do not make a web node unready: taking every web node out
of the load balancer because the mail workers are down would take the portal down with
them and cure nothing. They are watched through the heartbeat (``ops.heartbeat``), shown
in ``/readyz``'s body and on the staff page (« État du service »).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from . import heartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = "ok"


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check("database", False, _short(exc))
    return Check("database", True)


_migrations_applied = False


def check_migrations() -> Check:
    """Every migration on disk is applied. Once true, a process does not look again:
    migrations are applied before new code starts, never taken back under it."""
    global _migrations_applied
    if _migrations_applied:
        return Check("migrations", True)
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return Check("migrations", False, _short(exc))
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:5])
        return Check("migrations", False, f"{len(plan)} not applied: {names}")
    _migrations_applied = True
    return Check("migrations", True)


def check_cache() -> Check:
    """The shared cache answers (Redis in production; the demo's memory cache always does)."""
    try:
        cache.get("ops:readyz")
    except Exception as exc:
        return Check("cache", False, _short(exc))
    return Check("cache", True)


def check_broker() -> Check:
    """The Celery broker answers a PING (nothing to check without a broker: tasks run inline)."""
    url: str = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://", "unix://")):
        return Check("broker", True, "tasks run inline")
    timeout = settings.BROKER_SOCKET_TIMEOUT
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    except Exception as exc:
        return Check("broker", False, _short(exc))
    finally:
        client.close()
    return Check("broker", True)


def check_storage() -> Check:
    """The file storage answers: the bucket exists and may be read, or the folder exists
    (it is made here if missing, as the first upload would)."""
    try:
        bucket = getattr(default_storage, "bucket", None)
        if bucket is not None:  # S3 (django-storages)
            bucket.meta.client.head_bucket(Bucket=bucket.name)
        else:
            Path(default_storage.path("")).mkdir(parents=True, exist_ok=True)
    except Exception as exc:
        return Check("storage", False, _short(exc))
    return Check("storage", True)


def check_workers() -> Check:
    """A Celery worker ran the heartbeat task recently (see :mod:`ops.heartbeat`)."""
    seen = heartbeat.last_seen()
    if seen.state is heartbeat.State.FRESH:
        return Check("workers", True, seen.describe())
    return Check("workers", False, seen.describe())


READINESS: list[Callable[[], Check]] = [check_database, check_migrations, check_cache, check_broker, check_storage]


def readiness() -> tuple[list[Check], Check]:
    """The checks that decide readiness, and the workers' (reported only)."""
    return [check() for check in READINESS], check_workers()


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
