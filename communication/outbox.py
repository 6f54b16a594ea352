"""The mail outbox: queue a mail in the caller's transaction, deliver it from a task.

Every mail of the portal goes through :func:`queue_mail`. It renders the template
triple in the recipient's language, writes an :class:`OutboundMail` row in the
caller's transaction and, once that transaction commits, asks Celery to send it.
If Celery's broker is unreachable the row simply stays ``queued``: the periodic
sweep (:func:`sweep_outbox`, run by Celery beat) or ``manage.py send_pending_mail``
sends it later. Nothing raises into the request.

Delivery state machine (:func:`deliver_mail`)::

    queued ──claim──▶ sending ──250──▶ sent
      ▲                 │  │
      │   4xx, refused, │  └── 5xx, bad attachment, attempts exhausted ──▶ failed
      └── timeout ◀─────┘                                                   │
      ▲          (back-off: next_attempt_at)                                 │
      └──────────────────────────── staff « Renvoyer » (resend_mail) ◀──────┘

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
import re
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .mail import render_mail
from .outbox_models import MailStatus, OutboundMail

logger = logging.getLogger(__name__)

_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+(?:/[a-z0-9_]+)*")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# Bidirectional overrides and invisible marks: "Marie\u202egnp.exe" would display reversed.
_BIDI_CHARS = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# What makes a display name look like an address: @ and its full-width and small forms,
# angle brackets and their look-alikes.
_AT_SIGNS = re.compile("[@\uff20\ufe6b]")
_ANGLE_BRACKETS = re.compile("[<>\uff1c\uff1e\u2039\u203a\u2329\u232a\u27e8\u27e9\u3008\u3009\ufe64\ufe65]")
# A claim whose row is "not yet due" by at most this much is still taken: the
# countdown of a retry message may fire a little before the row's time.
_DUE_TOLERANCE = timedelta(seconds=5)
SWEEP_BATCH = 1000
MAX_ERROR_LENGTH = 2000


class OutboxAttachment(TypedDict, total=False):
    path: str  # name in Django's default storage (required)
    name: str  # file name shown to the recipient (default: the storage name's last part)
    content_type: str  # MIME type (default: application/octet-stream)


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_in: float | None = None  # seconds, for Outcome.RETRY


# ---------------------------------------------------------------------------
# Queueing
# ---------------------------------------------------------------------------


def clean_address(address: str) -> str:
    """One e-mail address, validated; anything that could add a header is refused."""
    value = (address or "").strip()
    if not value or _CONTROL_CHARS.search(value) or _BIDI_CHARS.search(value) or any(c in value for c in ',;<>"'):
        raise ValueError(f"Invalid e-mail address: {address!r}")
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError(f"Invalid e-mail address: {address!r}") from exc
    return value


def clean_display_name(name: str, *, max_length: int = 200) -> str:
    """A display name on one line, without control or bidi characters (formataddr quotes the rest)."""
    visible = _BIDI_CHARS.sub("", _CONTROL_CHARS.sub(" ", name or ""))
    return " ".join(visible.split())[:max_length]


def clean_sender_name(name: str, *, max_length: int = 200) -> str:
    """The name in a From header, which must never pass for an address.

    Dealers choose their own names, and those go into the From of E-mail messages. A
    name such as ``CEO Renson <ceo@renson.example>`` would show the recipient a sender
    the portal never vouched for: words holding an ``@`` (or a look-alike) and angle
    brackets are dropped. What is left is plain text that ``formataddr`` quotes.
    """
    words = clean_display_name(name, max_length=4 * max_length).split()
    text = " ".join(word for word in words if not _AT_SIGNS.search(word))
    return " ".join(_ANGLE_BRACKETS.sub(" ", text).split())[:max_length]


def message_id_domain() -> str:
    configured: str = settings.EMAIL_MESSAGE_ID_DOMAIN
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "ereps.localhost"


def _clean_attachments(attachments: list[OutboxAttachment] | None) -> list[dict[str, str]]:
    cleaned = []
    for item in attachments or []:
        path = str(item.get("path") or "")
        if not path or _CONTROL_CHARS.search(path):
            raise ValueError(f"Invalid attachment path: {path!r}")
        name = clean_display_name(str(item.get("name") or path.rsplit("/", 1)[-1]), max_length=255)
        name = name.replace("/", "_").replace("\\", "_") or "attachment"
        content_type = str(item.get("content_type") or "application/octet-stream")
        if _CONTROL_CHARS.search(content_type) or "/" not in content_type:
            content_type = "application/octet-stream"
        cleaned.append({"path": path, "name": name, "content_type": content_type})
    return cleaned


@transaction.atomic
def queue_mail(
    *,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    reply_to: str | None = None,
    from_name: str | None = None,
    attachments: list[OutboxAttachment] | None = None,
    dossier_id: int | None = None,
    related_message_id: int | None = None,
) -> OutboundMail:
    """Render ``templates/emails/<template>/`` in ``language`` and queue the mail.

    The row is written in the caller's transaction; the send task is queued when that
    transaction commits (never if it rolls back). Raises ``ValueError`` for an invalid
    address, template name or attachment — programming errors, checked before anything
    is written. A broker outage is not an error: the row waits for the sweep.
    """
    recipient = clean_address(to)
    reply = clean_address(reply_to) if reply_to else ""
    if not _TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"Invalid mail template name: {template!r}")
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages:
        language = settings.LANGUAGE_CODE
    files = _clean_attachments(attachments)
    rendered = render_mail(template, context, language)
    mail = OutboundMail.objects.create(
        recipient=recipient,
        language=language,
        template=template,
        subject=rendered.subject[:998],
        body_text=rendered.text,
        body_html=rendered.html,
        from_name=clean_sender_name(from_name or ""),
        reply_to=reply,
        attachments=files,
        message_id=make_msgid(domain=message_id_domain()),
        dossier_id=dossier_id,
        related_message_id=related_message_id,
    )
    mail_id = mail.pk
    transaction.on_commit(lambda: enqueue_mail(mail_id=mail_id))
    return mail


def enqueue_mail(*, mail_id: int, countdown: float | None = None) -> bool:
    """Ask Celery to send the row; on a broker outage log it and leave the row queued."""
    from .tasks import send_mail_task

    try:
        if countdown:
            send_mail_task.apply_async((mail_id,), countdown=countdown)
        else:
            send_mail_task.apply_async((mail_id,))
    except Exception:
        # Redis down, DNS, timeouts…: the row is safe in the database and the sweep
        # or `send_pending_mail` will send it. Never fail the caller's request for it.
        logger.warning("Outbound mail %s stays queued: could not enqueue its send task", mail_id, exc_info=True)
        return False
    return True


@transaction.atomic
def resend_mail(*, mail: OutboundMail) -> bool:
    """Put a failed mail back in the queue (same Message-ID, fresh attempts). False if not failed."""
    row = OutboundMail.objects.select_for_update().get(pk=mail.pk)
    if row.status != MailStatus.FAILED:
        return False
    row.status = MailStatus.QUEUED
    row.attempts = 0
    row.next_attempt_at = timezone.now()
    row.claimed_at = None
    row.claim_token = None
    row.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at", "claim_token"])
    mail_id = row.pk
    transaction.on_commit(lambda: enqueue_mail(mail_id=mail_id))
    return True


# ---------------------------------------------------------------------------
# Delivery
# ---------------------------------------------------------------------------


def retry_delay(attempts: int) -> float:
    """Bounded exponential back-off after the given number of failed attempts."""
    base: int = settings.OUTBOX_RETRY_BASE_SECONDS
    ceiling: int = settings.OUTBOX_RETRY_MAX_SECONDS
    return float(min(base * 2 ** max(attempts - 1, 0), ceiling))


def _stale_before(now: Any) -> Any:
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
        elif mail.status == MailStatus.SENDING and mail.claimed_at and mail.claimed_at <= _stale_before(now):
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


def build_message(mail: OutboundMail) -> EmailMultiAlternatives:
    """The Django message for a row: same Message-ID on every attempt."""
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    # Cleaned again at sending: rows queued before the rule, or written by hand, follow it too.
    from_email = formataddr((clean_sender_name(mail.from_name or default_name), default_address))
    message = EmailMultiAlternatives(
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


# ---------------------------------------------------------------------------
# Sweep (Celery beat) and ops
# ---------------------------------------------------------------------------


def pending_mail_ids(*, ignore_backoff: bool = False, limit: int = SWEEP_BATCH) -> list[int]:
    """Rows a sender may take now: queued and due (or all queued), and stale ``sending`` rows."""
    now = timezone.now()
    queued = OutboundMail.objects.filter(status=MailStatus.QUEUED)
    if not ignore_backoff:
        queued = queued.filter(next_attempt_at__lte=now)
    stale = OutboundMail.objects.filter(status=MailStatus.SENDING, claimed_at__lte=_stale_before(now))
    ids = list(queued.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    ids += list(stale.order_by("claimed_at", "pk").values_list("pk", flat=True)[: max(limit - len(ids), 0)])
    return ids


def sweep_outbox(*, limit: int = SWEEP_BATCH) -> int:
    """Re-enqueue rows whose task was lost: queued and overdue by the grace delay, or stale ``sending``.

    Returns how many were enqueued. Overdue rows get ``next_attempt_at = now`` so the
    next sweep leaves them to their task for another grace delay instead of piling up
    duplicate messages on a busy queue; stale ``sending`` rows are put back to queued.
    """
    now = timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        stale_ids = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.SENDING, claimed_at__lte=_stale_before(now))
            .values_list("pk", flat=True)[:limit]
        )
        if stale_ids:
            logger.warning("Outbox sweep: re-queueing interrupted sends %s", stale_ids)
            OutboundMail.objects.filter(pk__in=stale_ids, status=MailStatus.SENDING).update(
                status=MailStatus.QUEUED,
                claimed_at=None,
                claim_token=None,
                next_attempt_at=now,
                last_error="Envoi interrompu, remis en file par le balayage",
            )
        overdue_ids = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.QUEUED, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[: max(limit - len(stale_ids), 0)]
        )
        OutboundMail.objects.filter(pk__in=overdue_ids).update(next_attempt_at=now)
    ids = stale_ids + overdue_ids
    for mail_id in ids:
        if not enqueue_mail(mail_id=mail_id):
            break  # the broker is down; the next sweep (or send_pending_mail) tries again
    return len(ids)
