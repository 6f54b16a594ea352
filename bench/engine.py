"""Times the Configurateur engine: one ``evaluate()`` per product of the demo catalogue.

    .venv/bin/python bench/engine.py [--runs 2000]

Each product is evaluated with a typical configuration (every rule, surcharge and
component considered, as on each live change of the form); prints p50 and p95 in
milliseconds. No database, no Django request: this is the pure engine's share of a round
trip. The target is p50 under 2 ms for the largest product.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.schema import parse_catalogue
from configurator.engine import evaluate

DEMO = Path(__file__).resolve().parents[1] / "catalogue" / "data" / "demo.yaml"

TYPICAL: dict[str, tuple[dict[str, object], dict[str, object] | None]] = {
    "FX100": (
        {"width_mm": "2130", "height_mm": "2 480", "sensors": ["wind_io", "sun_io"], "colour_ral": "RAL 3004"},
        None,
    ),
    "FX150": ({"width_mm": "4600", "height_mm": "3000", "bottom_bar": "heavy", "sensors": ["wind_io"]}, None),
    "TPFX": ({"width_mm": "3000", "projection_mm": "3500", "slope_deg": "12"}, None),
    "ALGV": (
        {
            "width_mm": "4500",
            "projection_mm": "3500",
            "mounting": "freestanding",
            "columns": "4",
            "led_blades": True,
            "side_screens": ["S", "E"],
            "loggias": ["W"],
            "sensor_wind": True,
            "heaters": "2",
        },
        None,
    ),
    "CAMG": ({"width_mm": "6200", "projection_mm": "4000", "sensor_wind": True, "led_perimeter": True}, None),
    "LOGG": (
        {"side": "S", "height_mm": "2500"},
        {"parent_product": "ALGV", "parent_width_mm": 4500, "parent_projection_mm": 3500},
    ),
    "INVV": ({"length_mm": "2400", "frame_width_mm": "2600", "room_type": "living", "floor_area_m2": "30,5"}, None),
    "HBX3": ({"kitchen_closed": "1", "bathroom": "2", "wc": "2", "bedroom_co2": "3", "co2_sensors": "2"}, None),
    "SRV": ({"reason": "wear"}, {"family": "FX100", "in_warranty": False, "pieces": 3, "cut_pieces": 2}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    catalogue = parse_catalogue(DEMO.read_text(encoding="utf-8"), DEMO.name)
    print(f"catalogue loaded and compiled in {(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"{'product':8} {'p50 ms':>8} {'p95 ms':>8}  params rules surcharges components")
    for product in catalogue.products:
        values, context = TYPICAL[product.code]
        for _ in range(50):  # warm-up
            evaluate(product, values, context=context)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            evaluate(product, values, context=context)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95)]
        print(
            f"{product.code:8} {p50:8.3f} {p95:8.3f}  {len(product.parameters):6} {len(product.rules):5}"
            f" {len(product.pricing.surcharges):10} {len(product.components):10}"
        )


if __name__ == "__main__":
    main()
