"""Staff see the outbox in the admin, find failed mails and resend them."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mailer.delivery import Outcome, deliver_mail
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail
from tests.smtp import SmtpSink

CHANGELIST = "admin:mailer_outboundmail_changelist"


def _mail(user: User, *, status: str = MailStatus.QUEUED, **fields: object) -> OutboundMail:
    mail = queue_mail(
        to=user.email, language=user.language, template="invite", context={"user": user, "reset_path": "/x/"}
    )
    OutboundMail.objects.filter(pk=mail.pk).update(status=status, **fields)
    mail.refresh_from_db()
    return mail


@pytest.mark.django_db
def test_changelist_lists_filters_and_searches(superuser_client: Client, owner: User, colleague: User) -> None:
    failed = _mail(owner, status=MailStatus.FAILED, attempts=10, last_error="SMTPRecipientsRefused: 550 no mailbox")
    sent = _mail(colleague, status=MailStatus.SENT, template="password_reset")
    url = reverse(CHANGELIST)

    page = superuser_client.get(url).content.decode()
    assert "marie@dupont.example" in page and "jan@dupont.example" in page
    assert "SMTPRecipientsRefused: 550 no mailbox" in page
    assert "Renvoyer" in page

    filtered = superuser_client.get(url, {"status__exact": "failed"}).content.decode()
    assert "marie@dupont.example" in filtered and "jan@dupont.example" not in filtered
    for params, shown in (
        ({"template": "invite"}, failed),
        ({"template": "password_reset"}, sent),
        ({"language__exact": "fr"}, failed),  # the owner's language
        ({"language__exact": "nl"}, sent),  # the colleague's
    ):
        response = superuser_client.get(url, params)
        assert response.status_code == 200
        assert [mail.pk for mail in response.context["cl"].result_list] == [shown.pk], params

    by_id = superuser_client.get(url, {"q": failed.message_id}).content.decode()
    assert "marie@dupont.example" in by_id and "jan@dupont.example" not in by_id
    by_recipient = superuser_client.get(url, {"q": "jan@"}).content.decode()
    assert "jan@dupont.example" in by_recipient and "marie@dupont.example" not in by_recipient


@pytest.mark.django_db
def test_changelist_query_count_does_not_grow_with_rows(
    superuser_client: Client, owner: User, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        _mail(owner, status=MailStatus.FAILED, last_error="x")
    with django_assert_max_num_queries(12):
        assert superuser_client.get(reverse(CHANGELIST)).status_code == 200


@pytest.mark.django_db
def test_detail_is_read_only(superuser_client: Client, owner: User) -> None:
    mail = _mail(owner, status=MailStatus.SENT)
    url = reverse("admin:mailer_outboundmail_change", args=[mail.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.post(url, {"status": "queued"}).status_code == 403
    assert superuser_client.get(reverse("admin:mailer_outboundmail_add")).status_code == 403
    assert superuser_client.get(reverse("admin:mailer_outboundmail_delete", args=[mail.pk])).status_code == 403
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT


@pytest.mark.django_db
def test_resend_action_requeues_failed_mails_only_and_sends_them(
    superuser_client: Client, owner: User, colleague: User, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    failed = _mail(owner, status=MailStatus.FAILED, attempts=10, last_error="boom")
    sent = _mail(colleague, status=MailStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse(CHANGELIST),
            {"action": "resend_selected", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "1 e-mail remis en file d&#x27;envoi." in page
    assert "1 e-mail ignoré" in page
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MailStatus.SENT, 1)
    [received] = smtp_sink.messages
    assert received["Message-ID"] == failed.message_id  # a resend keeps the Message-ID
    sent.refresh_from_db()
    assert sent.status == MailStatus.SENT


@pytest.mark.django_db
def test_staff_with_view_permission_only_cannot_resend(staff: User, owner: User) -> None:
    staff.user_permissions.add(Permission.objects.get(codename="view_outboundmail"))
    failed = _mail(owner, status=MailStatus.FAILED)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert "Renvoyer" not in page.content.decode()
    client.post(reverse(CHANGELIST), {"action": "resend_selected", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == MailStatus.FAILED


@pytest.mark.django_db
def test_dealers_have_no_access_to_the_outbox(owner_client: Client) -> None:
    response = owner_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_send_a_mail_once(owner: User, smtp_sink: SmtpSink, monkeypatch) -> None:
    monkeypatch.setattr("mailer.services.enqueue_mail", lambda **kwargs: True)  # no task: the threads race
    mail = _mail(owner)
    barrier = threading.Barrier(4)
    outcomes: list[Outcome] = []

    def send() -> None:
        try:
            barrier.wait()
            outcomes.append(deliver_mail(mail_id=mail.pk).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted([Outcome.SENT, Outcome.SKIPPED, Outcome.SKIPPED, Outcome.SKIPPED])
    assert len(smtp_sink.messages) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)


@pytest.mark.django_db
def test_mails_marked_internal_are_not_in_the_admin(superuser_client: Client, owner: User, colleague: User) -> None:
    internal_mail = _mail(owner, internal=True)
    _mail(colleague)
    changelist = superuser_client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert colleague.email in page
    assert owner.email not in page
    change = superuser_client.get(reverse("admin:mailer_outboundmail_change", args=[internal_mail.pk]))
    assert change.status_code == 302  # the admin's answer for an object it cannot find
    assert change["Location"] == reverse("admin:index")
