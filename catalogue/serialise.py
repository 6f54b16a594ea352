"""A product definition as JSON, and back.

Each catalogue version keeps one JSON document per product, so that an order line can be
re-evaluated (or a spare part re-cut) under the exact version it was ordered under, long
after the YAML file has changed. The JSON is self-contained: shared parameters and rules
are written out inline, and the shared lists' keys travel with it. Reading it goes through
the same builder as the YAML file, so every expression is compiled and checked again.

Numbers are JSON numbers (integers, or decimals whose shortest float form is exactly the
decimal written), so a database JSON column holds them without losing a cent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .definition import (
    Component,
    CustomMessage,
    Group,
    ItemPrice,
    Option,
    Parameter,
    PriceGrid,
    ProductDefinition,
    StepPrice,
    Text,
    TextTemplate,
)
from .expressions import Value

JsonValue = Any


def definition_to_json(product: ProductDefinition) -> dict[str, JsonValue]:
    """The product, resolved and self-contained, as JSON-ready Python values."""
    base = product.pricing.base
    pricing: dict[str, JsonValue]
    if isinstance(base, PriceGrid):
        pricing = {
            "grid": {
                "label": _text(base.label),
                "x": base.x,
                "y": base.y,
                "x_steps": [_number(step) for step in base.x_steps],
                "y_steps": [_number(step) for step in base.y_steps],
                "cells": [[None if cell is None else _number(cell) for cell in row] for row in base.cells],
            }
        }
    elif isinstance(base, StepPrice):
        pricing = {
            "per_step": {
                "label": _text(base.label),
                "param": base.param,
                "step": _number(base.step),
                "amount": _number(base.amount),
            }
        }
    else:
        assert isinstance(base, ItemPrice)
        pricing = {
            "per_item": {"label": _text(base.label), "amount": base.amount.source, "quantity": base.quantity.source}
        }
    pricing["surcharges"] = [
        _without_none(
            {
                "key": surcharge.key,
                "label": _text(surcharge.label),
                surcharge.kind.value: surcharge.amount.source,
                "when": surcharge.when.source if surcharge.when else None,
                _MEASURES.get(surcharge.kind.value, "-"): surcharge.measure.source if surcharge.measure else None,
                "minimum": _number(surcharge.minimum) if surcharge.minimum is not None else None,
            }
        )
        for surcharge in product.pricing.surcharges
    ]
    return _without_none(
        {
            "code": product.code,
            "group": product.group,
            "position": product.position,
            "name": _text(product.name),
            "family_digit": product.family_digit,
            "is_service": product.is_service,
            "max_area_m2": _number(product.max_area_m2) if product.max_area_m2 is not None else None,
            "context": [
                _without_none({"key": entry.key, "type": entry.type.value, "default": _value(entry.default)})
                for entry in product.context
            ],
            "parameters": [_parameter(parameter) for parameter in product.parameters],
            "derived": [
                {"key": item.key, "label": _text(item.label), "unit": item.unit, "value": item.expression.source}
                for item in product.derived
            ],
            "rules": [
                {
                    "id": rule.id,
                    "severity": rule.severity.value,
                    "when": rule.condition.source,
                    "message": _text(rule.message),
                    "fields": list(rule.fields),
                }
                for rule in product.rules
            ],
            "pricing": pricing,
            "components": [_component(component) for component in product.components],
            "lists": {name: list(keys) for name, keys in product.lists.items()},
        }
    )


def catalogue_hash(
    groups: tuple[Group, ...], products: tuple[ProductDefinition, ...], lists: Mapping[str, tuple[Option, ...]]
) -> str:
    """sha256 of the catalogue's canonical JSON: loading the same content twice gives the same hash."""
    document = {
        "groups": [{"code": group.code, "name": _text(group.name), "position": group.position} for group in groups],
        "lists": {name: [_option(option) for option in options] for name, options in lists.items()},
        "products": [definition_to_json(product) for product in products],
    }
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


_MEASURES = {"fixed": "quantity", "per_metre": "length_mm", "per_started_metre": "length_mm", "per_m2": "area_m2"}


def _parameter(parameter: Parameter) -> dict[str, JsonValue]:
    return _without_none(
        {
            "key": parameter.key,
            "kind": parameter.kind.value,
            "label": _text(parameter.label),
            "help": _text(parameter.help) if parameter.help else None,
            "unit": parameter.unit,
            "min": _number(parameter.minimum) if parameter.minimum is not None else None,
            "max": _number(parameter.maximum) if parameter.maximum is not None else None,
            "step": _number(parameter.step) if parameter.step is not None else None,
            "default": _value(parameter.default),
            "options": [_option(option) for option in parameter.options] or None,
            "required": parameter.required,
            "limit": _custom(parameter.limit),
            "invalid": _custom(parameter.invalid),
        }
    )


def _option(option: Option) -> dict[str, JsonValue]:
    return _without_none(
        {
            "key": option.key,
            "label": _text(option.label),
            "data": {name: _value(value) for name, value in option.data.items()} or None,
            "when": option.when.source if option.when else None,
        }
    )


def _component(component: Component) -> dict[str, JsonValue]:
    return _without_none(
        {
            "code": component.code.source,
            "description": _text(component.description),
            "unit": component.unit,
            "quantity": component.quantity.source,
            "cut_mm": component.cut_mm.source if component.cut_mm else None,
            "when": component.when.source if component.when else None,
        }
    )


def _custom(message: CustomMessage | None) -> dict[str, JsonValue] | None:
    if message is None:
        return None
    return {"id": message.id, "message": _text(message.message)}


def _text(text: Text | TextTemplate) -> dict[str, str]:
    if isinstance(text, TextTemplate):
        text = text.text
    return text.as_dict()


def _value(value: Value | None) -> JsonValue:
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _number(number: Decimal) -> int | float:
    if number == number.to_integral_value():
        return int(number)
    as_float = float(number)
    if Decimal(repr(as_float)) != number:
        raise ValueError(f"{number} has too many digits to travel as a JSON number")
    return as_float


def _without_none(data: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {key: value for key, value in data.items() if value is not None and key != "-"}
