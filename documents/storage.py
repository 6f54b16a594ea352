"""Where a document's PDF lives in the default storage (local files or S3).

One path per document, ``documents/<dossier id>/<random token>/<file name>``: never
guessable, and the same for every generation, so a regeneration overwrites the file
rather than adding one. Downloads go through Communication's access-checked views.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from communication.files import sanitise_filename, storage_filename

from .models import Document


def file_name(document: Document) -> str:
    """What the reader sees: « Facture F2026000001.pdf », « Offre 2026000042.pdf », in the document's language."""
    with translation.override(document.language):
        label = str(document.get_kind_display())
    reference = document.number or document.data.get("order_number") or document.data.get("dossier_number", "")
    return sanitise_filename(f"{label} {reference}.pdf")


def path_of(document: Document, name: str) -> str:
    return f"documents/{document.dossier_id}/{document.storage_token}/{storage_filename(name)}"


def store(document: Document, pdf: bytes) -> tuple[str, str]:
    """Write ``pdf`` as the document's file, replacing the previous one; (storage path, file name)."""
    name = file_name(document)
    path = path_of(document, name)
    if default_storage.exists(path):
        default_storage.delete(path)
    saved = default_storage.save(path, ContentFile(pdf, name=name))
    return saved, name
