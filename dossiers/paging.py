"""The page number a list's ``?page=`` asks for, read the same way by every paginated page."""

from __future__ import annotations


def page_number(raw: str | None) -> int:
    """``raw`` as a page number: a missing, negative or non-numeric one is 1.

    ASCII digits only: ``str.isdigit`` also accepts « ² » or « ① », which ``int`` refuses.
    Nine digits at most, so a hostile number never reaches the database as a huge OFFSET.
    """
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
