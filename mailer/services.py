"""The way in for the rest of the portal: queue a mail, resend a failed one.

Every mail of the portal goes through :func:`queue_mail`. It renders the template
triple in the recipient's language, writes an :class:`~mailer.models.OutboundMail` row
in the caller's transaction and, once that transaction commits, asks Celery to send it.
If Celery's broker is unreachable the row simply stays ``queued``: the periodic sweep
(:func:`mailer.tasks.sweep_outbox`, run by Celery beat) or ``manage.py send_pending_mail``
sends it later. Nothing raises into the request. How a row is then delivered, exactly
once or at worst twice with the same Message-ID, is told in :mod:`mailer.delivery`.
"""

from __future__ import annotations

import re
from email.utils import make_msgid
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .addresses import CONTROL_CHARS, clean_address, clean_display_name, clean_sender_name, message_id_domain
from .models import MailStatus, OutboundMail
from .rendering import render_mail
from .tasks import enqueue_mail

__all__ = ["OutboxAttachment", "clean_address", "clean_display_name", "queue_mail", "resend_mail"]

_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+(?:/[a-z0-9_]+)*")


class OutboxAttachment(TypedDict, total=False):
    path: str  # name in Django's default storage (required)
    name: str  # file name shown to the recipient (default: the storage name's last part)
    content_type: str  # MIME type (default: application/octet-stream)


def _clean_attachments(attachments: list[OutboxAttachment] | None) -> list[dict[str, str]]:
    cleaned = []
    for item in attachments or []:
        path = str(item.get("path") or "")
        if not path or CONTROL_CHARS.search(path):
            raise ValueError(f"Invalid attachment path: {path!r}")
        name = clean_display_name(str(item.get("name") or path.rsplit("/", 1)[-1]), max_length=255)
        name = name.replace("/", "_").replace("\\", "_") or "attachment"
        content_type = str(item.get("content_type") or "application/octet-stream")
        if CONTROL_CHARS.search(content_type) or "/" not in content_type:
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
    internal: bool = False,
) -> OutboundMail:
    """Render ``templates/emails/<template>/`` in ``language`` and queue the mail.

    The row is written in the caller's transaction; the send task is queued when that
    transaction commits (never if it rolls back). Raises ``ValueError`` for an invalid
    address, template name or attachment — programming errors, checked before anything
    is written. A broker outage is not an error: the row waits for the sweep.
    ``internal`` marks a mail that carries an Interne message: staff never see it.
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
        internal=internal,
    )
    mail_id = mail.pk
    transaction.on_commit(lambda: enqueue_mail(mail_id=mail_id))
    return mail


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
