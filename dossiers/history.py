"""How a Historique event reads: one describer per kind of event, filled by each app.

An event's ``data`` holds codes (status values, numbers, message types), never rendered
text, so an event written in one language reads in another. The app that writes events
of a kind renders their codes: it registers a describer for that kind in its
``AppConfig.ready()``. Dossiers, low in the stack, so never imports the apps above it
that write events (messages, orders).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# The line shown for ``data``, or None to fall back to the generic one.
Describer = Callable[[Mapping[str, Any]], "str | None"]

_DESCRIBERS: dict[str, Describer] = {}


def register_describer(kind: str, describer: Describer) -> None:
    """Events of ``kind`` read as ``describer(data)`` says (an app's ``ready()`` calls this)."""
    _DESCRIBERS[kind] = describer


def describe(kind: str, data: Mapping[str, Any]) -> str:
    """The event's line in the active language; events of unregistered kinds show a file name or summary."""
    describer = _DESCRIBERS.get(kind)
    text = describer(data) if describer is not None else None
    if text is not None:
        return text
    if data.get("name"):  # a document or an attachment: its file name
        return str(data["name"])
    return str(data.get("summary", ""))
