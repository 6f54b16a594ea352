"""The dimensioned drawing of a line: a pure function, valid SVG, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from catalogue.definition import Text
from configurator.drawing import NEUTRAL, RAL_HEX, line_drawing
from configurator.engine import evaluate
from tests.catalogue.demo import demo_catalogue

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    """The portal's own SVG, parsed: it must be well-formed XML."""
    return ET.fromstring(svg)  # noqa: S314  (our output, not untrusted input)


def _draw(code: str, values: dict[str, object], language: str = "fr", context: dict[str, object] | None = None) -> str:
    product = demo_catalogue().product(code)
    evaluation = evaluate(product, values, context=context)
    svg = line_drawing(product, evaluation.values, evaluation.derived, language=language, drawing_id="d1")
    assert svg is not None
    return svg


def test_a_screen_is_drawn_with_its_width_height_colour_and_operating_side() -> None:
    svg = _draw("FX100", {"width_mm": "2130", "height_mm": "2480", "colour_ral": "RAL 9016", "operating_side": "left"})
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "d1-title"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == (
        "Fixscreen 100 EVO, 2130 × 2480 mm, RAL 9016 Blanc signalisation, "
        "Côté de manœuvre (vu de l'extérieur)\u00a0: Gauche"
    )
    frame = root.find(f"{SVG}rect[@class='frame']")
    assert frame is not None and frame.get("fill") == RAL_HEX["RAL 9016"]
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "2130" in texts and "2480" in texts and "Gauche" in texts
    marker = root.find(f"{SVG}circle[@class='operating-side']")
    assert marker is not None and marker.get("data-side") == "left"
    assert float(marker.get("cx", 0)) < float(frame.get("x", 0)) + float(frame.get("width", 0)) / 2


def test_the_right_side_is_marked_on_the_right_and_the_title_follows_the_language() -> None:
    svg = _draw("FX100", {"width_mm": "2130", "height_mm": "2480", "operating_side": "right"}, language="nl")
    root = _parse(svg)
    frame = root.find(f"{SVG}rect[@class='frame']")
    marker = root.find(f"{SVG}circle[@class='operating-side']")
    assert frame is not None and marker is not None
    assert float(marker.get("cx", 0)) > float(frame.get("x", 0)) + float(frame.get("width", 0)) / 2
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.endswith("Bedieningszijde (van buiten gezien): Rechts")


def test_a_non_standard_colour_is_drawn_in_neutral_grey() -> None:
    root = _parse(_draw("FX100", {"width_mm": "2130", "height_mm": "2480", "colour_ral": "RAL 3004"}))
    frame = root.find(f"{SVG}rect[@class='frame']")
    assert frame is not None and frame.get("fill") == NEUTRAL


def test_a_grille_has_its_length_only_and_a_product_without_sizes_no_drawing() -> None:
    root = _parse(_draw("INVV", {"length_mm": "1000", "frame_width_mm": "1200", "floor_area_m2": "12"}))
    assert root.find(f"{SVG}g[@class='dimension dimension-width']") is not None
    assert root.find(f"{SVG}g[@class='dimension dimension-height']") is None
    product = demo_catalogue().product("HBX3")
    evaluation = evaluate(product, {})
    assert line_drawing(product, evaluation.values, evaluation.derived, language="fr", drawing_id="d") is None


def test_a_loggia_is_drawn_with_its_opening_from_the_roof() -> None:
    context = {"parent_product": "ALGV", "parent_width_mm": 4500, "parent_projection_mm": 3500}
    root = _parse(_draw("LOGG", {"height_mm": "2500", "side": "S"}, context=context))
    assert root.get("data-width") == "4200" and root.get("data-height") == "2500"


def test_texts_from_the_catalogue_are_escaped() -> None:
    product = demo_catalogue().product("FX100")
    hostile = replace(product, name=Text.same('<script>alert("x")</script> & Co'))
    evaluation = evaluate(product, {"width_mm": "2130", "height_mm": "2480"})
    svg = line_drawing(hostile, evaluation.values, evaluation.derived, language="fr", drawing_id='x" onload="1')
    assert svg is not None
    assert "<script>" not in svg and 'onload="1"' not in svg
    title = _parse(svg).find(f"{SVG}title")
    assert title is not None and title.text is not None and title.text.startswith('<script>alert("x")</script> & Co')
