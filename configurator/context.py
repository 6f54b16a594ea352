"""The context a line's product declares, filled from the dossier (pure, no ORM).

A product definition may declare context names (``catalogue/data/demo.yaml``): values it
reads from outside its own line. The Loggia's come from its roof, another line of the
same dossier: ``parent_product`` (the roof's product code) and its width and projection.
A name left out stays blocked, and the product's own rule asks for what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from catalogue.definition import ProductDefinition

# context name → the roof's value it is read from
PARENT_SIZES = {"parent_width_mm": "width_mm", "parent_projection_mm": "projection_mm"}


def takes_parent(definition: ProductDefinition) -> bool:
    """Whether lines of this product are attached to another line (a Loggia to its roof)."""
    return any(entry.key == "parent_product" for entry in definition.context)


def can_be_parent(evaluated_values: Mapping[str, Any]) -> bool:
    """A line an accessory can attach to: one with a width and a projection (a roof)."""
    return all(evaluated_values.get(source) not in (None, "") for source in PARENT_SIZES.values())


def parent_context(
    definition: ProductDefinition, parent_code: str | None, parent_values: Mapping[str, Any]
) -> dict[str, object]:
    """The context values of ``definition`` that come from the parent line, if any."""
    if not takes_parent(definition) or parent_code is None:
        return {}
    declared = {entry.key for entry in definition.context}
    context: dict[str, object] = {"parent_product": parent_code}
    for name, source in PARENT_SIZES.items():
        raw = parent_values.get(source)
        if name not in declared or raw in (None, ""):
            continue
        try:
            context[name] = Decimal(str(raw))
        except InvalidOperation:
            continue
    return context
