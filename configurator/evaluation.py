"""Evaluating a line against the catalogue as stored: the bridge between the ORM and the engine.

The engine (:mod:`configurator.engine`) is pure; this module finds the definition a line
is evaluated under (the product in the current catalogue version, compiled once per
process), the customer's discount and the line's context, and turns the evaluation into
what a line caches for the tab.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from catalogue.definition import ProductDefinition, Severity
from catalogue.expressions import Value
from catalogue.models import Product, ProductVersion

from .context import parent_context
from .display import LineDisplay, line_display
from .engine import Evaluation, evaluate

if TYPE_CHECKING:
    from accounts.models import Customer

    from .models import OrderLine


def current_product_version(product: Product | int) -> ProductVersion | None:
    """The product as the current catalogue version defines it; None when it is not in it."""
    return (
        # No ordering, no join: this runs on every live round trip of the line form.
        ProductVersion.objects.current().without_definition().filter(product=product).order_by().first()
    )


@dataclass(frozen=True)
class Evaluated:
    product_version: ProductVersion
    definition: ProductDefinition
    evaluation: Evaluation
    acknowledged: tuple[str, ...]  # the acknowledged warnings that are warnings of this evaluation

    @property
    def display(self) -> LineDisplay:
        return line_display(self.definition, self.evaluation, self.acknowledged)

    @property
    def refused_fields(self) -> tuple[str, ...]:
        """Fields whose value could not be read (not a number, out of limits, not offered, missing).

        Such a value is never stored: the dealer corrects it first. A configuration the
        rules refuse (too wide for a crank) can be saved and is refused when ordering.
        """
        values = self.evaluation.values
        return tuple(
            dict.fromkeys(
                message.fields[0]
                for message in self.evaluation.messages
                if message.severity is Severity.ERROR and len(message.fields) == 1 and message.fields[0] not in values
            )
        )


def evaluate_values(
    product_version: ProductVersion,
    values: Mapping[str, object],
    *,
    customer: Customer,
    parent: OrderLine | None = None,
    parent_values: Mapping[str, Any] | None = None,
    acknowledged: tuple[str, ...] | list[str] = (),
    context: Mapping[str, object] | None = None,
) -> Evaluated:
    """Evaluate raw ``values`` under ``product_version`` for ``customer``.

    ``parent_values`` overrides the parent line's cached values (an order evaluates a
    roof before its accessories and hands its fresh values on). ``context`` gives the
    product's other context names (a service line's item: configurator.after_sales).
    """
    definition = product_version.compiled()
    context = {
        **parent_context(
            definition,
            parent.product.code if parent is not None else None,
            parent_values if parent_values is not None else (parent.evaluated_values if parent is not None else {}),
        ),
        **(context or {}),
    }
    evaluation = evaluate(definition, values, discount_percent=customer.discount_percent, context=context)
    warnings = set(evaluation.warnings)
    return Evaluated(product_version, definition, evaluation, tuple(a for a in acknowledged if a in warnings))


def json_values(values: Mapping[str, Value]) -> dict[str, Any]:
    """Evaluated values as JSON: numbers as exact decimal strings, multi-choices as lists."""
    return {
        key: str(value) if isinstance(value, Decimal) else list(value) if isinstance(value, tuple) else value
        for key, value in values.items()
    }


def cache_on(line: OrderLine, evaluated: Evaluated) -> list[str]:
    """Put the evaluation's display data on ``line`` (not saved); returns the fields set."""
    display = evaluated.display
    line.product_version = evaluated.product_version
    line.acknowledged = list(evaluated.acknowledged)
    line.evaluated_values = json_values(evaluated.evaluation.values)
    line.unit_net_amount = evaluated.evaluation.net_total
    line.error_count = display.error_count
    line.warning_count = display.warning_count
    line.summary = display.summary
    line.messages = display.messages
    return [
        "product_version",
        "acknowledged",
        "evaluated_values",
        "unit_net_amount",
        "error_count",
        "warning_count",
        "summary",
        "messages",
    ]
