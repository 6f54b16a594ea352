"""Two requests posting the same form at the same time create one message."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from accounts.models import User
from communication import services
from communication.models import Message, MessageType
from dossiers.models import Dossier, EventKind, HistoryEvent
from mailer.models import OutboundMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_double_submit_creates_one_message(dossier: Dossier, owner: User) -> None:
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            message = services.post_message(
                dossier=dossier, author=owner, type=MessageType.REMARK, body="deux clics", idempotency_key=key
            )
            results.append(message.pk)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Message.objects.count() == 1
    assert HistoryEvent.objects.filter(kind=EventKind.MESSAGE_POSTED).count() == 1
    assert OutboundMail.objects.count() == 1
