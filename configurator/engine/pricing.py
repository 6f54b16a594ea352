"""The price of one configured piece: the base price and its surcharges, in exact euros.

Each line is rounded to the cent (half up) as it is shown; the total is the sum of the
lines shown, so the dealer can add them up and find the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from catalogue.definition import ItemPrice, PriceGrid, Pricing, StepPrice, Surcharge, SurchargeKind
from catalogue.expressions import Env

from .results import PriceLine

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


@dataclass(frozen=True)
class PriceResult:
    lines: tuple[PriceLine, ...]
    total: Decimal | None  # None: a size the grid does not produce


def base_names(pricing: Pricing) -> frozenset[str]:
    base = pricing.base
    if isinstance(base, PriceGrid):
        return base.label.names | {base.x, base.y}
    if isinstance(base, StepPrice):
        return base.label.names | {base.param}
    return base.label.names | base.amount.names | base.quantity.names


def surcharge_names(surcharge: Surcharge) -> frozenset[str]:
    names = surcharge.label.names | surcharge.amount.names
    if surcharge.when is not None:
        names |= surcharge.when.names
    if surcharge.measure is not None:
        names |= surcharge.measure.names
    return names


def base_amount(pricing: Pricing, env: Env) -> Decimal | None:
    base = pricing.base
    if isinstance(base, PriceGrid):
        found = base.lookup(_number(env[base.x]), _number(env[base.y]))
        return None if found is None else found[0]
    if isinstance(base, StepPrice):
        started = (_number(env[base.param]) / base.step).to_integral_value(rounding=ROUND_CEILING)
        return started * base.amount
    assert isinstance(base, ItemPrice)
    return _number(base.amount.evaluate(env)) * _number(base.quantity.evaluate(env))


def surcharge_amount(surcharge: Surcharge, base: Decimal, env: Env) -> Decimal:
    amount = _number(surcharge.amount.evaluate(env))
    measure = _number(surcharge.measure.evaluate(env)) if surcharge.measure is not None else Decimal(1)
    kind = surcharge.kind
    if kind is SurchargeKind.FIXED or kind is SurchargeKind.PER_M2:
        return amount * measure
    if kind is SurchargeKind.PER_METRE:
        return amount * measure / THOUSAND
    if kind is SurchargeKind.PER_STARTED_METRE:
        return amount * (measure / THOUSAND).to_integral_value(rounding=ROUND_CEILING)
    percent = base * amount / 100
    if surcharge.minimum is not None:
        percent = max(percent, surcharge.minimum)
    return percent


def price(pricing: Pricing, surcharges: tuple[Surcharge, ...], env: Env) -> PriceResult:
    """Price with the surcharges that apply (those whose names are all known: the caller's job)."""
    base = base_amount(pricing, env)
    if base is None:
        return PriceResult((), None)
    lines = [PriceLine(pricing.base.label.render(env), money(base))]
    for surcharge in surcharges:
        if surcharge.when is not None and not surcharge.when.evaluate(env):
            continue
        amount = money(surcharge_amount(surcharge, base, env))
        if amount:
            lines.append(PriceLine(surcharge.label.render(env), amount))
    return PriceResult(tuple(lines), sum((line.amount for line in lines), Decimal("0.00")))
