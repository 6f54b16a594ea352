"""Property tests of the engine over every product of the demo catalogue.

* every configuration inside a product's limits evaluates with a price, components and no
  limit error;
* every configuration with one number outside its limits gets the limit error on that field;
* evaluation is deterministic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalogue.definition import Kind, Parameter, ProductDefinition
from configurator.engine import Evaluation, evaluate
from tests.catalogue.demo import demo_catalogue

PRODUCTS = [product.code for product in demo_catalogue().products]
# What the caller supplies for products that read the rest of the order.
CONTEXTS: dict[str, dict[str, object]] = {
    "LOGG": {"parent_product": "ALGV", "parent_width_mm": 6000, "parent_projection_mm": 4500},
    "SRV": {"family": "FX100", "in_warranty": True, "pieces": 3, "cut_pieces": 1},
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def number_in_limits(parameter: Parameter) -> st.SearchStrategy[str]:
    assert parameter.minimum is not None and parameter.maximum is not None
    step = parameter.step or Decimal(1)
    count = int((parameter.maximum - parameter.minimum) / step)
    return st.integers(0, count).map(lambda index: str(parameter.minimum + index * step))  # type: ignore[operator]


def value_in_limits(parameter: Parameter) -> st.SearchStrategy[Any]:
    if parameter.kind.is_number:
        return number_in_limits(parameter)
    if parameter.kind is Kind.BOOLEAN:
        return st.booleans()
    keys = [option.key for option in parameter.options]
    if parameter.kind is Kind.MULTICHOICE:
        return st.lists(st.sampled_from(keys), unique=True, max_size=3)
    return st.sampled_from(keys)


@st.composite
def configuration(draw: st.DrawFn, product: ProductDefinition) -> dict[str, Any]:
    return {parameter.key: draw(value_in_limits(parameter)) for parameter in product.parameters}


def consistent(product: ProductDefinition, values: dict[str, Any]) -> tuple[dict[str, Any], Evaluation]:
    """Replace choices that other choices rule out (a colour of another fabric) with one offered."""
    evaluation = evaluate(product, values, context=CONTEXTS.get(product.code))
    for key, offered in evaluation.available_options.items():
        chosen = values.get(key)
        if isinstance(chosen, str) and chosen not in offered:
            values = {**values, key: offered[0]}
            evaluation = evaluate(product, values, context=CONTEXTS.get(product.code))
    return values, evaluation


def limit_ids(product: ProductDefinition) -> set[str]:
    return {"INPUT-LIMIT"} | {parameter.limit.id for parameter in product.parameters if parameter.limit}


@pytest.mark.parametrize("code", PRODUCTS)
def test_every_configuration_inside_the_limits_is_priced_with_components(code: str) -> None:
    product = demo_catalogue().product(code)

    @SETTINGS
    @given(configuration(product))
    def check(values: dict[str, Any]) -> None:
        values, evaluation = consistent(product, values)
        if product.max_area_m2 is not None:
            assume(evaluation.derived["area_m2"] <= product.max_area_m2)  # type: ignore[operator]
        ids = {message.id for message in evaluation.messages}
        assert not ids & limit_ids(product)
        assert not {message_id for message_id in ids if message_id.startswith("INPUT-")}
        assert evaluation.net_total is not None and evaluation.net_total >= 0
        assert evaluation.price_lines
        # A « Service » line's parts are chosen among the original item's components, not derived here.
        assert evaluation.components or product.is_service

    check()


def numbers(product: ProductDefinition) -> list[Parameter]:
    return [parameter for parameter in product.parameters if parameter.kind.is_number]


@pytest.mark.parametrize("code", [code for code in PRODUCTS if numbers(demo_catalogue().product(code))])
def test_a_number_outside_its_limits_gets_the_limit_error_on_its_field(code: str) -> None:
    product = demo_catalogue().product(code)
    parameters = numbers(product)

    @SETTINGS
    @given(
        configuration(product),
        st.sampled_from(parameters),
        st.booleans(),
        st.integers(1, 10**12),
    )
    def check(values: dict[str, Any], parameter: Parameter, below: bool, distance: int) -> None:
        assert parameter.minimum is not None and parameter.maximum is not None
        step = parameter.step or Decimal(1)
        wrong = parameter.minimum - distance * step if below else parameter.maximum + distance * step
        evaluation = evaluate(product, {**values, parameter.key: str(wrong)}, context=CONTEXTS.get(code))
        on_field = evaluation.messages_by_field.get(parameter.key, ())
        expected_id = parameter.limit.id if parameter.limit else "INPUT-LIMIT"
        assert [(message.id, message.severity.value) for message in on_field if message.id == expected_id] == [
            (expected_id, "error")
        ]
        assert parameter.key not in evaluation.values
        assert not evaluation.is_orderable(set(evaluation.warnings))

    check()


@pytest.mark.parametrize("code", PRODUCTS)
def test_evaluation_is_deterministic(code: str) -> None:
    product = demo_catalogue().product(code)

    @SETTINGS
    @given(configuration(product))
    def check(values: dict[str, Any]) -> None:
        first = evaluate(product, values, context=CONTEXTS.get(code))
        again = evaluate(product, dict(reversed(list(values.items()))), context=CONTEXTS.get(code))
        assert first == again
        assert first.as_json() == again.as_json()

    check()
