"""The catalogue loader refuses broken files with ``file:line: field: message`` lines."""

from __future__ import annotations

import textwrap

import pytest

from catalogue.schema import CatalogueError, parse_catalogue

# A small valid catalogue; each test breaks one thing. Line numbers below count from 1.
VALID = textwrap.dedent(
    """\
    format: 1
    groups:
      - code: screens
        name: {fr: Screens, nl: Screens, de: Screens, en: Screens}
        products:
          - code: FX
            name: {fr: FX, nl: FX, de: FX, en: FX}
            family_digit: 1
            max_area_m2: 1
            parameters:
              - key: width_mm
                kind: dimension
                label: {fr: Largeur, nl: Breedte, de: Breite, en: Width}
                min: 500
                max: 2000
              - key: height_mm
                kind: dimension
                label: {fr: Hauteur, nl: Hoogte, de: Höhe, en: Height}
                min: 500
                max: 2000
              - key: drive
                kind: choice
                label: {fr: Entraînement, nl: Bediening, de: Antrieb, en: Drive}
                options: [crank, motor]
                default: motor
            rules:
              - id: FX-E001
                severity: error
                when: "drive == 'crank' and width_mm > 1500"
                fields: [drive]
                message: {fr: Trop large, nl: Te breed, de: Zu breit, en: Too wide}
            pricing:
              grid:
                label: {fr: Base, nl: Basis, de: Basis, en: Base}
                x: width_mm
                y: height_mm
                x_steps: [1000, 2000]
                y_steps: [1000, 2000]
                cells:
                  - [100, 200]
                  - [200, null]
            components:
              - {code: "DX-FX00-CAS-{width_mm}", description: {fr: C, nl: C, de: C, en: C}, unit: mm, cut_mm: width_mm}
    """
)


def errors_of(text: str) -> list[str]:
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(text, "test.yaml")
    lines = str(refused.value).splitlines()
    assert lines == [str(problem) for problem in refused.value.errors]
    return lines


def test_the_valid_catalogue_loads_with_its_hash() -> None:
    catalogue = parse_catalogue(VALID, "test.yaml")
    assert [product.code for product in catalogue.products] == ["FX"]
    assert len(catalogue.content_hash) == 64
    assert parse_catalogue(VALID, "other.yaml").content_hash == catalogue.content_hash


def test_content_hash_changes_with_the_content() -> None:
    changed = VALID.replace("[100, 200]", "[105, 200]")
    assert parse_catalogue(changed, "test.yaml").content_hash != parse_catalogue(VALID, "test.yaml").content_hash


def test_yaml_syntax_error_names_file_and_line() -> None:
    broken = VALID.replace("    products:\n", "    products: [\n", 1)
    (error,) = errors_of(broken)
    assert error.startswith("test.yaml:")
    assert ": (syntax): YAML syntax error: " in error


def test_unknown_field_is_refused_with_its_line_and_path() -> None:
    broken = VALID.replace("            min: 500\n", "            min: 500\n            colour: red\n", 1)
    assert errors_of(broken) == [
        "test.yaml:15: FX.parameters.width_mm.colour: unknown field; expected one of: key, kind, label, help, "
        "unit, min, max, step, default, options, exclude, required, limit, invalid"
    ]


def test_expression_naming_an_unknown_parameter_is_refused() -> None:
    broken = VALID.replace("width_mm > 1500", "widht_mm > 1500")
    assert errors_of(broken) == [
        "test.yaml:29: FX.rules.FX-E001.when: unknown name 'widht_mm' (did you mean 'width_mm'?) (column 22)"
    ]


def test_expression_type_error_is_refused() -> None:
    broken = VALID.replace("width_mm > 1500", "width_mm > 'wide'")
    assert errors_of(broken) == [
        "test.yaml:29: FX.rules.FX-E001.when: '>' needs numbers, got number and string (column 22)"
    ]


def test_price_grid_hole_where_the_limits_allow_a_size_is_refused() -> None:
    # 2000 × 2000 mm would be allowed without the 4 m² area limit: sizes from 1001 × 1001 round into it.
    broken = VALID.replace("        max_area_m2: 1\n", "")
    assert errors_of(broken) == [
        "test.yaml:40: FX.pricing.grid.cells[1][1]: no price for 2000 × 2000 although the limits allow "
        "1001 × 1001 (1.002001 m²), which rounds into it"
    ]


def test_price_grid_hole_is_allowed_where_the_area_limit_excludes_every_size() -> None:
    # The valid catalogue's empty 2000 × 2000 cell: its smallest size, 1001 × 1001, exceeds 1 m².
    product = parse_catalogue(VALID, "test.yaml").products[0]
    assert product.max_area_m2 == 1
    assert product.pricing.base.cells[1][1] is None  # type: ignore[union-attr]


def test_price_grid_shape_and_steps_are_checked() -> None:
    broken = VALID.replace("x_steps: [1000, 2000]", "x_steps: [1000, 900]").replace("[100, 200]", "[100]")
    assert errors_of(broken) == [
        "test.yaml:37: FX.pricing.grid.x_steps: steps must increase strictly: 900 follows 1000"
    ]
    short = VALID.replace("[100, 200]", "[100]")
    assert errors_of(short) == ["test.yaml:40: FX.pricing.grid.cells[0]: expected 2 cells (one per x step), got 1"]


def test_limit_beyond_the_last_step_is_refused() -> None:
    broken = VALID.replace(
        "            max: 2000\n          - key: height_mm", "            max: 2500\n          - key: height_mm"
    )
    assert errors_of(broken) == [
        "test.yaml:37: FX.pricing.grid.x_steps: width_mm may reach 2500 but the last step is 2000"
    ]


def test_missing_field_wrong_type_and_bad_enum_are_all_reported_together() -> None:
    broken = (
        VALID.replace("severity: error", "severity: fatal")
        .replace("        family_digit: 1\n", "        family_digit: one\n")
        .replace("    name: {fr: Screens, nl: Screens, de: Screens, en: Screens}\n", "    name: {fr: Screens}\n")
    )
    assert errors_of(broken) == [
        "test.yaml:4: screens.name: missing field 'nl'",
        "test.yaml:4: screens.name: missing field 'de'",
        "test.yaml:4: screens.name: missing field 'en'",
        "test.yaml:8: FX.family_digit: expected a number, got the text 'one'",
        "test.yaml:28: FX.rules.FX-E001.severity: 'fatal' is not one of: error, warning, info",
    ]


def test_duplicate_keys_and_ids_are_refused() -> None:
    duplicate_yaml_key = VALID.replace("            min: 500\n", "            min: 500\n            min: 600\n", 1)
    assert errors_of(duplicate_yaml_key) == ["test.yaml:15: (yaml): duplicate key 'min'"]
    duplicate_rule = VALID.replace(
        "        pricing:\n",
        "          - {id: FX-E001, severity: info, when: true, fields: [], message: {fr: a, nl: a, de: a, en: a}}\n"
        "        pricing:\n",
    )
    assert errors_of(duplicate_rule) == ["test.yaml:32: FX.rules.FX-E001.id: duplicate rule id 'FX-E001'"]


def test_unknown_rule_field_and_default_outside_the_options_are_refused() -> None:
    broken = VALID.replace("fields: [drive]", "fields: [drve]").replace("default: motor", "default: engine")
    assert errors_of(broken) == [
        "test.yaml:25: FX.parameters.drive.default: the default 'engine' is not one of the options",
        "test.yaml:30: FX.rules.FX-E001.fields: 'drve' is not a parameter or derived value of this product",
    ]


def test_norway_and_leading_zero_values_stay_text() -> None:
    text = VALID.replace("options: [crank, motor]", "options: [no, off, 0210]").replace("default: motor", "default: no")
    catalogue = parse_catalogue(text.replace("'crank'", "'no'"), "test.yaml")
    assert [option.key for option in catalogue.products[0].parameter("drive").options] == ["no", "off", "0210"]
