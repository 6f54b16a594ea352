"""The evaluation function: input handling, order independence and what blocks ordering."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalogue.definition import ProductDefinition, Severity
from configurator.engine import evaluate
from tests.catalogue.demo import demo_catalogue


def fx100() -> ProductDefinition:
    return demo_catalogue().product("FX100")


def ids_on(values: dict[str, object], field: str) -> list[str]:
    evaluation = evaluate(fx100(), {"width_mm": "2130", "height_mm": "2480", **values})
    return [message.id for message in evaluation.messages_by_field.get(field, ())]


def test_worked_example_costs_1435_with_a_10_nm_motor() -> None:
    evaluation = evaluate(
        fx100(),
        {"width_mm": "2130", "height_mm": "2480", "drive": "motor_io", "control": "ctl_io_1ch", "sensors": ["wind_io"]},
    )
    assert evaluation.net_total == Decimal("1435.00")
    assert [line.amount for line in evaluation.price_lines] == [Decimal(975), Decimal(245), Decimal(55), Decimal(160)]
    assert evaluation.derived["motor_torque_nm"] == Decimal("5.35")
    assert evaluation.derived["motor_class_nm"] == Decimal(10)
    guide = next(line for line in evaluation.components if line.code == "DX-FX10-GDR-S045-C7016")
    assert (guide.quantity, guide.unit, guide.cut_mm) == (Decimal(2), "mm", 2375)  # the spec's BOM line example
    assert evaluation.is_orderable(set())


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2130", Decimal(2130)),
        ("2 130", Decimal(2130)),
        ("2\u00a0130", Decimal(2130)),
        (" 2130 ", Decimal(2130)),
        (2130, Decimal(2130)),
    ],
)
def test_whole_millimetres_accept_thousands_spaces(raw: object, value: Decimal) -> None:
    assert evaluate(fx100(), {"width_mm": raw, "height_mm": "2480"}).values["width_mm"] == value


@pytest.mark.parametrize(
    ("raw", "message_id", "english"),
    [
        ("2 130,5", "INPUT-WHOLE", "Enter whole millimetres, without decimals (for example 2130)."),
        ("2130.5", "INPUT-WHOLE", "Enter whole millimetres, without decimals (for example 2130)."),
        ("2.130", "INPUT-WHOLE", "Enter whole millimetres, without decimals (for example 2130)."),
        ("abc", "INPUT-NUMBER", "Enter a number, for example 2130."),
        ("2e3", "INPUT-NUMBER", "Enter a number, for example 2130."),
        ("21 30", "INPUT-NUMBER", "Enter a number, for example 2130."),
        ("-2130", "FX100-E001", "Outside the production range: enter 600 to 5000 mm."),
        ("99999999999999999999", "FX100-E001", "Outside the production range: enter 600 to 5000 mm."),
        ("", "INPUT-REQUIRED", "Required: enter a value."),
    ],
)
def test_bad_dimensions_get_a_clear_message_on_their_field(raw: str, message_id: str, english: str) -> None:
    evaluation = evaluate(fx100(), {"width_mm": raw, "height_mm": "2480"})
    (message,) = evaluation.messages_by_field["width_mm"]
    assert (message.id, message.severity, message.text.en) == (message_id, Severity.ERROR, english)
    assert "width_mm" not in evaluation.values
    assert evaluation.net_total is None and evaluation.components == ()
    assert not evaluation.is_orderable(set())


def test_messages_come_in_four_languages_with_french_spacing() -> None:
    evaluation = evaluate(fx100(), {"width_mm": "7000", "height_mm": "2480"})
    (message,) = evaluation.messages_by_field["width_mm"]
    assert message.text.fr == "Hors des dimensions de fabrication\u00a0: saisissez de 600 à 5000 mm."
    assert message.text.nl == "Buiten het productiebereik: geef 600 tot 5000 mm in."
    assert message.text.de == "Außerhalb des Fertigungsbereichs: bitte 600 bis 5000 mm eingeben."


def test_decimal_parameters_accept_a_decimal_comma() -> None:
    invv = demo_catalogue().product("INVV")
    evaluation = evaluate(invv, {"length_mm": "1000", "frame_width_mm": "1200", "floor_area_m2": "12,5"})
    assert evaluation.values["floor_area_m2"] == Decimal("12.5")
    assert evaluation.derived["required_m3h"] == Decimal("45.00")


def test_an_option_the_product_does_not_offer_is_flagged_on_its_field() -> None:
    assert ids_on({"colour_ral": "RAL 1234"}, "colour_ral") == ["G-E006"]
    assert ids_on({"fabric": "S999"}, "fabric") == ["INPUT-OPTION"]
    fx150 = demo_catalogue().product("FX150")
    evaluation = evaluate(fx150, {"width_mm": "2000", "height_mm": "2000", "drive": "crank"})
    assert [message.id for message in evaluation.messages_by_field["drive"]] == ["INPUT-OPTION"]


def test_a_choice_made_invalid_by_another_choice_is_flagged_not_reset() -> None:
    # The dealer picks a fabric colour, then changes the fabric: the colour no longer fits.
    evaluation = evaluate(
        fx100(), {"width_mm": "2130", "height_mm": "2480", "fabric": "S092", "fabric_colour": "S086-0210"}
    )
    assert [message.id for message in evaluation.messages_by_field["fabric_colour"]] == ["INPUT-UNAVAILABLE"]
    assert evaluation.available_options["fabric_colour"] == ("S092-0110", "S092-2047")
    assert evaluation.components == ()
    assert not evaluation.is_orderable(set())


def test_order_of_the_values_does_not_change_the_result() -> None:
    values = {"width_mm": "3000", "height_mm": "2000", "drive": "crank", "control": "ctl_none", "sensors": ["sun_io"]}
    forwards = evaluate(fx100(), values)
    backwards = evaluate(fx100(), dict(reversed(list(values.items()))))
    assert forwards == backwards
    assert {message.id for message in forwards.messages} >= {"FX100-E003", "G-E003"}


def test_fixing_the_cause_clears_the_error_whatever_field_changes() -> None:
    crank = {"width_mm": "3000", "height_mm": "2000", "drive": "crank", "control": "ctl_none"}
    assert "FX100-E003" in [message.id for message in evaluate(fx100(), crank).messages]
    narrower = evaluate(fx100(), {**crank, "width_mm": "2400"})
    motor = evaluate(fx100(), {**crank, "drive": "motor_io", "control": "ctl_io_1ch"})
    assert "FX100-E003" not in [message.id for message in narrower.messages]
    assert "FX100-E003" not in [message.id for message in motor.messages]


def test_warnings_must_be_acknowledged_before_ordering() -> None:
    evaluation = evaluate(fx100(), {"width_mm": "2130", "height_mm": "2480", "colour_ral": "RAL 3004"})
    assert evaluation.warnings == ("G-W005", "G-W006")
    assert not evaluation.has_errors
    assert not evaluation.is_orderable({"G-W005"})
    assert evaluation.is_orderable({"G-W005", "G-W006"})


def test_discount_is_taken_off_the_gross_and_rounded_half_up() -> None:
    evaluation = evaluate(
        fx100(), {"width_mm": "2130", "height_mm": "2480", "sensors": ["wind_io"]}, discount_percent=Decimal("12.5")
    )
    assert (evaluation.gross_total, evaluation.discount_amount, evaluation.net_total) == (
        Decimal("1435.00"),
        Decimal("179.38"),
        Decimal("1255.62"),
    )


def test_unknown_fields_in_the_input_are_ignored() -> None:
    plain = evaluate(fx100(), {"width_mm": "2130", "height_mm": "2480"})
    tampered = evaluate(fx100(), {"width_mm": "2130", "height_mm": "2480", "net_total": "1", "price": "0"})
    assert tampered == plain


def test_loggia_reads_its_roof_from_the_context() -> None:
    logg = demo_catalogue().product("LOGG")
    alone = evaluate(logg, {"height_mm": "2500"})
    assert [message.id for message in alone.messages] == ["LOGG-E003"]
    attached = evaluate(
        logg,
        {"height_mm": "2500", "side": "E"},
        context={"parent_product": "CAMG", "parent_width_mm": 6000, "parent_projection_mm": 3000},
    )
    assert attached.derived["opening_width_mm"] == Decimal(2700)
    assert attached.derived["panel_count"] == Decimal(3)
    assert attached.net_total is not None and not attached.has_errors


def test_wrong_context_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="parent_width_mm"):
        evaluate(demo_catalogue().product("LOGG"), {}, context={"parent_width_mm": "wide"})


def test_evaluation_snapshot_is_json_ready() -> None:
    import json

    snapshot = evaluate(fx100(), {"width_mm": "2130", "height_mm": "2480"}).as_json()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["net_total"] == "1275.00"
    assert snapshot["values"]["width_mm"] == "2130"
