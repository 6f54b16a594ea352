"""Real parts for the integration tests: a Celery worker process on Redis, a Redis
server the tests can stop, and an SMTP server that can stall in the middle of DATA.

The worker is ``celery -A ereps worker`` in its own process group, on the test
database (pytest-django's ``test_…`` name, read from the live connection so it also
works under xdist) and on its own queue of the configured broker (``REDIS_URL``), so
parallel runs never take each other's tasks. Tests that use it must commit their
data: ``@pytest.mark.django_db(transaction=True)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.celery_publishing import celery_publishing
from tests.smtp import SmtpSink, free_port

BASE_DIR = Path(django_settings.BASE_DIR)
WORKER_READY_TIMEOUT = 45.0


def wait_until(predicate: Callable[[], object], timeout: float, message: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for: {message}")


def worker_database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    env: dict[str, str]
    log_path: Path
    beat: bool
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> Worker:
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        args = [
            sys.executable, "-m", "celery", "-A", "ereps", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=INFO",
            "-Q", self.env["CELERY_TASK_DEFAULT_QUEUE"],
            "-n", f"{self.env['CELERY_TASK_DEFAULT_QUEUE']}-{self.starts}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if self.beat:
            args += ["--beat", "--schedule", str(self.log_path.with_suffix(f".beat{self.starts}"))]
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts} =====\n".encode())
        log.flush()
        self.proc = subprocess.Popen(  # its own process group: kill -9 reaches the embedded beat too
            args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        proc = self.proc
        wait_until(
            lambda: " ready." in self.log().rpartition("===== start")[2] or proc.poll() is not None,
            WORKER_READY_TIMEOUT,
            "the Celery worker to be ready",
        )
        assert self.proc.poll() is None, f"worker exited:\n{self.log()[-3000:]}"
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def finished(self, task: str) -> int:
        """How many runs of ``task`` (a task name) the worker has finished, as its log says."""
        return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] (?!received)", self.log()))

    def is_idle(self) -> bool:
        """Every task the worker received has finished and none waits in its queue.

        A retry sent with a countdown is received at once and held until due, so an idle
        worker has no task left to run: nothing more can happen until something new is queued.
        """
        log = self.log()
        received = set(re.findall(r"Task \S+\[([0-9a-f-]+)\] received", log))
        finished = set(re.findall(r"Task \S+\[([0-9a-f-]+)\] (?!received)", log))  # succeeded, raised…
        broker = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        return received <= finished and broker.llen(self.env["CELERY_TASK_DEFAULT_QUEUE"]) == 0

    def kill(self) -> None:
        """kill -9 the whole worker (and its embedded beat): no shutdown, no ack."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def celery_worker_factory(transactional_db: None, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """``start(smtp_port=…, broker_url=None, beat=False, **env) -> Worker`` (started).

    This test process publishes to the same broker and queue (not inline) meanwhile.
    """
    queue = f"ereps-test-{uuid.uuid4().hex[:10]}"
    broker_url: str = django_settings.CELERY_BROKER_URL
    assert broker_url.startswith("redis://"), "integration tests need REDIS_URL (a Redis database of their own)"
    workers: list[Worker] = []

    def start(*, smtp_port: int, broker_url: str = broker_url, beat: bool = False, **extra: str) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEFAULT_FROM_EMAIL": django_settings.DEFAULT_FROM_EMAIL,
            "AWS_STORAGE_BUCKET_NAME": "",
            "MEDIA_ROOT": str(tmp_path / "media"),  # where the autouse fixture puts uploads
            "SECRET_KEY": django_settings.SECRET_KEY,
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
        worker = Worker(env=env, log_path=tmp_path / f"worker{len(workers)}.log", beat=beat)
        workers.append(worker)
        return worker.start()

    try:
        with celery_publishing(broker_url=broker_url, queue=queue):
            yield start
    finally:
        for worker in workers:
            worker.stop()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(broker_url).delete(queue)


@dataclass
class RedisServer:
    port: int
    workdir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"  # a private server: nothing else lives in it

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), 15, "redis-server to answer")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: the server keeps its port and accepts connections, but never answers."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of this test only, which the test may stop and start again."""
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class StallingSink(SmtpSink):
    """An SMTP sink whose next N transactions stall after the message data arrived.

    A stalled transaction never answers; when the client disappears, aiosmtpd cancels
    the handler and the message is discarded, as an MTA does with a transaction whose
    final reply it could not give.
    """

    stall_next: int = 0
    data_started: threading.Event = field(default_factory=threading.Event)
    # Set when a stalled transaction was given up (its client went away), the message dropped.
    data_dropped: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            stall = self.stall_next > 0
            if stall:
                self.stall_next -= 1
        if stall:
            self.data_started.set()
            try:
                await asyncio.sleep(120)
            except asyncio.CancelledError:
                self.data_dropped.set()
                raise
            return "451 4.3.0 Stalled"
        return await super().handle_DATA(server, session, envelope)
