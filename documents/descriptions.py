"""How the documents' events read in the Historique (registered in ``DocumentsConfig.ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from dossiers import history
from dossiers.models import EventKind

from .models import DocumentKind


def document_generated(data: Mapping[str, Any]) -> str | None:
    if not data.get("kind"):
        return None  # an older event: its file name
    try:
        label = str(DocumentKind(str(data["kind"])).label)
    except ValueError:
        label = str(data["kind"])
    if data.get("number"):
        label = f"{label} {data['number']}"
    if int(data.get("generation") or 1) > 1:
        return _("%(document)s, régénération") % {"document": label}
    return label


def register() -> None:
    history.register_describer(EventKind.DOCUMENT_GENERATED, document_generated)
