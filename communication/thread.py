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

from dossiers.links import url_maker

from .authors import author_name
from .models import Attachment, Audience, ComplaintState, Message, MessageType


@dataclass(frozen=True, slots=True)
class ThreadFile:
    pk: int
    name: str
    size: int
    url: str
    # Only on the uploader's own files: the « Désactiver » action.
    deactivate_url: str


@dataclass(frozen=True, slots=True)
class ThreadComplaint:
    state: str
    state_label: str
    answer: str


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    pk: int
    type: str
    type_label: str
    audience: str
    audience_label: str
    is_internal: bool
    author: str
    created_iso: str
    created: str
    parent_pk: int | None
    parent_type_label: str
    parent_author: str
    email_recipients: list[str]
    title: str
    body: str
    files: list[ThreadFile]
    linked_files: list[ThreadFile]
    complaint: ThreadComplaint | None
    reply_url: str


def thread_messages(messages: Iterable[Message], *, dossier_pk: int, reader_pk: int | None) -> list[ThreadMessage]:
    """The page's messages (from ``MessageQuerySet.thread()``) as ready-to-print rows."""
    type_labels = {value: str(label) for value, label in MessageType.choices}
    audience_labels = {value: str(label) for value, label in Audience.choices}
    state_labels = {value: str(label) for value, label in ComplaintState.choices}
    download_url = url_maker("communication:attachment-download", "attachment", pk=dossier_pk)
    deactivate_url = url_maker("communication:attachment-deactivate", "attachment", pk=dossier_pk)
    reply_url = url_maker("communication:message-reply", "message", pk=dossier_pk)
    datetime_format = get_format("SHORT_DATETIME_FORMAT")

    def file(attachment: Attachment) -> ThreadFile:
        return ThreadFile(
            pk=attachment.pk,
            name=attachment.original_name,
            size=attachment.size,
            url=download_url(attachment.pk),
            deactivate_url=deactivate_url(attachment.pk) if attachment.uploaded_by_id == reader_pk else "",
        )

    rows = []
    for message in messages:
        created = timezone.localtime(message.created_at)
        parent = message.parent
        # A reverse one-to-one: reading it raises (an AttributeError) when there is no complaint.
        complaint = getattr(message, "complaint", None)
        rows.append(
            ThreadMessage(
                pk=message.pk,
                type=message.type,
                type_label=type_labels.get(message.type, message.type),
                audience=message.audience,
                audience_label=audience_labels.get(message.audience, message.audience),
                is_internal=message.is_internal,
                author=author_name(message.author),
                created_iso=created.isoformat(),
                created=date_format(created, datetime_format),
                parent_pk=message.parent_id,
                parent_type_label=type_labels.get(parent.type, parent.type) if parent else "",
                parent_author=author_name(parent.author) if parent else "",
                email_recipients=message.email_recipients or [],
                title=message.title,
                body=message.body,
                files=[file(a) for a in message.active_attachments],  # type: ignore[attr-defined]
                linked_files=[file(a) for a in message.active_linked_attachments],  # type: ignore[attr-defined]
                complaint=ThreadComplaint(
                    complaint.state, state_labels.get(complaint.state, complaint.state), complaint.answer
                )
                if complaint is not None
                else None,
                reply_url=reply_url(message.pk)
                if message.author_id != reader_pk and message.type != MessageType.EMAIL
                else "",
            )
        )
    return rows
