"""Start-up checks of the documents' settings: a wrong value stops the start with a clear message."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import checks


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        rate = Decimal(str(settings.VAT_RATE_PERCENT))
    except InvalidOperation:
        rate = Decimal(-1)
    if not (0 <= rate < 100):
        errors.append(
            checks.Error(
                f"VAT_RATE_PERCENT must be a number of per cent from 0 to 100, like 21 or 5.5; "
                f"it is {settings.VAT_RATE_PERCENT!r}.",
                id="documents.E001",
            )
        )
    if not isinstance(settings.QUOTE_VALIDITY_DAYS, int) or settings.QUOTE_VALIDITY_DAYS < 1:
        errors.append(
            checks.Error(
                "QUOTE_VALIDITY_DAYS must be a whole number of days, 1 or more; "
                f"it is {settings.QUOTE_VALIDITY_DAYS!r}.",
                id="documents.E002",
            )
        )
    return errors


def register() -> None:
    checks.register(check_settings)
