"""What the tab shows of an evaluation: prices in the reader's language, one-line summaries,
the values read from a form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import QueryDict

from configurator.display import money, summary
from configurator.editor import read_values
from configurator.engine import evaluate
from tests.catalogue.demo import demo_catalogue


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "1\u00a0234,50\u00a0€"),
        ("nl", "€\u00a01.234,50"),
        ("de", "1.234,50\u00a0€"),
        ("en", "€1,234.50"),
    ],
)
def test_money_follows_the_readers_language(language: str, expected: str) -> None:
    assert money(Decimal("1234.5"), language) == expected


def test_money_of_large_negative_and_missing_amounts() -> None:
    assert money(Decimal("-1234567.891"), "fr") == "-1\u00a0234\u00a0567,89\u00a0€"
    assert money("0", "en") == "€0.00"
    assert money(None, "fr") == "–"


def test_the_summary_names_sizes_then_the_telling_choices_in_each_language() -> None:
    product = demo_catalogue().product("ALGV")
    evaluation = evaluate(product, {"width_mm": "4500", "projection_mm": "3500", "colour_ral": "RAL 9005"})
    assert summary(product, evaluation.values) == {
        "fr": "4500 × 3500 mm · RAL 9005 Noir foncé",
        "nl": "4500 × 3500 mm · RAL 9005 Gitzwart",
        "de": "4500 × 3500 mm · RAL 9005 Tiefschwarz",
        "en": "4500 × 3500 mm · RAL 9005 Jet black",
    }


def test_a_form_gives_the_parameters_as_typed_and_nothing_else() -> None:
    product = demo_catalogue().product("FX100")
    data = QueryDict(mutable=True)
    data.update({"p_width_mm": " 2 130 ", "p_height_mm": "", "p_drive": "crank", "price": "1", "p_price": "1"})
    data.setlist("p_sensors", ["wind_io", "", "sun_io"])
    assert read_values(product, data) == {"width_mm": "2 130", "drive": "crank", "sensors": ["wind_io", "sun_io"]}


def test_a_check_box_is_false_unless_its_last_value_says_true() -> None:
    product = demo_catalogue().product("ALGV")
    data = QueryDict(mutable=True)
    data.setlist("p_led_blades", ["false", "true"])
    data.setlist("p_sensor_wind", ["false"])
    data.setlist("p_side_screens", [""])  # every box unticked: an empty choice, not the default
    assert read_values(product, data) == {"led_blades": True, "sensor_wind": False, "side_screens": []}
