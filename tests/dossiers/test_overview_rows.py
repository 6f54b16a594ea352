"""The overview's rows print their dates as the ``date`` filter would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format

from dossiers.dates import datetime_formatter

MOMENTS = [datetime(2026, 1, 2, 3, 4), datetime(2026, 12, 31, 23, 59), datetime(999, 10, 9, 0, 0)] + [
    datetime(2026, 3, 29, 0, 30) + timedelta(minutes=97 * n) for n in range(40)
]


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_each_languages_short_datetime_format(language: str) -> None:
    with translation.override(language):
        format_string = get_format("SHORT_DATETIME_FORMAT")
        formatter = datetime_formatter(format_string)
        for moment in MOMENTS:
            local = timezone.localtime(timezone.make_aware(moment)) if moment.year > 1000 else moment
            assert formatter(local) == date_format(local, format_string)


@pytest.mark.parametrize(
    "format_string", ["d/m/Y H:i", "j-n-Y H:i", "d.m.Y H:i", "j M Y H:i", "Y-m-d \\a\\t H:i", "D d", ""]
)
def test_other_formats_are_djangos(format_string: str) -> None:
    for moment in MOMENTS:
        assert datetime_formatter(format_string)(moment) == date_format(moment, format_string)
