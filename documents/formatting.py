"""Amounts, dates and rates as each reader's language writes them, for the documents.

Amounts use the one function the Configurateur tab uses (:func:`configurator.display.money`):
``1 234,50 €`` in French, ``€ 1.234,50`` in Dutch, ``1.234,50 €`` in German, ``€1,234.50``
in English, so a price reads the same on screen and on paper. Dates use the portal's date
formats (``ereps/formats``, Django's for the others) in the reader's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats, translation

from configurator.display import money as _money


def money(value: Decimal | str | None, language: str) -> str:
    return _money(value, language)


def day(value: date | str | None, language: str) -> str:
    """``2026-12-01`` → « 1 décembre 2026 », « 1 december 2026 », « 1. Dezember 2026 », « 1 Dec 2026 »."""
    if not value:
        return ""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    with translation.override(language):
        return formats.date_format(when, "DATE_FORMAT")


def percent(value: Decimal | str | None, language: str) -> str:
    """21 → « 21 % » (fr, de: a no-break space), « 21% » (nl, en); decimals as the language writes them."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    if language[:2] != "en":
        text = text.replace(".", ",")
    return f"{text}\u00a0%" if language[:2] in ("fr", "de") else f"{text}%"
