"""File sizes as readers of each language write them: « 2,0 Ko », « 25 Mo » in French,
"2.0 kB", "25 MB" in English (kB, MB in Dutch and German too, with their decimal comma).

Units are powers of 1024, as file managers show them. One decimal below 10, none above,
so a limit reads « 25 Mo » and a small photo « 2,4 Mo ». The number and its unit are
joined by a no-break space: a size never breaks across lines.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import pgettext

STEP = 1024


def _units() -> tuple[str, ...]:
    # Each unit is a whole string to translate: "%(size)s Ko" in French, "%(size)s kB" in English.
    return (
        pgettext("file size", "%(size)s o"),
        pgettext("file size", "%(size)s Ko"),
        pgettext("file size", "%(size)s Mo"),
        pgettext("file size", "%(size)s Go"),
        pgettext("file size", "%(size)s To"),
    )


def file_size(size: int | float | None) -> str:
    """``size`` bytes in the active language (``None`` or negative reads as 0)."""
    units = _units()
    value = float(max(size or 0, 0))
    if value < STEP:
        return units[0] % {"size": number_format(int(value), 0)}
    position = 0
    while True:
        value /= STEP
        position += 1
        decimals = 1 if round(value, 1) < 10 else 0
        # 1023.96 Ko rounds to 1024: that is 1,0 Mo.
        if round(value, decimals) < STEP or position == len(units) - 1:
            break
    return units[position] % {"size": number_format(round(value, decimals), decimals)}
