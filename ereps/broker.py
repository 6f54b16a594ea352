"""The Celery broker transport: kombu's Redis transport, with one crash turned into a reconnect.

With celery 5.7.0 and kombu 5.7.0, a worker that loses Redis while it holds unacknowledged
messages (a task running with ``acks_late``, or a retry waiting for its countdown, as the
mail outbox sends) dies for good: ``Unrecoverable error: AttributeError("'NoneType' object
has no attribute 'hostname'")``. On the connection error the consumer first ``collect()``s
the broken connection, which detaches kombu's transport from its connection
(``transport.client = None``), then ``close()``s it, which closes the channel a second time;
that close restores the unacknowledged messages, opens a new Redis pool, and reading the
host of a connection that is gone raises ``AttributeError``, an error the worker does not
treat as a broker outage. (The same family as kombu #582 and #970: a restore after the
transport was taken apart.)

Here the channel says what really happened, a lost connection: the close is then
ignored like any broker error and the worker reconnects. Nothing is lost by not
restoring at that moment: messages a worker held unacknowledged stay in Redis's
« unacked » set and come back after the visibility timeout (or were lost with a Redis
that restarted empty), and the mail outbox does not depend on them anyway: its sweep
re-queues any row whose message was lost (``mailer.sweep``).

``tests/integration/test_broker_restart.py`` restarts Redis under a worker holding
countdown messages and checks the worker lives on and still runs tasks.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> Any:
        transport = self.connection
        if transport is None or transport.client is None:
            raise RedisConnectionError("the broker connection was already closed")
        return super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]


class Transport(kombu_redis.Transport):
    Channel = Channel
