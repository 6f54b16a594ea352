"""Warranty numbers: ``YY WW F NNNNNN C``, twelve digits, shown as ``YYWW-F-NNNNNN-C``.

YY is the production year, WW its ISO week, F the product family digit (from the
catalogue: 1 Fixscreen 100 … 8 Healthbox), NNNNNN the sequence within the week and C a
Damm check digit over the first eleven. Damm catches every single wrong digit and every
swap of two neighbouring digits (most typing errors), needs only digits (a phone keypad
works) and is computed by python-stdnum, not by hand. A fixed length catches a digit
too many or too few, which Damm alone cannot (leading zeros do not change it).

People type these numbers from a label or read them over the phone, so input is
accepted with or without spaces, dots or hyphens. The check digit is only the first
filter: a valid number must still be looked up and shown with its product before use.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from stdnum import damm

KNOWN_FAMILIES = frozenset(range(1, 9))
_SEPARATORS = str.maketrans("", "", " .-\u00a0\u202f\u2009\t")

_MESSAGES = {
    "format": _("Un numéro de garantie compte 12 chiffres, par exemple 2423-1-004214-4."),
    "checksum": _("Le chiffre de contrôle ne correspond pas : relisez l'étiquette."),
    "week": _("La semaine de fabrication de ce numéro n'existe pas : relisez l'étiquette."),
    "family": _("Ce numéro ne correspond à aucune famille de produits : relisez l'étiquette."),
}


class InvalidWarrantyNumber(ValueError):
    """``code`` is one of "format", "checksum", "week", "family"; ``message`` is translatable."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


@dataclass(frozen=True)
class WarrantyParts:
    year: int  # full year, 2000 + YY
    week: int
    family: int
    sequence: int


def make_warranty_number(year: int, week: int, family: int, sequence: int) -> str:
    """The 12-digit number for an item; ``year`` may be 2024 or 24."""
    short_year = year % 100
    if not _week_exists(2000 + short_year, week):
        raise ValueError(f"week {week} does not exist in {2000 + short_year}")
    if not 1 <= family <= 9:
        raise ValueError(f"family digit {family} is not 1-9")
    if not 0 <= sequence <= 999_999:
        raise ValueError(f"sequence {sequence} does not fit in six digits")
    payload = f"{short_year:02d}{week:02d}{family}{sequence:06d}"
    return payload + damm.calc_check_digit(payload)


def normalise(text: str, *, families: Collection[int] = KNOWN_FAMILIES, today: date | None = None) -> str:
    """The 12 digits of a typed number, or :class:`InvalidWarrantyNumber`.

    With ``today``, a production week after today's is refused too (code "week").
    """
    digits = text.translate(_SEPARATORS)
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        raise InvalidWarrantyNumber("format")
    if not damm.is_valid(digits):
        raise InvalidWarrantyNumber("checksum")
    parts = decode(digits)
    if not _week_exists(parts.year, parts.week):
        raise InvalidWarrantyNumber("week")
    if today is not None and (parts.year, parts.week) > tuple(today.isocalendar())[:2]:
        raise InvalidWarrantyNumber("week")
    if parts.family not in families:
        raise InvalidWarrantyNumber("family")
    return digits


def decode(number: str) -> WarrantyParts:
    """The fields of a normalised number (no checks: use :func:`normalise` first)."""
    return WarrantyParts(2000 + int(number[0:2]), int(number[2:4]), int(number[4]), int(number[5:11]))


def display(number: str) -> str:
    """``242310042144`` → ``2423-1-004214-4`` (accepts any form :func:`normalise` accepts)."""
    digits = number.translate(_SEPARATORS)
    return f"{digits[0:4]}-{digits[4]}-{digits[5:11]}-{digits[11]}"


def _week_exists(year: int, week: int) -> bool:
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return False
    return True
