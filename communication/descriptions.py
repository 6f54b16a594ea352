"""How the events this app writes read in the dossier's Historique (registered in ``CommunicationConfig.ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dossiers import history
from dossiers.models import EventKind

from .models import MessageType


def message_posted(data: Mapping[str, Any]) -> str | None:
    """The message's type (« Plainte », « Annexe »…); never its text, which may be Interne."""
    if not data.get("type"):
        return None
    try:
        return str(MessageType(str(data["type"])).label)
    except ValueError:
        return str(data["type"])


def attachment_deactivated(data: Mapping[str, Any]) -> str | None:
    return str(data["name"]) if data.get("name") else None


def register() -> None:
    history.register_describer(EventKind.MESSAGE_POSTED, message_posted)
    history.register_describer(EventKind.ATTACHMENT_DEACTIVATED, attachment_deactivated)
