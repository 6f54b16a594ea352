"""The demo catalogue file: its data matches the specification's published figures."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from catalogue.definition import LANGUAGES, PriceGrid, Text
from catalogue.schema import definition_from_json
from catalogue.serialise import definition_to_json

from .demo import demo_catalogue


def grid(code: str) -> PriceGrid:
    base = demo_catalogue().product(code).pricing.base
    assert isinstance(base, PriceGrid)
    return base


def test_groups_and_products_of_the_demo_range() -> None:
    catalogue = demo_catalogue()
    assert [group.code for group in catalogue.groups] == ["screens", "terrace_covers", "ventilation", "service"]
    assert [(product.group, product.code) for product in catalogue.products] == [
        ("screens", "FX100"),
        ("screens", "FX150"),
        ("screens", "TPFX"),
        ("terrace_covers", "ALGV"),
        ("terrace_covers", "CAMG"),
        ("terrace_covers", "LOGG"),
        ("ventilation", "INVV"),
        ("ventilation", "HBX3"),
        ("service", "SRV"),
    ]
    assert [product.family_digit for product in catalogue.products] == [1, 2, 3, 4, 5, 6, 7, 8, None]
    assert [product.code for product in catalogue.products if product.is_service] == ["SRV"]


@pytest.mark.parametrize(
    ("code", "x", "y", "price"),
    [
        ("FX100", 750, 500, 370),
        ("FX100", 2250, 500, 590),
        ("FX100", 3750, 500, 810),
        ("FX100", 5000, 500, 995),
        ("FX100", 750, 1750, 505),
        ("FX100", 2250, 1750, 830),
        ("FX100", 3750, 1750, 1155),
        ("FX100", 5000, 1750, 1425),
        ("FX100", 750, 3000, 645),
        ("FX100", 2250, 3000, 1075),
        ("FX100", 3750, 3000, 1500),
        ("FX100", 5000, 3000, 1855),
        ("FX100", 750, 4000, 755),
        ("FX100", 2250, 4000, 1265),
        ("FX100", 3750, 4000, 1775),
        ("FX100", 5000, 4000, None),  # above 16 m²
        ("FX100", 2250, 2500, 975),  # the worked example's cell
        ("FX150", 1000, 1000, 610),
        ("FX150", 2750, 2750, 1490),
        ("FX150", 4500, 2750, 2090),
        ("FX150", 6000, 2750, 2605),
        ("FX150", 4500, 4500, 2800),
        ("FX150", 6000, 4500, None),  # above 22 m²
        ("TPFX", 2250, 2250, 1295),
        ("ALGV", 3000, 2500, 6010),
        ("ALGV", 4500, 3500, 8340),
        ("ALGV", 6000, 4500, 11150),
        ("CAMG", 4500, 3500, 9725),
    ],
)
def test_price_grid_cells_match_the_specification(code: str, x: int, y: int, price: int | None) -> None:
    found = grid(code).lookup(Decimal(x), Decimal(y))
    assert found is not None
    assert found[0] == (None if price is None else Decimal(price))


def test_sizes_round_up_to_the_next_step_and_small_sizes_take_the_first() -> None:
    assert grid("FX100").lookup(Decimal(2130), Decimal(2480)) == (Decimal(975), Decimal(2250), Decimal(2500))
    assert grid("FX100").lookup(Decimal(600), Decimal(500)) == (Decimal(370), Decimal(750), Decimal(500))


def test_ral_classic_list_holds_every_code_once_and_names_the_standard_colours() -> None:
    catalogue = demo_catalogue()
    ral = catalogue.lists["ral_classic"]
    keys = [option.key for option in ral]
    assert len(keys) == len(set(keys)) == 216
    assert all(re.fullmatch(r"RAL [1-9]0\d{2}", key) for key in keys)
    standard = catalogue.lists["standard_colours"]
    assert len(standard) == 8
    by_key = {option.key: option for option in ral}
    for colour in standard:
        assert colour.key in by_key
        assert by_key[colour.key].label.fr != colour.key  # the name is shown next to the code
    assert by_key["RAL 7016"].label == Text(
        "RAL 7016 Gris anthracite", "RAL 7016 Antracietgrijs", "RAL 7016 Anthrazitgrau", "RAL 7016 Anthracite grey"
    )


def _texts(value: object) -> list[Text]:
    found: list[Text] = []
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            found.append(Text(**value))
        else:
            for item in value.values():
                found.extend(_texts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_texts(item))
    return found


def test_every_text_has_four_languages_and_french_typography() -> None:
    for product in demo_catalogue().products:
        for text in _texts(definition_to_json(product)):
            assert all(text.get(language).strip() for language in LANGUAGES)
            # A non-breaking space, never a plain one, before : ; ! ? and inside « ».
            assert not re.search(r" [:;!?]| »|« ", text.fr), text.fr
            assert not re.search(r"\S[;!?]", text.fr.replace("\u00a0", " ").replace(" ;", "").replace(" !", "")), (
                text.fr
            )


def test_rule_messages_are_short() -> None:
    for product in demo_catalogue().products:
        for rule in product.rules:
            for language in LANGUAGES:
                assert len(rule.message.text.get(language)) < 100, (rule.id, language)


def test_each_product_definition_survives_a_json_round_trip() -> None:
    for product in demo_catalogue().products:
        stored = json.loads(json.dumps(definition_to_json(product)))
        rebuilt = definition_from_json(stored)
        assert rebuilt == product
        assert definition_to_json(rebuilt) == definition_to_json(product)


def test_loading_the_same_file_twice_gives_the_same_hash() -> None:
    from catalogue.schema import parse_catalogue

    from .demo import DEMO_PATH

    again = parse_catalogue(DEMO_PATH.read_text(encoding="utf-8"), "copy.yaml")
    assert again.content_hash == demo_catalogue().content_hash
