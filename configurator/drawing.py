"""A dimensioned front view of a configured line, as SVG: a pure function of its values.

Front view seen from outside (as the operating side is always given): the frame in the
chosen RAL colour, the width and the height with their dimension lines, and the operating
side marked. Products without two dimensions get a bar with the width only (a grille),
products without any dimension get no drawing. Every text is escaped; the picture has a
title that says all of it in words, for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.html import escape

from catalogue.definition import ProductDefinition

from .display import WIDTH_KEYS, option_label

# The standard colours of the demo range (approximate sRGB of the RAL Classic shades);
# any other code is drawn in a neutral grey: the label still names the real colour.
RAL_HEX = {
    "RAL 9016": "#f1f0ea",
    "RAL 9010": "#f4f2e6",
    "RAL 9001": "#e9e0d2",
    "RAL 7016": "#383e42",
    "RAL 7021": "#2f3234",
    "RAL 7039": "#6b695f",
    "RAL 9005": "#0e0e10",
    "RAL 9006": "#a1a1a0",
}
NEUTRAL = "#8a8f94"

# A front view: a roof shows its passage height, not its projection.
FRONT_HEIGHT_KEYS = ("height_mm", "passage_height_mm", "projection_mm")

# The canvas: room for the vertical dimension on the left and the horizontal one below.
CANVAS_W, CANVAS_H = 480, 330
LEFT, TOP, RIGHT, BOTTOM = 80, 44, 24, 64


def _first(values: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Decimal] | None:
    for key in keys:
        value = values.get(key)
        if value is None or isinstance(value, bool):
            continue
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            continue
        if number > 0:
            return key, number
    return None


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_drawing(
    definition: ProductDefinition,
    values: Mapping[str, Any],
    derived: Mapping[str, Any],
    *,
    language: str,
    drawing_id: str,
) -> str | None:
    """The SVG markup, or None for a product without dimensions.

    ``values``/``derived`` are an evaluation's (or their JSON: numbers as strings);
    ``drawing_id`` makes the title's id unique on the page.
    """
    width = _first({**derived, **values}, WIDTH_KEYS)
    if width is None:
        return None
    height = _first(values, FRONT_HEIGHT_KEYS)
    colour = values.get("colour_ral")
    fill = RAL_HEX.get(str(colour), NEUTRAL) if colour else NEUTRAL
    colour_label = option_label(definition, "colour_ral", colour) if colour else None
    side = values.get("operating_side")
    side_label = option_label(definition, "operating_side", side) if side else None

    # The title: everything the picture shows, in words.
    size = f"{width[1]} × {height[1]} mm" if height else f"{width[1]} mm"
    words = [definition.name.get(language), size]
    if colour_label is not None:
        words.append(colour_label.get(language))
    if side_label is not None:
        colon = "\u00a0: " if language[:2] == "fr" else ": "
        words.append(f"{definition.parameter('operating_side').label.get(language)}{colon}{side_label.get(language)}")
    title = ", ".join(words)

    room_w, room_h = CANVAS_W - LEFT - RIGHT, CANVAS_H - TOP - BOTTOM
    w_mm = float(width[1])
    h_mm = float(height[1]) if height else w_mm / 25  # a grille: a bar, not to scale in height
    scale = min(room_w / w_mm, room_h / h_mm)
    w, h = w_mm * scale, max(h_mm * scale, 10.0)
    x0, y0 = LEFT + (room_w - w) / 2, TOP + (room_h - h) / 2
    frame = max(4.0, min(w, h) * 0.06)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS_W} {CANVAS_H}" role="img" '
        f'aria-labelledby="{escape(drawing_id)}-title" class="line-drawing" data-width="{width[1]}"'
        + (f' data-height="{height[1]}"' if height else "")
        + f' data-colour="{escape(fill)}">',
        f'<title id="{escape(drawing_id)}-title">{escape(title)}</title>',
        # The frame in the RAL colour, outlined so that a white frame shows on white.
        f'<rect class="frame" x="{_fmt(x0)}" y="{_fmt(y0)}" width="{_fmt(w)}" height="{_fmt(h)}" '
        f'fill="{fill}" stroke="#212529" stroke-width="1"/>',
    ]
    if height and h > 2 * frame and w > 2 * frame:
        parts.append(
            f'<rect class="infill" x="{_fmt(x0 + frame)}" y="{_fmt(y0 + frame)}" width="{_fmt(w - 2 * frame)}" '
            f'height="{_fmt(h - 2 * frame)}" fill="#e9ecef" stroke="#495057" stroke-width="0.5"/>'
        )
    parts.extend(_horizontal_dimension(x0, x0 + w, y0 + h + 28, y0 + h, f"{width[1]}"))
    if height:
        parts.extend(_vertical_dimension(x0 - 30, y0, y0 + h, x0, f"{height[1]}"))
    if side in ("left", "right") and side_label is not None:
        cx = x0 + frame + 8 if side == "left" else x0 + w - frame - 8
        parts.append(
            f'<circle class="operating-side" data-side="{escape(str(side))}" cx="{_fmt(cx)}" '
            f'cy="{_fmt(y0 + min(h / 2, frame + 8))}" r="7" fill="#dc3545" stroke="#ffffff" stroke-width="2"/>'
        )
        anchor = "start" if side == "left" else "end"
        text_x = x0 if side == "left" else x0 + w
        parts.append(
            f'<text x="{_fmt(text_x)}" y="{_fmt(y0 - 10)}" text-anchor="{anchor}" font-size="13" '
            f'fill="#212529">{escape(side_label.get(language))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _horizontal_dimension(x1: float, x2: float, y: float, from_y: float, text: str) -> list[str]:
    return [
        f'<g class="dimension dimension-width" stroke="#212529" stroke-width="1">'
        f'<line x1="{_fmt(x1)}" y1="{_fmt(from_y + 4)}" x2="{_fmt(x1)}" y2="{_fmt(y + 6)}"/>'
        f'<line x1="{_fmt(x2)}" y1="{_fmt(from_y + 4)}" x2="{_fmt(x2)}" y2="{_fmt(y + 6)}"/>'
        f'<line x1="{_fmt(x1)}" y1="{_fmt(y)}" x2="{_fmt(x2)}" y2="{_fmt(y)}"/>'
        f'<line x1="{_fmt(x1 - 4)}" y1="{_fmt(y + 4)}" x2="{_fmt(x1 + 4)}" y2="{_fmt(y - 4)}"/>'
        f'<line x1="{_fmt(x2 - 4)}" y1="{_fmt(y + 4)}" x2="{_fmt(x2 + 4)}" y2="{_fmt(y - 4)}"/></g>',
        f'<text x="{_fmt((x1 + x2) / 2)}" y="{_fmt(y + 20)}" text-anchor="middle" font-size="14" '
        f'fill="#212529">{escape(text)}</text>',
    ]


def _vertical_dimension(x: float, y1: float, y2: float, from_x: float, text: str) -> list[str]:
    mid = (y1 + y2) / 2
    return [
        f'<g class="dimension dimension-height" stroke="#212529" stroke-width="1">'
        f'<line x1="{_fmt(from_x - 4)}" y1="{_fmt(y1)}" x2="{_fmt(x - 6)}" y2="{_fmt(y1)}"/>'
        f'<line x1="{_fmt(from_x - 4)}" y1="{_fmt(y2)}" x2="{_fmt(x - 6)}" y2="{_fmt(y2)}"/>'
        f'<line x1="{_fmt(x)}" y1="{_fmt(y1)}" x2="{_fmt(x)}" y2="{_fmt(y2)}"/>'
        f'<line x1="{_fmt(x - 4)}" y1="{_fmt(y1 + 4)}" x2="{_fmt(x + 4)}" y2="{_fmt(y1 - 4)}"/>'
        f'<line x1="{_fmt(x - 4)}" y1="{_fmt(y2 + 4)}" x2="{_fmt(x + 4)}" y2="{_fmt(y2 - 4)}"/></g>',
        f'<text x="{_fmt(x - 10)}" y="{_fmt(mid)}" text-anchor="middle" font-size="14" fill="#212529" '
        f'transform="rotate(-90 {_fmt(x - 10)} {_fmt(mid)})">{escape(text)}</text>',
    ]
