"""What one evaluation of a configuration returns: plain frozen data, ready to render or store."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalogue.definition import Severity, Text
from catalogue.expressions import Value


@dataclass(frozen=True)
class Message:
    """A rule's (or an input check's) message, in all four languages: the caller picks one.

    ``fields`` are the parameters it belongs beside; none means it concerns the whole line.
    """

    id: str
    severity: Severity
    fields: tuple[str, ...]
    text: Text


@dataclass(frozen=True)
class PriceLine:
    label: Text
    amount: Decimal  # euros, 2 places


@dataclass(frozen=True)
class ComponentLine:
    """One bill-of-components line. For a cut-to-size part (unit ``mm``) ``quantity`` counts
    the pieces and ``cut_mm`` is the length of each; otherwise ``cut_mm`` is None."""

    code: str
    description: Text
    quantity: Decimal
    unit: str
    cut_mm: int | None


@dataclass(frozen=True)
class Evaluation:
    product: str
    values: Mapping[str, Value]  # normalised values of the fields that are valid (defaults applied)
    derived: Mapping[str, Value]
    messages: tuple[Message, ...]
    price_lines: tuple[PriceLine, ...]
    gross_total: Decimal | None  # None: the line cannot be priced until its errors are fixed
    discount_percent: Decimal
    discount_amount: Decimal | None
    net_total: Decimal | None
    components: tuple[ComponentLine, ...]
    # For choices whose options depend on other choices: the keys offered right now.
    # A choice that is not listed offers all its options.
    available_options: Mapping[str, tuple[str, ...]]

    @property
    def has_errors(self) -> bool:
        return any(message.severity is Severity.ERROR for message in self.messages)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The ids of the warnings that must be acknowledged before ordering."""
        return tuple(message.id for message in self.messages if message.severity is Severity.WARNING)

    def is_orderable(self, acknowledged: Collection[str]) -> bool:
        return not self.has_errors and self.net_total is not None and set(self.warnings) <= set(acknowledged)

    @property
    def messages_by_field(self) -> dict[str, tuple[Message, ...]]:
        """Messages per parameter key; messages about the whole line are under ``""``."""
        grouped: dict[str, list[Message]] = {}
        for message in self.messages:
            for field_name in message.fields or ("",):
                grouped.setdefault(field_name, []).append(message)
        return {field_name: tuple(messages) for field_name, messages in grouped.items()}

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready snapshot; amounts and quantities as exact decimal strings."""
        return {
            "product": self.product,
            "values": {key: _json_value(value) for key, value in self.values.items()},
            "derived": {key: _json_value(value) for key, value in self.derived.items()},
            "messages": [
                {
                    "id": message.id,
                    "severity": message.severity.value,
                    "fields": list(message.fields),
                    "text": message.text.as_dict(),
                }
                for message in self.messages
            ],
            "price_lines": [{"label": line.label.as_dict(), "amount": str(line.amount)} for line in self.price_lines],
            "gross_total": _json_money(self.gross_total),
            "discount_percent": str(self.discount_percent),
            "discount_amount": _json_money(self.discount_amount),
            "net_total": _json_money(self.net_total),
            "components": [
                {
                    "code": line.code,
                    "description": line.description.as_dict(),
                    "quantity": str(line.quantity),
                    "unit": line.unit,
                    "cut_mm": line.cut_mm,
                }
                for line in self.components
            ],
        }


def _json_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _json_money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
