"""What the Configurateur shows of an evaluation, in every language: pure functions, no ORM.

The tab lists lines without evaluating them again (that costs a few milliseconds per
line): each save caches the line's one-line summary per language and its error and
warning messages, computed here from the evaluation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalogue.definition import LANGUAGES, Kind, ProductDefinition, Severity, Text
from catalogue.expressions import Value

from .engine import Evaluation

# The sizes a line is known by, as the catalogue names them across the range: a width
# first, then a height, or a roof's projection.
WIDTH_KEYS = ("width_mm", "length_mm", "opening_width_mm")
HEIGHT_KEYS = ("height_mm", "projection_mm", "passage_height_mm")
# The choices that tell two lines of one product apart at a glance, in this order.
SUMMARY_CHOICES = ("colour_ral", "drive", "operating_side", "side", "room_type", "variant", "part", "reason")

# How many euros read in each language: 1 234,50 € (fr, de), € 1.234,50 (nl), €1,234.50 (en).
_MONEY = {
    "fr": ("\u00a0", ",", "{amount}\u00a0€"),
    "nl": (".", ",", "€\u00a0{amount}"),
    "de": (".", ",", "{amount}\u00a0€"),
    "en": (",", ".", "€{amount}"),
}


def money(amount: Decimal | str | None, language: str) -> str:
    """An amount in euros as the reader's language writes it; "–" for no amount."""
    if amount is None or amount == "":
        return "–"
    group, decimal, pattern = _MONEY.get(language[:2], _MONEY["fr"])
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    grouped = ""
    while len(whole) > 3:
        grouped = group + whole[-3:] + grouped
        whole = whole[:-3]
    return sign + pattern.format(amount=f"{whole}{grouped}{decimal}{cents}")


def number(value: Value | str, language: str) -> str:
    """A plain number as the language writes decimals (12,5 in fr, nl, de; 12.5 in en)."""
    text = str(value)
    return text if language[:2] == "en" else text.replace(".", ",")


def option_label(definition: ProductDefinition, key: str, value: object) -> Text | None:
    """The label of the chosen option ``value`` of parameter ``key``, or None."""
    try:
        parameter = definition.parameter(key)
    except KeyError:
        return None
    option = parameter.option(str(value)) if isinstance(value, str) else None
    return option.label if option is not None else None


def summary(definition: ProductDefinition, values: Mapping[str, Any]) -> dict[str, str]:
    """One line per language: the width and height (or projection), then the telling choices.

    ``2130 × 2480 mm · RAL 7016 Gris anthracite · Moteur radio Somfy io · Droite``.
    ``values`` are evaluated values (strings or numbers): a refused value is left out.
    """
    keys = {parameter.key for parameter in definition.parameters if parameter.kind is Kind.DIMENSION}
    width = next((key for key in WIDTH_KEYS if key in keys and key in values), None)
    height = next((key for key in HEIGHT_KEYS if key in keys and key in values), None)
    dimensions = [str(values[key]) for key in (width, height) if key is not None]
    labels = [
        label
        for key in SUMMARY_CHOICES
        if key in values and (label := option_label(definition, key, values[key])) is not None
    ]
    result = {}
    for language in LANGUAGES:
        parts = [" × ".join(dimensions) + " mm"] if dimensions else []
        parts.extend(label.get(language) for label in labels)
        result[language] = " · ".join(parts)
    return result


@dataclass(frozen=True)
class LineDisplay:
    summary: dict[str, str]
    messages: list[dict[str, Any]]  # errors and warnings, JSON-ready, texts in every language
    error_count: int
    warning_count: int  # warnings not acknowledged yet


def line_display(definition: ProductDefinition, evaluation: Evaluation, acknowledged: Collection[str]) -> LineDisplay:
    shown = [m for m in evaluation.messages if m.severity is not Severity.INFO]
    return LineDisplay(
        summary=summary(definition, evaluation.values),
        messages=[
            {
                "id": message.id,
                "severity": message.severity.value,
                "fields": list(message.fields),
                "text": message.text.as_dict(),
                "acknowledged": message.severity is Severity.WARNING and message.id in acknowledged,
            }
            for message in shown
        ],
        error_count=sum(1 for m in shown if m.severity is Severity.ERROR),
        warning_count=len(set(evaluation.warnings) - set(acknowledged)),
    )
