"""A document as PDF: its kind's HTML template in its language, then WeasyPrint. Pure of the database.

Runs in the Celery workers only (:mod:`documents.tasks`); a web request never renders a
PDF. Everything shown comes from the document's frozen ``data``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .kinds import spec
from .models import Document

# WeasyPrint logs each of its seven steps at INFO: noise in the workers' logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_html(kind: str, data: dict[str, Any], language: str) -> str:
    """The document's HTML in ``language`` (labels translated, amounts and dates formatted)."""
    with translation.override(language):
        return render_to_string(spec(kind).template, {"data": data, "kind": kind, "LANGUAGE_CODE": language})


def render_kind_pdf(kind: str, data: dict[str, Any], language: str) -> bytes:
    """The PDF of a document of ``kind`` whose frozen data is ``data``."""
    # Imported here: WeasyPrint loads pango through cffi, which only the workers (and the
    # tests and the benchmark) need; web processes never render.
    from weasyprint import HTML

    html = render_html(kind, data, language)
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def render_pdf(document: Document) -> bytes:
    return render_kind_pdf(document.kind, document.data, document.language)
