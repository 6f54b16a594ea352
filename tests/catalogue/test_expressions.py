"""The catalogue's expression language: what it accepts, computes and refuses (with where)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalogue.expressions import (
    EvaluationError,
    ExpressionError,
    Type,
    compile_expression,
    compile_template,
)

NAMES = {
    "width_mm": Type.NUMBER,
    "height_mm": Type.NUMBER,
    "drive": Type.STRING,
    "sensors": Type.STRING_LIST,
    "motorised": Type.BOOLEAN,
    "colour_ral": Type.STRING,
}
ENV = {
    "width_mm": Decimal(2130),
    "height_mm": Decimal(2480),
    "drive": "crank",
    "sensors": ("wind_io", "sun_io"),
    "motorised": False,
    "colour_ral": "RAL 7016",
}


@pytest.mark.parametrize(
    ("source", "expected_type", "expected"),
    [
        ("2130 + 0.5", Type.NUMBER, Decimal("2130.5")),
        ("width_mm - 4", Type.NUMBER, Decimal(2126)),
        ("width_mm * height_mm / 1000000", Type.NUMBER, Decimal("5.2824")),
        ("0.1 + 0.2 == 0.3", Type.BOOLEAN, True),  # exact decimals, not floats
        ("-7 // 2", Type.NUMBER, Decimal(-4)),  # floor division, as in Python
        ("-7 % 2", Type.NUMBER, Decimal(1)),
        ("-width_mm", Type.NUMBER, Decimal(-2130)),
        ("width_mm > 2500 or drive == 'crank'", Type.BOOLEAN, True),
        ("width_mm > 2500 and drive == 'crank'", Type.BOOLEAN, False),
        ("not motorised", Type.BOOLEAN, True),
        ("600 <= width_mm <= 5000", Type.BOOLEAN, True),
        ("600 <= width_mm <= 2000", Type.BOOLEAN, False),
        ("width_mm != height_mm", Type.BOOLEAN, True),
        ("drive in ['crank', 'motor_io']", Type.BOOLEAN, True),
        ("drive not in ('crank',)", Type.BOOLEAN, False),
        ("width_mm in {2130, 2500}", Type.BOOLEAN, True),
        ("'wind_io' in sensors", Type.BOOLEAN, True),
        ("'rain_io' not in sensors", Type.BOOLEAN, True),
        ("10 if width_mm < 2000 else 15", Type.NUMBER, Decimal(15)),
        ("min(width_mm, 3000, 1000)", Type.NUMBER, Decimal(1000)),
        ("max(width_mm, height_mm)", Type.NUMBER, Decimal(2480)),
        ("abs(-3.5)", Type.NUMBER, Decimal("3.5")),
        ("ceil(width_mm / 100)", Type.NUMBER, Decimal(22)),
        ("floor(width_mm / 100)", Type.NUMBER, Decimal(21)),
        ("round(2.5)", Type.NUMBER, Decimal(3)),  # half up, like prices
        ("round(31.1979, 1)", Type.NUMBER, Decimal("31.2")),
        ("len(sensors)", Type.NUMBER, Decimal(2)),
        ("sqrt(16)", Type.NUMBER, Decimal(4)),
        ("log10(1000)", Type.NUMBER, Decimal(3)),
        ("digits(colour_ral)", Type.STRING, "7016"),
        ("True", Type.BOOLEAN, True),
    ],
)
def test_allowed_constructs_compute_exact_values(source: str, expected_type: Type, expected: object) -> None:
    expression = compile_expression(source, NAMES)
    assert expression.type is expected_type
    assert expression.evaluate(ENV) == expected


def test_expression_records_the_names_it_reads() -> None:
    expression = compile_expression("width_mm > 2500 and drive == 'crank'", NAMES)
    assert expression.names == {"width_mm", "drive"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("width_mm.real", "attribute access (.) is not allowed (column 1)"),
        ("sensors[0]", "subscripts ([...]) are not allowed (column 1)"),
        ("lambda: 1", "lambda is not allowed (column 1)"),
        ("[s for s in sensors]", "comprehensions are not allowed (column 1)"),
        (
            "__import__('os')",
            "unknown function '__import__'; allowed: abs, ceil, digits, floor, len, log10, max, min, round, sqrt"
            " (column 1)",
        ),
        (
            "pow(2, 3)",
            "unknown function 'pow'; allowed: abs, ceil, digits, floor, len, log10, max, min, round, sqrt (column 1)",
        ),
        ("widht_mm > 600", "unknown name 'widht_mm' (did you mean 'width_mm'?) (column 1)"),
        ("width_mm > zzz", "unknown name 'zzz' (column 12)"),
        ("width_mm > drive", "'>' needs numbers, got number and string (column 1)"),
        ("width_mm == drive", "'==' compares values of the same type, got number and string (column 1)"),
        ("width_mm and motorised", "'and' needs a boolean, got a number (column 1)"),
        ("motorised or 1", "'or' needs a boolean, got a number (column 14)"),
        ("drive + drive", "'+' needs numbers, got string and string (column 1)"),
        ("not width_mm", "'not' needs a boolean, got a number (column 5)"),
        ("1 if width_mm else 2", "the condition of 'if' needs a boolean, got a number (column 6)"),
        ("1 if motorised else 'x'", "both branches of 'if' must have the same type, got number and string (column 1)"),
        ("width_mm in sensors", "'in' looks for a number in a list of strings (column 13)"),
        ("drive in drive", "'in' needs a list on its right, got a string (column 10)"),
        ("drive in [drive]", "the list after 'in' may only hold literal values (column 11)"),
        ("len(width_mm)", "'len' needs a list or a string, got a number (column 1)"),
        ("round(width_mm, height_mm)", "the decimals of 'round' must be a whole number written out (column 17)"),
        ("{'a': 1}", "dictionaries are not allowed (column 1)"),
        ("None", "the constant None is not allowed (column 1)"),
        ("(x := 1)", "assignment (:=) is not allowed (column 2)"),
        ("width_mm ** 2", "the operator Pow is not allowed (column 1)"),
        ("", "the expression is empty (column 1)"),
    ],
)
def test_refused_constructs_name_the_problem_and_column(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as refused:
        compile_expression(source, NAMES)
    assert str(refused.value) == message


def test_syntax_error_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match=r"^syntax error: "):
        compile_expression("width_mm >", NAMES)


def test_expected_type_is_checked_at_compile_time() -> None:
    with pytest.raises(ExpressionError) as refused:
        compile_expression("width_mm - 4", NAMES, expected=Type.BOOLEAN)
    assert str(refused.value) == "expected a boolean, got a number (column 1)"


def test_column_counts_characters_not_bytes() -> None:
    with pytest.raises(ExpressionError) as refused:
        compile_expression("'é' == zzz", NAMES)
    assert refused.value.column == 8


def test_division_by_zero_is_an_evaluation_error_not_a_crash() -> None:
    expression = compile_expression("width_mm / (height_mm - 2480)", NAMES)
    with pytest.raises(EvaluationError):
        expression.evaluate(ENV)


def test_template_fills_placeholders_with_expressions() -> None:
    template = compile_template("DX-FX10-CAS-S105-C{digits(colour_ral)} {{x}} {width_mm / 1000}", NAMES)
    assert template.render(ENV) == "DX-FX10-CAS-S105-C7016 {x} 2.13"
    assert template.render(ENV, decimal_separator=",") == "DX-FX10-CAS-S105-C7016 {x} 2,13"
    assert template.names == {"colour_ral", "width_mm"}


def test_template_error_column_points_into_the_template() -> None:
    with pytest.raises(ExpressionError) as refused:
        compile_template("Code {widht_mm}", NAMES)
    assert refused.value.column == 7
    with pytest.raises(ExpressionError) as unclosed:
        compile_template("Code {width_mm", NAMES)
    assert str(unclosed.value) == "a '{' without its '}' (write '{{' for a brace) (column 6)"
