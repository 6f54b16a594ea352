"""A generated document's card in the thread: posted « en cours de génération », then given its PDF.

The documents app (above this one) makes the PDFs; the card is this app's. A card is a
system message (no author: it reads as from the manufacturer) of one of
:data:`~communication.models.DOCUMENT_TYPES`, titled by its type in the reader's language,
never Interne. While ``document_pending`` is set the thread shows « en cours de génération »
and none of its files, so a reader never sees a half-made document; the file arrives, or
is replaced on a regeneration, in one step that clears it. A card has at most one file:
regenerating replaces it, it never adds a second.

Posting a card sends no mail: the documents app mails the dealer with the PDF attached,
once the PDF exists.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from dossiers import services as dossier_services
from dossiers.models import Dossier

from .models import DOCUMENT_TYPES, Attachment, Audience, Message

PDF = "application/pdf"


@transaction.atomic
def post_document_card(*, dossier: Dossier, type: str) -> Message:
    """A new card « en cours de génération » in ``dossier``'s thread."""
    if type not in DOCUMENT_TYPES:
        raise ValueError(f"{type!r} is not a document type")
    message = Message.objects.create(
        dossier=dossier, type=type, audience=Audience.RENSON, author=None, document_pending=True
    )
    dossier_services.note_message_posted(dossier=dossier, at=message.created_at)
    return message


@transaction.atomic
def mark_document_pending(*, message: Message) -> Message:
    """A regeneration starts: the card shows « en cours de génération » again until its new file."""
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.type not in DOCUMENT_TYPES:
        raise ValueError(f"message {locked.pk} is not a document card")
    if not locked.document_pending:
        locked.document_pending = True
        locked.save(update_fields=["document_pending"])
    return locked


@transaction.atomic
def attach_document_file(*, message: Message, path: str, name: str, size: int) -> Attachment:
    """Give the card its file (``path`` already in the default storage), or replace it; the card is ready.

    A replaced file at another path is deleted from storage once this commits (a rollback
    keeps it, as the card still names it).
    """
    # The card's row only: the dossier is locked by status moves, which lock a document after it.
    locked = Message.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=message.pk)
    if locked.type not in DOCUMENT_TYPES:
        raise ValueError(f"message {locked.pk} is not a document card")
    now = timezone.now()
    attachment = Attachment.objects.filter(message=locked).order_by("id").first()
    if attachment is None:
        attachment = Attachment(message=locked, content_type=PDF, uploaded_by=None)
        replaced = ""
    else:
        replaced = attachment.file.name or "" if attachment.file.name != path else ""
    attachment.file.name = path
    attachment.original_name = name
    attachment.size = size
    attachment.content_type = PDF
    attachment.created_at = now
    attachment.is_active = True
    attachment.save()
    locked.document_pending = False
    locked.save(update_fields=["document_pending"])
    # The dealer has something new to read: the overview's unread marker moves.
    dossier_services.note_message_posted(dossier=locked.dossier, at=now)
    if replaced:
        transaction.on_commit(lambda: default_storage.delete(replaced))
    message.document_pending = False
    return attachment
