"""Dates printed on every row of a page (the overview's rows, the thread's messages) as
Django's ``date`` filter prints them, without its cost per value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.dateformat import format as date_format

# The format characters of Django's ``date`` filter that the rows' formats use (fr, nl, de:
# « d/m/Y H:i », « j-n-Y H:i », « d.m.Y H:i »), printed as django.utils.dateformat does.
_NUMERIC_FORMATS: dict[str, Callable[[datetime], str]] = {
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
}


def datetime_formatter(format_string: str) -> Callable[[datetime], str]:
    """``lambda value: dateformat.format(value, format_string)``, without its per-call setup
    (a ``DateFormat`` object and a regular expression per value) when the format has only
    the numeric characters of :data:`_NUMERIC_FORMATS` (any other letter or a backslash:
    Django's own, e.g. the English « j M Y H:i » with its translated month)."""
    if "\\" in format_string or any(c.isalpha() and c not in _NUMERIC_FORMATS for c in format_string):
        return lambda value: date_format(value, format_string)
    parts = [_NUMERIC_FORMATS.get(c, c) for c in format_string]
    return lambda value: "".join(part if isinstance(part, str) else part(value) for part in parts)
