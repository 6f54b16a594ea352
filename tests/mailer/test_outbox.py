"""The mail outbox with Celery eager: rows in the table and what a real SMTP server received."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import create_user
from ereps.celery import app as celery_app
from mailer import delivery
from mailer.delivery import Outcome, deliver_mail
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail, resend_mail
from mailer.tasks import LEGACY_NAMES, enqueue_mail, send_mail_task, sweep_outbox, sweep_outbox_task
from tests.celery_publishing import celery_publishing
from tests.smtp import SmtpSink, body_text, free_port, start_sink

pytestmark = pytest.mark.django_db


def _queue(user: User, **kwargs: object) -> OutboundMail:
    params: dict[str, object] = {
        "to": user.email,
        "language": user.language,
        "template": "password_reset",
        "context": {"user": user, "reset_path": "/reset/abc/"},
    }
    params.update(kwargs)
    return queue_mail(**params)  # type: ignore[arg-type]


def _refresh(mail: OutboundMail) -> OutboundMail:
    mail.refresh_from_db()
    return mail


def test_queued_mail_is_sent_on_commit_with_its_headers(
    smtp_sink: SmtpSink, colleague: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail = _queue(
            colleague,
            reply_to="marie@dupont.example",
            from_name="Marie Dupont (Menuiserie Dupont) via e-REPS",
            dossier_id=12,
            related_message_id=34,
        )
        assert mail.status == MailStatus.QUEUED  # nothing leaves before the commit
        assert smtp_sink.messages == []
    assert len(callbacks) == 1

    mail = _refresh(mail)
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 1
    assert mail.sent_at is not None
    assert (mail.dossier_id, mail.related_message_id) == (12, 34)
    assert mail.language == "nl"
    assert mail.message_id.endswith("@ereps.localhost>")

    [received] = smtp_sink.messages
    assert received["To"] == "jan@dupont.example"
    assert received["Reply-To"] == "marie@dupont.example"
    assert received["Message-ID"] == mail.message_id
    assert received["Content-Language"] == "nl"
    assert received["Subject"] == mail.subject
    sender = received["From"].addresses[0]
    assert sender.addr_spec == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    assert sender.display_name == "Marie Dupont (Menuiserie Dupont) via e-REPS"
    assert smtp_sink.envelopes == [("noreply@ereps.localhost", ["jan@dupont.example"])]
    assert "/reset/abc/" in body_text(received)
    assert '<html lang="nl">' in body_text(received, "html")


def test_mail_is_rendered_in_the_recipients_language(colleague: User, owner: User) -> None:
    dutch = _queue(colleague)
    french = _queue(owner)
    assert (dutch.language, french.language) == ("nl", "fr")
    assert '<html lang="nl">' in dutch.body_html
    assert '<html lang="fr">' in french.body_html


def test_unknown_language_falls_back_to_the_portal_default(owner: User) -> None:
    assert _queue(owner, language="xx").language == settings.LANGUAGE_CODE


def test_rolled_back_transaction_leaves_no_mail(owner: User, django_capture_on_commit_callbacks) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue(owner)
        raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert not OutboundMail.objects.exists()


@pytest.mark.parametrize(
    "address",
    ["a@b.c\r\nBcc: x@y.z", "a@b.c\nBcc: x@y.z", "a@b.c, x@y.z", "Name <a@b.c>", "not-an-address", ""],
)
def test_header_injection_and_invalid_addresses_are_refused(owner: User, address: str) -> None:
    with pytest.raises(ValueError, match="Invalid e-mail address"):
        _queue(owner, to=address)
    with pytest.raises(ValueError, match="Invalid e-mail address"):
        _queue(owner, reply_to=address or "x")
    assert not OutboundMail.objects.exists()


@pytest.mark.parametrize("template", ["../secret", "password_reset/../../x", "Password", ""])
def test_template_names_cannot_leave_the_emails_folder(owner: User, template: str) -> None:
    with pytest.raises(ValueError, match="template"):
        _queue(owner, template=template)


def test_display_name_cannot_inject_headers_and_is_encoded(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks
) -> None:
    evil = 'Zoë "Boss", <ceo@evil.example>\r\nBcc: victim@evil.example'
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner, from_name=evil)
    assert _refresh(mail).status == MailStatus.SENT
    [received] = smtp_sink.messages
    assert "Bcc" not in received
    [sender] = received["From"].addresses
    assert sender.addr_spec == "noreply@ereps.localhost"
    assert sender.display_name == 'Zoë "Boss", Bcc:'  # the address-like words are gone
    assert smtp_sink.envelopes[0][1] == ["marie@dupont.example"]
    raw_from = str(received.get("From"))
    assert "\n" not in raw_from


def test_subject_is_one_line(smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks) -> None:
    owner.first_name = "Marie\r\nBcc: x@y.z"
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner, template="invite")
    assert "\n" not in mail.subject
    [received] = smtp_sink.messages
    assert "Bcc" not in received


def test_attachments_are_read_from_storage_at_send_time(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks
) -> None:
    path = default_storage.save("attachments/plan.pdf", ContentFile(b"%PDF-1.4 plan"))
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(
            owner,
            attachments=[
                {"path": path, "name": "Plan cuisine.pdf", "content_type": "application/pdf"},
                {"path": path, "name": "../../etc/passwd\r\nX: y"},
            ],
        )
    assert _refresh(mail).status == MailStatus.SENT
    [received] = smtp_sink.messages
    files = list(received.iter_attachments())
    assert [part.get_filename() for part in files] == ["Plan cuisine.pdf", ".._.._etc_passwd X: y"]
    assert files[0].get_content_type() == "application/pdf"
    assert files[0].get_content() == b"%PDF-1.4 plan"
    assert files[1].get_content_type() == "application/octet-stream"


def test_missing_attachment_fails_for_good(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner, attachments=[{"path": "attachments/gone.pdf", "name": "gone.pdf"}])
    mail = _refresh(mail)
    assert mail.status == MailStatus.FAILED
    assert "FileNotFoundError" in mail.last_error
    assert smtp_sink.messages == []


def test_temporary_smtp_error_is_retried_and_delivered_once(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks, settings
) -> None:
    smtp_sink.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner)
    mail = _refresh(mail)
    # Eager Celery runs the countdown retry at once; the row is not due yet, so it waits.
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 1
    assert "451" in mail.last_error
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS - 5)
    assert smtp_sink.messages == []

    assert deliver_mail(mail_id=mail.pk).outcome is Outcome.SKIPPED  # back-off respected
    OutboundMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())  # time passes
    assert deliver_mail(mail_id=mail.pk).outcome is Outcome.SENT
    assert deliver_mail(mail_id=mail.pk).outcome is Outcome.SKIPPED  # already sent: idempotent
    send_mail_task.delay(mail.pk)  # a duplicate task message changes nothing
    mail = _refresh(mail)
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 2)
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["Message-ID"] == mail.message_id


def test_smtp_server_down_then_back_delivers_exactly_once(
    owner: User, colleague: User, django_capture_on_commit_callbacks, settings, capsys
) -> None:
    port = free_port()  # nothing listens yet: connection refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(owner)
        second = _queue(colleague)
    for mail in (first, second):
        mail = _refresh(mail)
        assert mail.status == MailStatus.QUEUED
        assert mail.attempts == 1
        assert mail.last_error.startswith("ConnectionRefusedError: ")

    sink, controller = start_sink(port)
    try:
        call_command("send_pending_mail", "--ignore-backoff")
        assert capsys.readouterr().out.strip() == (
            "2 pending mail(s): 2 sent, 0 to retry, 0 failed, 0 skipped (taken by another sender)."
        )
        call_command("send_pending_mail", "--ignore-backoff")  # idempotent
        assert capsys.readouterr().out.startswith("0 pending mail(s)")
    finally:
        controller.stop()
    assert sorted(m["To"] for m in sink.messages) == ["jan@dupont.example", "marie@dupont.example"]
    assert {_refresh(first).status, _refresh(second).status} == {MailStatus.SENT}


def test_permanent_smtp_error_marks_failed_and_staff_can_resend(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    real_send = delivery.EmailMultiAlternatives.send
    refuse = {"on": True}

    def send(self, fail_silently: bool = False) -> int:  # type: ignore[no-untyped-def]
        if refuse["on"]:
            raise smtplib.SMTPRecipientsRefused({owner.email: (550, b"5.1.1 mailbox unavailable")})
        return real_send(self, fail_silently)

    monkeypatch.setattr(delivery.EmailMultiAlternatives, "send", send)
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner)
    mail = _refresh(mail)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 1)
    assert "550" in mail.last_error

    refuse["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        assert resend_mail(mail=mail) is True
    mail = _refresh(mail)
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)
    assert smtp_sink.messages[0]["Message-ID"] == mail.message_id
    assert resend_mail(mail=mail) is False  # only failed mails are resent


def test_attempts_are_bounded(owner: User, django_capture_on_commit_callbacks, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue(owner)
    for _ in range(5):
        deliver_mail(mail_id=mail.pk, ignore_backoff=True)
    mail = _refresh(mail)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 3)


def test_retry_delay_is_exponential_and_bounded(settings) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 1800
    assert [delivery.retry_delay(n) for n in range(1, 8)] == [60, 120, 240, 480, 960, 1800, 1800]


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"greylisted")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"later"), False),
        (smtplib.SMTPSenderRefused(421, b"busy", "x@y.z"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
        (FileNotFoundError("attachments/x.pdf"), True),
        (ValueError("bad header"), True),
    ],
)
def test_error_classification(exc: BaseException, permanent: bool) -> None:
    assert delivery.is_permanent_error(exc) is permanent


def test_a_row_being_sent_is_not_sent_by_a_second_task(smtp_sink: SmtpSink, owner: User) -> None:
    mail = _queue(owner)  # the test's transaction never commits: no task ran
    OutboundMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENDING, claimed_at=timezone.now())
    assert send_mail_task.delay(mail.pk).get() == "skipped"
    assert smtp_sink.messages == []


def test_interrupted_send_is_taken_over_once_stale(smtp_sink: SmtpSink, owner: User, settings) -> None:
    mail = _queue(owner)
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS + 1)
    OutboundMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENDING, claimed_at=long_ago, attempts=1)
    assert deliver_mail(mail_id=mail.pk).outcome is Outcome.SENT
    mail = _refresh(mail)
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 2)
    assert len(smtp_sink.messages) == 1


def test_sweep_sends_overdue_and_interrupted_mails_only(
    smtp_sink: SmtpSink, owner: User, colleague: User, staff: User, settings
) -> None:
    overdue, fresh, interrupted = _queue(owner), _queue(colleague), _queue(staff)
    now = timezone.now()
    OutboundMail.objects.filter(pk=overdue.pk).update(
        next_attempt_at=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 5)
    )
    OutboundMail.objects.filter(pk=interrupted.pk).update(
        status=MailStatus.SENDING, claimed_at=now - timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS + 5)
    )
    assert sweep_outbox() == 2
    assert _refresh(overdue).status == MailStatus.SENT
    assert _refresh(interrupted).status == MailStatus.SENT
    assert _refresh(fresh).status == MailStatus.QUEUED  # its own task may still be coming
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted([owner.email, staff.email])
    assert sweep_outbox() == 0


def test_beat_schedule_runs_the_sweep() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["task"] == "mailer.sweep_outbox"
    assert celery_app.tasks[entry["task"]].run is sweep_outbox_task.run
    assert entry["schedule"] == settings.OUTBOX_SWEEP_INTERVAL_SECONDS


@pytest.mark.parametrize(("old", "current"), sorted(LEGACY_NAMES.items()))
def test_task_names_of_messages_queued_before_the_move_still_run(old: str, current: str) -> None:
    assert celery_app.tasks[old].run is celery_app.tasks[current].run


def test_a_send_queued_under_the_old_task_name_is_delivered(smtp_sink: SmtpSink, owner: User) -> None:
    mail = _queue(owner)
    celery_app.tasks["communication.send_mail"].delay(mail.pk)  # eager: runs here
    assert _refresh(mail).status == MailStatus.SENT
    [received] = smtp_sink.messages
    assert received["Message-ID"] == mail.message_id


def test_send_pending_mail_help_states_the_rules(capsys) -> None:
    with pytest.raises(SystemExit):
        call_command("send_pending_mail", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "Idempotent" in out
    assert "none goes out twice" in out
    assert "--enqueue" in out


def test_send_pending_mail_can_hand_mails_to_celery(
    smtp_sink: SmtpSink, owner: User, capsys, django_capture_on_commit_callbacks
) -> None:
    mail = _queue(owner)
    OutboundMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("send_pending_mail", "--enqueue")
    assert capsys.readouterr().out.strip() == "1 pending mail(s): 1 handed to Celery, 0 not."
    assert _refresh(mail).status == MailStatus.SENT  # eager Celery in this test


# --- Redis down -------------------------------------------------------------


def test_broker_down_when_queueing_keeps_the_mail_and_the_request_works(
    smtp_sink: SmtpSink, owner: User, client, django_capture_on_commit_callbacks, capsys
) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/5"
    with celery_publishing(broker_url=closed), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": owner.email})
    assert response.status_code == 302
    mail = OutboundMail.objects.get()
    assert (mail.status, mail.attempts, mail.template) == (MailStatus.QUEUED, 0, "password_reset")
    assert smtp_sink.messages == []

    # Redis is back (eager here); ops or the sweep send it.
    OutboundMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    call_command("send_pending_mail")
    assert capsys.readouterr().out.startswith("1 pending mail(s): 1 sent")
    [received] = smtp_sink.messages
    assert received["Message-ID"] == _refresh(mail).message_id


def test_enqueue_failure_is_logged_not_raised(owner: User, caplog) -> None:
    mail = _queue(owner)
    with celery_publishing(broker_url=f"redis://127.0.0.1:{free_port()}/5"):
        assert enqueue_mail(mail_id=mail.pk) is False
    assert "stays queued" in caplog.text


# --- Mails of the accounts app go through the outbox ------------------------


def test_password_reset_mail_goes_through_the_outbox(
    smtp_sink: SmtpSink, colleague: User, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "JAN@dupont.example"})
    assert response.status_code == 302
    mail = OutboundMail.objects.get()
    assert (mail.recipient, mail.language, mail.status) == ("jan@dupont.example", "nl", MailStatus.SENT)
    [received] = smtp_sink.messages
    assert received["Content-Language"] == "nl"
    assert received["From"].addresses[0] == Address("e-REPS", "noreply", "ereps.localhost")
    link = re.search(r"http://\S+/password/reset/\S+/\S+/", body_text(received))
    assert link is not None


def test_invite_mail_goes_through_the_outbox(smtp_sink: SmtpSink, customer, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _user, created = create_user(email="new@dupont.example", customer=customer, language="de")
    assert created
    mail = OutboundMail.objects.get()
    assert (mail.template, mail.language, mail.status) == ("invite", "de", MailStatus.SENT)
    assert smtp_sink.messages[0]["Content-Language"] == "de"


def test_message_id_domain_is_stable_and_configurable(owner: User, settings) -> None:
    assert _queue(owner).message_id.endswith("@ereps.localhost>")  # DEFAULT_FROM_EMAIL's domain
    settings.EMAIL_MESSAGE_ID_DOMAIN = "mail.renson.example"
    mail = _queue(owner)
    assert re.fullmatch(r"<[^<>@\s]+@mail\.renson\.example>", mail.message_id)


def test_publishing_never_retries_and_every_broker_wait_is_bounded() -> None:
    # What a frozen Redis costs a request is measured in tests/integration/test_frozen_redis.py.
    assert celery_app.conf.task_publish_retry is False
    options = celery_app.conf.broker_transport_options
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.5
    assert celery_app.conf.broker_connection_timeout == 0.5


def test_apostrophes_are_valid_in_addresses(owner: User) -> None:
    assert _queue(owner, to="o'brien@dupont.example").recipient == "o'brien@dupont.example"


def test_bidi_overrides_are_removed_from_names(
    smtp_sink: SmtpSink, owner: User, django_capture_on_commit_callbacks
) -> None:
    path = default_storage.save("attachments/x.exe", ContentFile(b"MZ"))
    with django_capture_on_commit_callbacks(execute=True):
        _queue(owner, from_name="Marie\u202eetnoD", attachments=[{"path": path, "name": "plan\u202efdp.exe"}])
    [received] = smtp_sink.messages
    assert received["From"].addresses[0].display_name == "MarieetnoD"
    assert [p.get_filename() for p in received.iter_attachments()] == ["planfdp.exe"]
    with pytest.raises(ValueError, match="Invalid e-mail address"):
        _queue(owner, to="marie\u202e@dupont.example")
