"""Prints the demo price grids as YAML rows, from the demo cell formulas.

The catalogue holds literal grids (a real manufacturer's grids are tables, not formulas);
this script is how the demo's were filled, so that they can be regenerated if a formula
changes. Cells are rounded up to the next 5 euros; a cell is empty (``null``) only when
no size that the product's limits allow rounds into it (the loader refuses any other gap).

    .venv/bin/python catalogue/data/make_grids.py FX100
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

D = Decimal
Formula = Callable[[Decimal, Decimal], Decimal]


@dataclass(frozen=True)
class GridSpec:
    formula: Formula  # (x in m, y in m) -> euros
    x_steps: range
    y_steps: range
    x_min: int
    y_min: int
    max_area_m2: Decimal | None


GRIDS = {
    "FX100": GridSpec(
        lambda w, h: 220 + 120 * w + 70 * h + 55 * w * h, range(750, 5001, 250), range(500, 4001, 250), 600, 500, D(16)
    ),
    "FX150": GridSpec(
        lambda w, h: 300 + 150 * w + 90 * h + 70 * w * h,
        range(1000, 6001, 250),
        range(1000, 6001, 250),
        1000,
        1000,
        D(22),
    ),
    "TPFX": GridSpec(
        lambda w, p: 350 + 140 * w + 110 * p + 75 * w * p,
        range(1000, 5001, 250),
        range(1000, 5001, 250),
        1000,
        1000,
        D(20),
    ),
    "ALGV": GridSpec(
        lambda w, p: 2600 + 420 * w + 380 * p + 160 * w * p,
        range(1500, 6001, 500),
        range(1500, 4501, 500),
        1500,
        1500,
        None,
    ),
    "CAMG": GridSpec(
        lambda w, p: 3100 + 480 * w + 420 * p + 190 * w * p,
        range(1500, 6501, 500),
        range(1500, 4501, 500),
        1500,
        1500,
        None,
    ),
}


def cell(spec: GridSpec, x: int, y: int, x_low: int, y_low: int) -> Decimal | None:
    if spec.max_area_m2 is not None and D(x_low) * D(y_low) / 1_000_000 > spec.max_area_m2:
        return None
    euros = spec.formula(D(x) / 1000, D(y) / 1000)
    return (euros / 5).to_integral_value(rounding=ROUND_CEILING) * 5


def rows(spec: GridSpec) -> list[list[Decimal | None]]:
    x_steps, y_steps = list(spec.x_steps), list(spec.y_steps)
    x_lows = [spec.x_min, *(step + 1 for step in x_steps[:-1])]
    y_lows = [spec.y_min, *(step + 1 for step in y_steps[:-1])]
    return [
        [cell(spec, x, y, x_low, y_low) for x, x_low in zip(x_steps, x_lows, strict=True)]
        for y, y_low in zip(y_steps, y_lows, strict=True)
    ]


def main(code: str) -> None:
    spec = GRIDS[code]
    print(f"        x_steps: [{', '.join(str(step) for step in spec.x_steps)}]")
    print(f"        y_steps: [{', '.join(str(step) for step in spec.y_steps)}]")
    print("        cells:")
    for y, row in zip(spec.y_steps, rows(spec), strict=True):
        cells = ", ".join("null" if value is None else str(value) for value in row)
        print(f"          - [{cells}]  # {y}")


if __name__ == "__main__":
    main(sys.argv[1])
