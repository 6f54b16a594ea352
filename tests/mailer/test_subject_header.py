"""The Subject of a sent mail is one header line: encoded words side by side, never a folded
empty first line. Checked on what a real SMTP server received."""

from __future__ import annotations

import re

import pytest
from django.core.mail import BadHeaderError

from accounts.models import User
from mailer.delivery import Outcome, build_message, deliver_mail
from mailer.headers import MAX_ENCODED_WORD, one_line_subject
from mailer.models import OutboundMail
from mailer.services import queue_mail
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db

LONG = "Réponse à votre remarque – dossier 2026000123 – « Façade arrière », lames orientables et éclairage"


def _subject_lines(raw: bytes) -> list[str]:
    """The Subject header as sent: its first line and any continuation lines."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    start = next(i for i, line in enumerate(head) if line.lower().startswith("subject:"))
    lines = [head[start]]
    for line in head[start + 1 :]:
        if not line[:1].isspace():
            break
        lines.append(line)
    return lines


def _send(owner: User, subject: str, smtp_sink: SmtpSink) -> bytes:
    mail = queue_mail(to=owner.email, language="fr", template="invite", context={"user": owner, "reset_path": "/"})
    OutboundMail.objects.filter(pk=mail.pk).update(subject=subject)
    assert deliver_mail(mail_id=mail.pk).outcome == Outcome.SENT
    return smtp_sink.raw[-1]


@pytest.mark.parametrize(
    "subject",
    [LONG, "Plainte – dossier 2026000042 : Nouvelle", "Votre accès à e-REPS", "Ünïcødé " * 20],
)
def test_subject_is_one_line_and_reads_back_unchanged(owner: User, smtp_sink: SmtpSink, subject: str) -> None:
    raw = _send(owner, subject, smtp_sink)
    [line] = _subject_lines(raw)
    assert line.startswith("Subject: ") and line != "Subject: "
    assert len(line) <= 998
    for word in re.findall(r"=\?[^?]+\?[bqBQ]\?[^?]*\?=", line):
        assert len(word) <= MAX_ENCODED_WORD
    assert smtp_sink.messages[-1]["Subject"] == subject


def test_a_french_subject_is_sent_as_encoded_words(owner: User, smtp_sink: SmtpSink) -> None:
    raw = _send(owner, LONG, smtp_sink)
    [line] = _subject_lines(raw)
    assert line.startswith("Subject: =?utf-8?")
    assert len(line) > 78  # longer than the folding width: it would have been folded before


def test_one_line_subject_leaves_ascii_alone() -> None:
    assert one_line_subject("Your access to e-REPS") == "Your access to e-REPS"
    assert one_line_subject("Accès").startswith("=?utf-8?")


def test_a_line_break_in_the_subject_is_still_refused(owner: User) -> None:
    mail = queue_mail(to=owner.email, language="fr", template="invite", context={"user": owner, "reset_path": "/"})
    mail.subject = "Bonjour\r\nBcc: victim@example.com"
    with pytest.raises(BadHeaderError):
        build_message(mail).message()
