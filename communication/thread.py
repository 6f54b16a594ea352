"""The Communication tab's messages, computed in Python and printed by Jinja2.

A thread page shows up to 50 messages. They are read as tuples with their files
(``thread_rows``: one SQL query, no model instances);
:class:`ThreadPage` translates every label once per page, makes every URL a string join
on one ``reverse()``, formats every size and date. The card template
(``templates/jinja2/communication/thread_card.html``) only prints: Django's template
engine spent about 0.3 ms per message on the same markup, Jinja2's compiled template a
fifth of that, and ``communication.thread_cards`` keeps printed cards by their content.
Which messages and files appear is decided before, by ``thread_rows`` (the rules of
``Message.objects.visible_to`` and ``in_thread()``): nothing here widens it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from dossiers.dates import datetime_formatter
from dossiers.links import url_maker

from .authors import author_label
from .models import DOCUMENT_TYPES, Audience, ComplaintState, MessageType
from .sizes import file_size


@dataclass(frozen=True, slots=True)
class ThreadFile:
    pk: int
    name: str
    size: str
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


class ThreadPage:
    """What every message of one page shares: the reader, labels in the reader's language,
    URL prefixes, the date format. Built once per page; :meth:`message` turns a row into a
    ready-to-print :class:`ThreadMessage`.

    ``inputs`` lists every per-page value a card's HTML depends on besides its own row and
    files (``communication.thread_cards`` keys its cache on them).
    """

    def __init__(self, *, dossier_pk: int, reader_pk: int | None) -> None:
        self.reader_pk = reader_pk
        self.type_labels = {value: str(label) for value, label in MessageType.choices}
        self.audience_labels = {value: str(label) for value, label in Audience.choices}
        self.audience_texts = {
            value: _("Groupe-cible : %(audience)s") % {"audience": label}
            for value, label in self.audience_labels.items()
        }
        self.state_labels = {value: str(label) for value, label in ComplaintState.choices}
        self.state_texts = {
            value: _("Plainte : %(state)s") % {"state": label} for value, label in self.state_labels.items()
        }
        self.download_url = url_maker("communication:attachment-download", "attachment", pk=dossier_pk)
        self.deactivate_url = url_maker("communication:attachment-deactivate", "attachment", pk=dossier_pk)
        self.annex_deactivate_url = url_maker("communication:annex-deactivate", "message", pk=dossier_pk)
        self.reply_url = url_maker("communication:message-reply", "message", pk=dossier_pk)
        self.datetime_format = get_format("SHORT_DATETIME_FORMAT")
        self.format_datetime = datetime_formatter(self.datetime_format)
        self.file_actions, self.annex_actions = _("Actions du fichier %(name)s"), _("Actions de l'annexe %(title)s")
        self.sizes: dict[int, str] = {}
        self.inputs = (
            dossier_pk,
            reader_pk,
            timezone.get_current_timezone_name(),
            self.datetime_format,
            self.type_labels,
            self.audience_texts,
            self.state_texts,
            self.file_actions,
            self.annex_actions,
            # The URLs as this process's URLconf writes them.
            *(make(0) for make in (self.download_url, self.deactivate_url, self.annex_deactivate_url, self.reply_url)),
        )

    def _file(self, file: list[Any], *, own_gear: bool) -> ThreadFile:
        pk, name, size, uploaded_by = file
        own = own_gear and uploaded_by == self.reader_pk
        size_text = self.sizes.get(size)
        if size_text is None:
            size_text = self.sizes[size] = file_size(size)
        return ThreadFile(
            pk=pk,
            name=name,
            size=size_text,
            url=self.download_url(pk),
            deactivate_url=self.deactivate_url(pk) if own else "",
            actions_label=self.file_actions % {"name": name} if own else "",
        )

    def message(self, message: Mapping[str, Any]) -> ThreadMessage:
        """One row of ``thread_rows`` (a mapping of ``THREAD_COLUMNS``)."""
        reader_pk, type_labels = self.reader_pk, self.type_labels
        pk, kind, author_id = message["pk"], message["type"], message["author_id"]
        created = timezone.localtime(message["created_at"])
        own_annex = kind == MessageType.ANNEX and reader_pk is not None and author_id == reader_pk
        parent_type = message["parent__type"]
        state = message["complaint__state"]
        is_document = kind in DOCUMENT_TYPES and author_id is None
        pending = is_document and message["document_pending"]
        return ThreadMessage(
            pk=pk,
            type=kind,
            type_label=type_labels.get(kind, kind),
            audience=message["audience"],
            audience_label=self.audience_labels.get(message["audience"], message["audience"]),
            audience_text=self.audience_texts.get(message["audience"], message["audience"]),
            is_internal=message["audience"] == Audience.INTERNAL,
            author=author_label(
                message["author__first_name"],
                message["author__last_name"],
                message["author__email"],
                message["author__is_staff"],
            ),
            created_iso=created.isoformat(),
            created=self.format_datetime(created),
            parent_pk=message["parent_id"],
            parent_type_label=type_labels.get(parent_type, parent_type) if parent_type else "",
            parent_author=author_label(
                message["parent__author__first_name"],
                message["parent__author__last_name"],
                message["parent__author__email"],
                message["parent__author__is_staff"],
            )
            if parent_type
            else "",
            parent_removed=bool(message["parent_removed"]),
            email_recipients=message["email_recipients"] or [],
            # A generated document's card is titled by its kind, in the reader's language.
            title=type_labels.get(kind, kind) if is_document else message["title"],
            body=message["body"],
            files=[] if pending else [self._file(f, own_gear=not own_annex) for f in _files(message["files"])],
            linked_files=[self._file(f, own_gear=False) for f in _files(message["linked_files"])],
            # A complaint's state is never empty: no state, no complaint (a LEFT JOIN).
            complaint=ThreadComplaint(
                state,
                self.state_labels.get(state, state),
                self.state_texts.get(state, state),
                message["complaint__answer"],
            )
            if state
            else None,
            reply_url=self.reply_url(pk)
            if author_id != reader_pk and kind != MessageType.EMAIL and not pending
            else "",
            annex_deactivate_url=self.annex_deactivate_url(pk) if own_annex else "",
            annex_actions_label=self.annex_actions % {"title": message["title"]} if own_annex else "",
            pending=pending,
        )


def _files(files_json: str | None) -> list[list[Any]]:
    """The files of a row of ``thread_rows``: ``[id, name, size, uploader id]`` each, by id."""
    return json.loads(files_json) if files_json else []
