"""Each kind of document: its card in Communication, its template and what it freezes.

The pipeline (:mod:`documents.services`, :mod:`documents.tasks`) is the same for every
kind; a new kind (the « Document de garantie ») adds a :class:`DocumentKind` value, an
entry here, a function in :mod:`documents.contents` and ``templates/pdf/<kind>.html``,
and whatever event issues it (:mod:`documents.receivers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from communication.models import MessageType
from dossiers.models import Dossier

from . import contents
from .models import DocumentKind

Collect = Callable[..., dict[str, Any]]  # (dossier, *, language, today, number) -> frozen data


@dataclass(frozen=True)
class KindSpec:
    kind: DocumentKind
    message_type: str  # the card's type in Communication (its title)
    collect: Collect
    # A printed number of its own (an invoice's); its prefix, the year and a gapless sequence per year.
    number_prefix: str = ""

    @property
    def template(self) -> str:
        return f"pdf/{self.kind.value}.html"

    def freeze(self, dossier: Dossier, *, language: str, today: date, number: str = "") -> dict[str, Any]:
        return self.collect(dossier, language=language, today=today, number=number)


KINDS: dict[str, KindSpec] = {
    DocumentKind.QUOTE: KindSpec(DocumentKind.QUOTE, MessageType.QUOTE, contents.quote),
    DocumentKind.ORDER_CONFIRMATION: KindSpec(
        DocumentKind.ORDER_CONFIRMATION, MessageType.ORDER_CONFIRMATION, contents.order_confirmation
    ),
    DocumentKind.INVOICE: KindSpec(DocumentKind.INVOICE, MessageType.INVOICE, contents.invoice, number_prefix="F"),
    DocumentKind.WARRANTY: KindSpec(DocumentKind.WARRANTY, MessageType.WARRANTY_DOCUMENT, contents.warranty),
}


def spec(kind: str) -> KindSpec:
    return KINDS[kind]
