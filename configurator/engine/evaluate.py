"""The one evaluation function: a product definition and the chosen values → everything.

Pure (no ORM, no I/O) and order-independent: every call starts from the raw values and
re-evaluates every derived value, rule, price and component on the whole state, so the
result never depends on which field the dealer changed last. Nothing a dealer types makes
it raise: a bad value becomes a message on its field.

How missing or wrong values propagate: each expression knows the names it reads. A name
is *blocked* when its value was refused, a required value is missing or the caller gave no
context for it, and *absent* when an optional value was left empty. A derived value
that reads such a name is itself blocked or absent; a rule, surcharge or component that
reads an absent name is skipped; and while anything the price or the bill of components
needs is blocked, there is no price (``gross_total`` is None) and no component list.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from catalogue.definition import Parameter, PriceGrid, ProductDefinition, Severity, Text
from catalogue.expressions import EvaluationError, Expression, Type, Value

from .inputs import REQUIRED, UNAVAILABLE, InputProblem, is_missing, normalise
from .pricing import base_names, money, price, surcharge_names
from .results import ComponentLine, Evaluation, Message, PriceLine

NOT_PRODUCED = Text(
    "Dimensions non fabriquées\u00a0: réduisez la largeur ou la hauteur.",
    "Deze maat wordt niet gemaakt: verklein de breedte of de hoogte.",
    "Diese Größe wird nicht gefertigt: bitte Breite oder Höhe verringern.",
    "This size is not produced: reduce the width or the height.",
)
CANNOT_CALCULATE = Text(
    "Calcul impossible pour cette configuration\u00a0: contactez votre interlocuteur.",
    "Deze configuratie kan niet berekend worden: neem contact op met uw contactpersoon.",
    "Diese Konfiguration kann nicht berechnet werden: bitte Ansprechpartner kontaktieren.",
    "This configuration cannot be calculated: contact your account manager.",
)


def evaluate(
    product: ProductDefinition,
    raw_values: Mapping[str, object],
    *,
    discount_percent: Decimal = Decimal(0),
    context: Mapping[str, object] | None = None,
) -> Evaluation:
    """Evaluate one configured piece of ``product``.

    ``raw_values`` maps parameter keys to what the form sent (text, numbers, lists for
    multi-choices); unknown keys are ignored and missing ones take their default.
    ``context`` supplies the product's declared context names (see the catalogue file:
    the parent pergola of a Loggia line, the family and warranty state of a spare part).
    ``discount_percent`` is the customer's discount on the gross price.
    """
    run = _Run(product)
    run.read_context(context or {})
    run.read_parameters(raw_values)
    run.check_option_conditions()
    run.compute_derived()
    run.apply_rules()
    price_lines, gross = run.compute_price()
    components = run.compute_components()
    discount_amount = net = None
    if gross is not None:
        discount_amount = money(gross * discount_percent / 100)
        net = gross - discount_amount
    return Evaluation(
        product=product.code,
        values=run.values,
        derived=run.derived,
        messages=tuple(run.messages),
        price_lines=price_lines,
        gross_total=gross,
        discount_percent=discount_percent,
        discount_amount=discount_amount,
        net_total=net,
        components=components,
        available_options=run.available,
    )


class _Run:
    """The state of one evaluation (kept out of the definition, which is shared and frozen)."""

    def __init__(self, product: ProductDefinition) -> None:
        self.product = product
        self.env: dict[str, Value] = dict(product.lists)
        if product.max_area_m2 is not None:
            self.env["max_area_m2"] = product.max_area_m2
        self.blocked: set[str] = set()
        self.absent: set[str] = set()
        self.values: dict[str, Value] = {}
        self.derived: dict[str, Value] = {}
        self.messages: list[Message] = []
        self.available: dict[str, tuple[str, ...]] = {}
        self.failed = False

    # --- helpers ---------------------------------------------------------------------------

    def ready(self, names: frozenset[str]) -> bool:
        return names.isdisjoint(self.blocked) and names.isdisjoint(self.absent)

    def fail(self, names: set[str] | frozenset[str]) -> None:
        """An expression the catalogue did not foresee failed (say, a division by zero)."""
        self.blocked |= names
        if not self.failed:
            self.failed = True
            self.messages.append(Message("EVAL-FAILED", Severity.ERROR, (), CANNOT_CALCULATE))

    def set_unavailable(self, parameter: Parameter, target: set[str]) -> None:
        target.add(parameter.key)
        target.update(f"{parameter.key}_{name}" for name in parameter.data_types)

    def set_value(self, parameter: Parameter, value: Value) -> None:
        self.env[parameter.key] = value
        self.values[parameter.key] = value
        data_types = parameter.data_types
        if not data_types:
            return
        if isinstance(value, str):
            option = parameter.option(value)
            assert option is not None
            for name, data in option.data.items():
                self.env[f"{parameter.key}_{name}"] = data
        elif isinstance(value, tuple):
            for name, data_type in data_types.items():
                if data_type is Type.STRING:
                    chosen = (parameter.option(key) for key in value)
                    self.env[f"{parameter.key}_{name}"] = tuple(
                        str(option.data[name]) for option in chosen if option is not None
                    )

    # --- steps -----------------------------------------------------------------------------

    def read_context(self, context: Mapping[str, object]) -> None:
        for entry in self.product.context:
            raw = context.get(entry.key)
            value = _context_value(entry.key, entry.type, raw) if raw is not None else entry.default
            if value is None:
                # Not optional: without it there is nothing sound to price or cut.
                self.blocked.add(entry.key)
            else:
                self.env[entry.key] = value

    def read_parameters(self, raw_values: Mapping[str, object]) -> None:
        for parameter in self.product.parameters:
            raw = raw_values.get(parameter.key)
            if is_missing(raw):
                if parameter.default is not None:
                    self.set_value(parameter, parameter.default)
                elif parameter.required:
                    self.set_unavailable(parameter, self.blocked)
                    problem = InputProblem("INPUT-REQUIRED", REQUIRED)
                    self.messages.append(Message(problem.id, Severity.ERROR, (parameter.key,), problem.text()))
                else:
                    self.set_unavailable(parameter, self.absent)
                continue
            try:
                value = normalise(parameter, raw)
            except InputProblem as problem:
                self.set_unavailable(parameter, self.blocked)
                self.messages.append(Message(problem.id, Severity.ERROR, (parameter.key,), problem.text()))
                continue
            self.set_value(parameter, value)

    def check_option_conditions(self) -> None:
        """Options offered only with some other choices (a fabric colour of its fabric)."""
        for parameter in self.product.parameters:
            if not any(option.when is not None for option in parameter.options):
                continue
            offered: list[str] = []
            for option in parameter.options:
                when = option.when
                if when is None or (self.ready(when.names) and self._true(when)):
                    offered.append(option.key)
            self.available[parameter.key] = tuple(offered)
            value = self.env.get(parameter.key)
            chosen = (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ()
            refused = [key for key in chosen if key not in offered]
            if refused and parameter.key not in self.blocked:
                # Reported on the field, never reset: the dealer sees what they chose and why not.
                self.values.pop(parameter.key, None)
                self.env.pop(parameter.key, None)
                self.set_unavailable(parameter, self.blocked)
                text = UNAVAILABLE.render({"value": refused[0]})
                self.messages.append(Message("INPUT-UNAVAILABLE", Severity.ERROR, (parameter.key,), text))

    def _true(self, expression: Expression) -> bool:
        try:
            return bool(expression.evaluate(self.env))
        except EvaluationError:
            self.fail(expression.names)
            return False

    def compute_derived(self) -> None:
        for item in self.product.derived:
            names = item.expression.names
            if not names.isdisjoint(self.blocked):
                self.blocked.add(item.key)
                continue
            if not names.isdisjoint(self.absent):
                self.absent.add(item.key)
                continue
            try:
                value = item.expression.evaluate(self.env)
            except EvaluationError:
                self.fail({item.key})
                continue
            self.env[item.key] = value
            self.derived[item.key] = value

    def apply_rules(self) -> None:
        for rule in self.product.rules:
            if not self.ready(rule.condition.names | rule.message.names):
                continue
            try:
                if not rule.condition.evaluate(self.env):
                    continue
                text = rule.message.render(self.env)
            except EvaluationError:
                self.fail(set())
                continue
            self.messages.append(Message(rule.id, rule.severity, rule.fields, text))

    def compute_price(self) -> tuple[tuple[PriceLine, ...], Decimal | None]:
        pricing = self.product.pricing
        if not self.ready(base_names(pricing)):
            return (), None
        surcharges = []
        for surcharge in pricing.surcharges:
            names = surcharge_names(surcharge)
            if not names.isdisjoint(self.blocked):
                return (), None
            if names.isdisjoint(self.absent):
                surcharges.append(surcharge)
        try:
            result = price(pricing, tuple(surcharges), self.env)
        except EvaluationError:
            self.fail(set())
            return (), None
        if result.total is None:
            base = pricing.base
            fields = (base.x, base.y) if isinstance(base, PriceGrid) else ()
            self.messages.append(Message("PRICE-NOT-PRODUCED", Severity.ERROR, fields, NOT_PRODUCED))
            return (), None
        return result.lines, result.total

    def compute_components(self) -> tuple[ComponentLine, ...]:
        lines: list[ComponentLine] = []
        for component in self.product.components:
            names = component.code.names | component.quantity.names
            for extra in (component.cut_mm, component.when):
                if extra is not None:
                    names |= extra.names
            if not names.isdisjoint(self.blocked):
                return ()  # half a bill of components would be worse than none
            if not names.isdisjoint(self.absent):
                continue
            try:
                if component.when is not None and not component.when.evaluate(self.env):
                    continue
                quantity = component.quantity.evaluate(self.env)
                assert isinstance(quantity, Decimal)
                if quantity <= 0:
                    continue
                cut = component.cut_mm.evaluate(self.env) if component.cut_mm is not None else None
                code = component.code.render(self.env)
            except EvaluationError:
                self.fail(set())
                return ()
            cut_mm = int(cut.to_integral_value(rounding=ROUND_HALF_UP)) if isinstance(cut, Decimal) else None
            lines.append(ComponentLine(code, component.description, _plain(quantity), component.unit, cut_mm))
        return tuple(lines)


def _plain(number: Decimal) -> Decimal:
    """3 rather than 3.00 or 3E+1; 5.89 stays 5.89."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _context_value(key: str, expected: Type, raw: object) -> Value:
    """The caller's context value in the engine's types; a wrong type is a programming error."""
    if expected is Type.NUMBER and isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return raw if isinstance(raw, Decimal) else Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if expected is Type.STRING and isinstance(raw, str):
        return raw
    if expected is Type.BOOLEAN and isinstance(raw, bool):
        return raw
    if expected is Type.STRING_LIST and isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise TypeError(f"context value {key!r} must be a {expected}, got {raw!r}")
