"""The Communication tab's thread, computed once per page in Python.

A thread page shows up to 50 messages; rendering each through includes, ``{% url %}``
tags and ``get_FOO_display()`` calls cost about a millisecond per message. Here every
label is translated once per page, every URL is a string join on one ``reverse()``, and
the template only prints. Which messages and files appear is decided before, by
``Message.objects.visible_to`` and the ``thread()`` prefetches: nothing here widens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from dossiers.links import url_maker

from .authors import author_name
from .models import DOCUMENT_TYPES, Attachment, Audience, ComplaintState, Message, MessageType


@dataclass(frozen=True, slots=True)
class ThreadFile:
    pk: int
    name: str
    size: int
    url: str
    # Only on the uploader's own files outside an Annexe (an Annexe has one gear for all
    # its files): the « Désactiver » action, and the accessible name of its gear.
    deactivate_url: str
    actions_label: str


@dataclass(frozen=True, slots=True)
class ThreadComplaint:
    state: str
    state_label: str
    # « Plainte : Nouvelle »
    text: str
    answer: str


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    pk: int
    type: str
    type_label: str
    audience: str
    audience_label: str
    # « Groupe-cible : Interne »: the colon as the reader's language writes it.
    audience_text: str
    is_internal: bool
    author: str
    created_iso: str
    created: str
    parent_pk: int | None
    parent_type_label: str
    parent_author: str
    # The message answered was an Annexe since deactivated: no link to it.
    parent_removed: bool
    email_recipients: list[str]
    title: str
    body: str
    files: list[ThreadFile]
    linked_files: list[ThreadFile]
    complaint: ThreadComplaint | None
    reply_url: str
    # Only on the reader's own Annexe: its gear menu (« Désactiver ») and the gear's name.
    annex_deactivate_url: str
    annex_actions_label: str
    # A generated document whose PDF is being made: « en cours de génération », no file.
    pending: bool


def thread_messages(messages: Iterable[Message], *, dossier_pk: int, reader_pk: int | None) -> list[ThreadMessage]:
    """The page's messages (from ``MessageQuerySet.thread()``) as ready-to-print rows."""
    type_labels = {value: str(label) for value, label in MessageType.choices}
    audience_labels = {value: str(label) for value, label in Audience.choices}
    audience_texts = {
        value: _("Groupe-cible : %(audience)s") % {"audience": label} for value, label in audience_labels.items()
    }
    state_labels = {value: str(label) for value, label in ComplaintState.choices}
    state_texts = {value: _("Plainte : %(state)s") % {"state": label} for value, label in state_labels.items()}
    download_url = url_maker("communication:attachment-download", "attachment", pk=dossier_pk)
    deactivate_url = url_maker("communication:attachment-deactivate", "attachment", pk=dossier_pk)
    annex_deactivate_url = url_maker("communication:annex-deactivate", "message", pk=dossier_pk)
    reply_url = url_maker("communication:message-reply", "message", pk=dossier_pk)
    datetime_format = get_format("SHORT_DATETIME_FORMAT")

    def file(attachment: Attachment, *, own_gear: bool) -> ThreadFile:
        own = own_gear and attachment.uploaded_by_id == reader_pk
        return ThreadFile(
            pk=attachment.pk,
            name=attachment.original_name,
            size=attachment.size,
            url=download_url(attachment.pk),
            deactivate_url=deactivate_url(attachment.pk) if own else "",
            actions_label=_("Actions du fichier %(name)s") % {"name": attachment.original_name} if own else "",
        )

    rows = []
    for message in messages:
        created = timezone.localtime(message.created_at)
        own_annex = message.type == MessageType.ANNEX and reader_pk is not None and message.author_id == reader_pk
        parent = message.parent
        # A reverse one-to-one: reading it raises (an AttributeError) when there is no complaint.
        complaint = getattr(message, "complaint", None)
        is_document = message.type in DOCUMENT_TYPES and message.author_id is None
        pending = is_document and message.document_pending
        rows.append(
            ThreadMessage(
                pk=message.pk,
                type=message.type,
                type_label=type_labels.get(message.type, message.type),
                audience=message.audience,
                audience_label=audience_labels.get(message.audience, message.audience),
                audience_text=audience_texts.get(message.audience, message.audience),
                is_internal=message.is_internal,
                author=author_name(message.author),
                created_iso=created.isoformat(),
                created=date_format(created, datetime_format),
                parent_pk=message.parent_id,
                parent_type_label=type_labels.get(parent.type, parent.type) if parent else "",
                parent_author=author_name(parent.author) if parent else "",
                parent_removed=bool(getattr(message, "parent_removed", False)),
                email_recipients=message.email_recipients or [],
                # A generated document's card is titled by its kind, in the reader's language.
                title=type_labels.get(message.type, message.type) if is_document else message.title,
                body=message.body,
                files=[] if pending else [file(a, own_gear=not own_annex) for a in message.active_attachments],  # type: ignore[attr-defined]
                linked_files=[file(a, own_gear=False) for a in message.active_linked_attachments],  # type: ignore[attr-defined]
                complaint=ThreadComplaint(
                    complaint.state,
                    state_labels.get(complaint.state, complaint.state),
                    state_texts.get(complaint.state, complaint.state),
                    complaint.answer,
                )
                if complaint is not None
                else None,
                reply_url=reply_url(message.pk)
                if message.author_id != reader_pk and message.type != MessageType.EMAIL and not pending
                else "",
                annex_deactivate_url=annex_deactivate_url(message.pk) if own_annex else "",
                annex_actions_label=_("Actions de l'annexe %(title)s") % {"title": message.title} if own_annex else "",
                pending=pending,
            )
        )
    return rows
