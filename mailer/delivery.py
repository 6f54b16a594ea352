"""Delivery of one outbox row: claim it, talk SMTP, record the outcome.

Rows are written by :func:`mailer.services.queue_mail`; the send task
(:mod:`mailer.tasks`), the sweep and ``manage.py send_pending_mail`` deliver them here.

Delivery state machine (:func:`deliver_mail`)::

    queued ──claim──▶ sending ──250──▶ sent
      ▲                 │  │
      │   4xx, refused, │  └── 5xx, bad attachment, attempts exhausted ──▶ failed
      └── timeout ◀─────┘                                                   │
      ▲          (back-off: next_attempt_at)                                 │
      └─────────────────── staff « Renvoyer » (services.resend_mail) ◀──────┘

A sender *claims* a row in one short transaction (``select_for_update``, status
check, ``queued → sending`` with a fresh ``claim_token``), talks SMTP outside any
transaction, then records the outcome with an update conditioned on its token.
Two concurrent runs of the task for one row therefore cannot both send: the second
sees ``sending`` and skips. No database transaction is held open across SMTP.

Guarantee chosen: **at least once, with one narrow duplicate window.** A row stays
``sending`` when its sender dies mid-send (worker killed, machine lost). After
``OUTBOX_STALE_SENDING_SECONDS`` the sweep puts it back to ``queued`` and it is
sent again, so no mail is lost. If the sender died *before* the SMTP server
acknowledged the final ``.`` of DATA, the server discarded the transaction and the
mail arrives once. Only if it died in the instant between the server's ``250`` and
our ``UPDATE … sent`` (or hung longer than the stale delay) can the mail arrive
twice — the unavoidable SMTP case of RFC 1047 — and then both copies carry the same
Message-ID, so mail clients and archives can fold them. The alternative
(at most once: mark stale rows failed) would lose mail silently until staff act;
the product promises that an outage loses nothing, so we prefer the retry.
The stale delay must exceed the longest possible send (settings check it against
``EMAIL_TIMEOUT``).

Operations: run Celery beat (``celery -A ereps beat``, or a worker with ``-B``) for
the sweep; when Redis itself is down, ``manage.py send_pending_mail`` sends from the
database alone. Failed mails are listed in the admin (« E-mails sortants ») with
their last error and can be resent (« Renvoyer »), keeping their Message-ID.
"""

from __future__ import annotations

import enum
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .addresses import clean_sender_name
from .headers import set_one_line_subject
from .models import MailStatus, OutboundMail

logger = logging.getLogger(__name__)

# A claim whose row is "not yet due" by at most this much is still taken: the
# countdown of a retry message may fire a little before the row's time.
_DUE_TOLERANCE = timedelta(seconds=5)
MAX_ERROR_LENGTH = 2000


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_in: float | None = None  # seconds, for Outcome.RETRY


def retry_delay(attempts: int) -> float:
    """Bounded exponential back-off after the given number of failed attempts."""
    base: int = settings.OUTBOX_RETRY_BASE_SECONDS
    ceiling: int = settings.OUTBOX_RETRY_MAX_SECONDS
    return float(min(base * 2 ** max(attempts - 1, 0), ceiling))


def stale_before(now: datetime) -> datetime:
    """A ``sending`` row claimed before this time was interrupted (its sender is gone)."""
    return now - timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS)


def _claim(mail_id: int, *, ignore_backoff: bool) -> tuple[OutboundMail, uuid.UUID] | Delivery:
    now = timezone.now()
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None:
            return Delivery(Outcome.SKIPPED)
        if mail.status == MailStatus.QUEUED:
            if not ignore_backoff and mail.next_attempt_at > now + _DUE_TOLERANCE:
                return Delivery(Outcome.SKIPPED)
        elif mail.status == MailStatus.SENDING and mail.claimed_at and mail.claimed_at <= stale_before(now):
            logger.warning("Outbound mail %s: taking over a send interrupted since %s", mail.pk, mail.claimed_at)
            mail.last_error = f"Envoi interrompu (pris en charge le {mail.claimed_at.isoformat()})"
        else:
            return Delivery(Outcome.SKIPPED)
        if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            mail.status = MailStatus.FAILED
            mail.claimed_at = None
            mail.claim_token = None
            mail.save(update_fields=["status", "claimed_at", "claim_token", "last_error"])
            return Delivery(Outcome.FAILED)
        token = uuid.uuid4()
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.claimed_at = now
        mail.claim_token = token
        mail.save(update_fields=["status", "attempts", "claimed_at", "claim_token", "last_error"])
    return mail, token


class OutboxMessage(EmailMultiAlternatives):
    """Django's message, with the Subject on one line (see :mod:`mailer.headers`)."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        built = super().message(*args, **kwargs)  # checks the subject for line breaks (header injection)
        set_one_line_subject(built, str(self.subject))
        return built


def build_message(mail: OutboundMail) -> EmailMultiAlternatives:
    """The Django message for a row: same Message-ID on every attempt."""
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    # Cleaned again at sending: rows queued before the rule, or written by hand, follow it too.
    from_email = formataddr((clean_sender_name(mail.from_name or default_name), default_address))
    message = OutboxMessage(
        subject=mail.subject,
        body=mail.body_text,
        from_email=from_email,
        to=[mail.recipient],
        reply_to=[mail.reply_to] if mail.reply_to else None,
        headers={"Message-ID": mail.message_id, "Content-Language": mail.language},
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for item in mail.attachments:
        with default_storage.open(item["path"], "rb") as handle:
            content = handle.read()
        message.attach(item["name"], content, item["content_type"])
    return message


def is_permanent_error(exc: BaseException) -> bool:
    """True when retrying cannot help: the server refused for good, or the row is unusable."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        return False  # the server or our credentials: an ops problem, not this mail's
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError) and not isinstance(exc, FileNotFoundError):
        return False  # refused, reset, timed out, DNS…
    return isinstance(
        exc, FileNotFoundError | SuspiciousFileOperation | BadHeaderError | ValueError | UnicodeError | KeyError
    )


def _finish(mail_id: int, token: uuid.UUID, **fields: Any) -> None:
    updated = OutboundMail.objects.filter(pk=mail_id, status=MailStatus.SENDING, claim_token=token).update(
        claimed_at=None, claim_token=None, **fields
    )
    if not updated:
        logger.warning("Outbound mail %s: claim lost before recording %s", mail_id, fields.get("status"))


def deliver_mail(*, mail_id: int, ignore_backoff: bool = False) -> Delivery:
    """Send one outbox row if it is due and nobody else is sending it. Safe to call twice."""
    claim = _claim(mail_id, ignore_backoff=ignore_backoff)
    if isinstance(claim, Delivery):
        return claim
    mail, token = claim
    try:
        build_message(mail).send(fail_silently=False)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        if is_permanent_error(exc) or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error("Outbound mail %s failed after %s attempt(s): %s", mail.pk, mail.attempts, error)
            _finish(mail.pk, token, status=MailStatus.FAILED, last_error=error)
            return Delivery(Outcome.FAILED)
        delay = retry_delay(mail.attempts)
        logger.warning("Outbound mail %s: attempt %s failed, retry in %ss: %s", mail.pk, mail.attempts, delay, error)
        _finish(
            mail.pk,
            token,
            status=MailStatus.QUEUED,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return Delivery(Outcome.RETRY, retry_in=delay)
    _finish(mail.pk, token, status=MailStatus.SENT, sent_at=timezone.now())
    return Delivery(Outcome.SENT)
