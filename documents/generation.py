"""The worker's side of a document: make its PDF, post it, mail it; or record a failed try.

:func:`generate` locks the document row and does nothing unless it is pending, so a task
run twice, late, or beside a second regeneration makes the file once. In one transaction
it stores the PDF, hands it to the card, marks the document ready, writes the Historique
and queues the mail with the PDF attached: the dealer gets the card's file and the mail
together, or neither.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from communication import document_cards
from communication.notifications import portal_link
from dossiers import services as dossier_services
from dossiers.models import EventKind
from mailer.services import queue_mail

from . import storage
from .models import Document, DocumentKind, DocumentState
from .rendering import render_pdf

logger = logging.getLogger(__name__)

MAIL_TEMPLATE = "document_ready"
MAX_ERROR_LENGTH = 2000


def generate(*, document_id: int) -> str:
    """The worker's step: make the pending document's PDF, post it, mail it. Returns what happened.

    Raises whatever rendering or storage raised; the transaction then leaves nothing
    behind (the task records the failure and retries).
    """
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("dossier", "message", "recipient")
            .filter(pk=document_id)
            .first()
        )
        if document is None:
            return "gone"
        if document.state != DocumentState.PENDING:
            return "skipped"  # made already (a duplicate task, or a second regeneration)
        pdf = render_pdf(document)
        path, name = storage.store(document, pdf)
        assert document.message is not None
        document_cards.attach_document_file(message=document.message, path=path, name=name, size=len(pdf))
        document.state = DocumentState.READY
        document.attempts += 1
        document.last_error = ""
        document.generations += 1
        document.generated_at = timezone.now()
        document.file_path = path
        document.save()
        dossier_services.record_event(
            dossier=document.dossier,
            kind=EventKind.DOCUMENT_GENERATED,
            actor=document.requested_by,
            data={
                "document_id": document.pk,
                "kind": document.kind,
                "number": document.number,
                "generation": document.generations,
                "name": name,
            },
        )
        if document.recipient is not None:
            _mail(document, path=path, name=name)
    return "ready"


def _mail(document: Document, *, path: str, name: str) -> None:
    recipient = document.recipient
    assert recipient is not None and document.message is not None
    queue_mail(
        to=recipient.email,
        language=document.language,
        template=MAIL_TEMPLATE,
        context={
            "recipient": recipient,
            "dossier": document.dossier,
            "document_label": DocumentKind(document.kind).label,
            "document_number": document.number,
            "regenerated": document.generations > 1,
            "link": portal_link(document.message),
        },
        attachments=[{"path": path, "name": name, "content_type": "application/pdf"}],
        dossier_id=document.dossier_id,
        related_message_id=document.message_id,
    )


@transaction.atomic
def record_failure(*, document_id: int, error: str, max_attempts: int) -> Document | None:
    """A try failed: count it and keep the error for staff; after ``max_attempts`` tries the document is failed.

    The card stays « en cours de génération » for the dealer, and no mail leaves.
    """
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.state != DocumentState.PENDING:
        return document
    document.attempts += 1
    document.last_error = error[:MAX_ERROR_LENGTH]
    if document.attempts >= max_attempts:
        document.state = DocumentState.FAILED
        logger.error("Document %s failed after %s attempts: %s", document.pk, document.attempts, error)
    document.save(update_fields=["attempts", "last_error", "state", "updated_at"])
    return document
