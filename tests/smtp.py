"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

Tests that check mail use the ``smtp_sink`` fixture: Django is pointed at this server
with the plain SMTP backend, so mails cross a real socket and real SMTP dialogue.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each message as it crossed the wire
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    fail_next: int = 0  # answer the next N transactions with a temporary error
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 Temporary failure, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)  # type: ignore[arg-type]
            self.raw.append(bytes(envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m.get("To", ""))]


class _Controller(Controller):
    pass


def start_sink(port: int | None = None) -> tuple[SmtpSink, Controller]:
    sink = SmtpSink(host="127.0.0.1", port=port or free_port())
    controller = _Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    sink, controller = start_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def body_text(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content())
