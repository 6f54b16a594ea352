"""The staff page « État du service »: the workers' heartbeat and the panels apps register."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail
from ops import heartbeat, status
from ops.tasks import heartbeat_task

pytestmark = pytest.mark.django_db

URL = "admin:status"


def _mail(user: User, *, status: str = MailStatus.QUEUED, internal: bool = False, **fields: Any) -> OutboundMail:
    mail = queue_mail(
        to=user.email,
        language=user.language,
        template="invite",
        context={"user": user, "reset_path": "/x/"},
        internal=internal,
    )
    OutboundMail.objects.filter(pk=mail.pk).update(status=status, **fields)
    return mail


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_mailer_and_the_workers_registered_their_panels() -> None:
    assert [panel.key for panel in status.registered()][:2] == ["ops.workers", "mailer.outbox"]


def test_page_shows_the_backlog_and_the_failed_mails_within_a_query_budget(
    backoffice_clerk: User, owner: User, django_assert_max_num_queries: Any
) -> None:
    long_ago = timezone.now() - timedelta(minutes=30)
    for _ in range(3):
        _mail(owner)  # due now, not overdue
    _mail(owner, next_attempt_at=long_ago)  # its task was lost: overdue
    _mail(owner, status=MailStatus.SENDING, claimed_at=long_ago)  # interrupted
    failed = _mail(owner, status=MailStatus.FAILED, last_error="SMTPRecipientsRefused: 550 no mailbox")
    _mail(owner, status=MailStatus.FAILED, internal=True, last_error="secret Interne trace")
    heartbeat_task.apply()  # a worker ran a task just now
    client = _client(backoffice_clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(URL))
    assert response.status_code == 200
    page = response.content.decode()
    outbox = page[page.index('id="panel-maileroutbox"') :]
    assert "En attente</a></th><td>4</td>" in outbox
    assert "Dont à envoyer maintenant</th><td>4" in outbox
    assert "<strong>1</strong>" in outbox  # overdue, and failed (the Interne one is not counted)
    assert "1 interrompu" in outbox
    assert reverse("admin:mailer_outboundmail_change", args=[failed.pk]) in page
    assert "SMTPRecipientsRefused: 550 no mailbox" in page
    assert "secret Interne trace" not in page
    assert "Un worker a exécuté une tâche il y a 0" in page


def test_the_budget_holds_with_many_failed_mails(
    superuser: User, owner: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        _mail(owner, status=MailStatus.FAILED, last_error="timeout")
    client = _client(superuser)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(URL)).status_code == 200


def test_stale_or_missing_heartbeat_is_shown_first_as_an_alert(backoffice_viewer: User, settings: Any) -> None:
    client = _client(backoffice_viewer)
    page = client.get(reverse(URL)).content.decode()
    assert "Aucun worker n'a encore exécuté de tâche." in page
    assert page.index("panel-opsworkers") < page.index("panel-maileroutbox")
    heartbeat.record(worker="celery@w1", now=timezone.now().timestamp() - settings.WORKER_HEARTBEAT_STALE_SECONDS - 5)
    page = client.get(reverse(URL)).content.decode()
    assert "Aucun worker n'a exécuté de tâche depuis" in page
    assert "status-alert" in page[page.index("panel-opsworkers") - 80 : page.index("panel-opsworkers")]


def test_a_panel_is_shown_only_with_its_permission(db: None) -> None:
    from tests.factories import StaffFactory

    bare_staff = StaffFactory.create(email="nobody@renson.example")  # staff, no permission at all
    page = _client(bare_staff).get(reverse(URL)).content.decode()
    assert "panel-opsworkers" in page
    assert "panel-maileroutbox" not in page


def test_the_admin_index_links_to_the_page(backoffice_viewer: User) -> None:
    page = _client(backoffice_viewer).get(reverse("admin:index")).content.decode()
    assert f'href="{reverse(URL)}"' in page
    assert "État du service" in page


def test_dealers_never_see_it(owner_client: Client) -> None:
    response = owner_client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
