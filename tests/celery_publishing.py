"""Make the test process publish Celery tasks to a real broker instead of running them inline."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from kombu import pools as kombu_pools

from ereps.celery import app as celery_app


def _reset_celery_publisher() -> None:
    """Forget Celery's cached connections and queues so new settings take effect."""
    kombu_pools.reset()  # closes and forgets every cached connection and producer pool
    app: Any = celery_app  # private attributes, not in the type stubs
    app._pool = None
    amqp: Any = app.amqp
    amqp._producer_pool = None
    amqp._rtable = None
    for cached in ("queues", "default_queue", "router"):
        amqp.__dict__.pop(cached, None)


@contextlib.contextmanager
def celery_publishing(*, broker_url: str, queue: str | None = None, eager: bool = False) -> Iterator[None]:
    """Make this test process publish tasks to ``broker_url`` (not inline), then restore."""
    conf: Any = celery_app.conf
    saved = (conf.broker_url, conf.task_default_queue, conf.task_always_eager)
    conf.broker_url = broker_url
    conf.task_default_queue = queue or saved[1]
    conf.task_always_eager = eager
    _reset_celery_publisher()
    try:
        yield
    finally:
        conf.broker_url, conf.task_default_queue, conf.task_always_eager = saved
        _reset_celery_publisher()
