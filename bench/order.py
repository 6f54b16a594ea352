"""Times « Passer la commande » of a 20-line dossier on PostgreSQL.

    .venv/bin/python bench/order.py [--runs 10] [--database-url postgres://…/ereps_bench]

Uses the bench database (created and migrated if missing, like run.py) with the demo
catalogue loaded through load_catalogue. Each run makes a fresh Actif dossier of 20 lines
through the services, as a dealer would (Fixscreen 100 and 150 and Topfix, quantities 1
to 3, every warning acknowledged), then times ``configurator.services.place_order`` alone:
the dossier lock, 20 evaluations under the current catalogue version, 20 snapshots, one
warranty number per item, the order number and status, the Historique and the search
column, all in one transaction and committed. Prints each run and the p50; the target is
under one second. The dossiers belong to customer ``BORDER`` (its rows are replaced at
each start, no other row is touched).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_DB, _ensure_database, _env  # noqa: E402  (after sys.path)

CUSTOMER = "BORDER"
DEALER = "order-bench@dealer.example"
LINES = 20


def _lines() -> list[tuple[str, dict[str, object], int]]:
    """20 lines of the screens group, of varied sizes, products and quantities."""
    lines: list[tuple[str, dict[str, object], int]] = []
    for index in range(LINES):
        width = str(1200 + 150 * index)
        if index % 3 == 0:
            lines.append(("FX150", {"width_mm": str(2000 + 100 * index), "height_mm": "3000"}, 1 + index % 2))
        elif index % 3 == 1:
            lines.append(("TPFX", {"width_mm": width, "projection_mm": "3000", "slope_deg": "20"}, 1))
        else:
            values: dict[str, object] = {"width_mm": width, "height_mm": "2480", "sensors": ["wind_io"]}
            lines.append(("FX100", values, 1 + index % 3))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(_env(args.database_url))
    # Tasks (the order confirmation's generation) are published to a broker nobody reads,
    # not run inline: this times « Passer la commande » alone (bench/documents.py times the PDF).
    os.environ.update({"CELERY_BROKER_URL": "memory://", "CELERY_TASK_ALWAYS_EAGER": "false"})
    _ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Customer, User
    from accounts.services import upsert_customer
    from catalogue.models import Product
    from catalogue.services import load_catalogue
    from configurator import services
    from configurator.models import WarrantyItem
    from dossiers.models import Dossier
    from dossiers.services import create_dossier

    call_command("migrate", verbosity=0)
    demo = ROOT / "catalogue" / "data" / "demo.yaml"
    load_catalogue(text=demo.read_text(encoding="utf-8"), filename=demo.name)
    WarrantyItem.objects.filter(customer__number=CUSTOMER).delete()
    Dossier.objects.filter(customer__number=CUSTOMER).delete()
    customer, _created = upsert_customer(number=CUSTOMER, name="Banc d'essai des commandes")
    user = User.objects.filter(email=DEALER).first() or User.objects.create_user(email=DEALER, customer=customer)
    assert isinstance(customer, Customer)
    products = {product.code: product for product in Product.objects.filter(code__in=["FX100", "FX150", "TPFX"])}

    timings = []
    for run in range(1, args.runs + 1):
        dossier = create_dossier(customer=customer, user=user, product=products["FX100"], reference=f"Run {run}")
        for code, values, quantity in _lines():
            line = services.add_line(
                dossier=dossier, user=user, product=products[code], values=values, quantity=quantity
            )
            warnings = [message["id"] for message in line.messages if message["severity"] == "warning"]
            if warnings:
                services.update_line(
                    line=line,
                    user=user,
                    values=values,
                    quantity=quantity,
                    acknowledged=warnings,
                    revision=line.revision,
                )
        started = time.perf_counter()
        placed = services.place_order(dossier=dossier, user=user)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        print(
            f"run {run:2}: {elapsed:7.1f} ms  {len(placed.lines)} lines, {len(placed.items)} warranty numbers, "
            f"order {placed.dossier.order_number}",
            flush=True,
        )
    print(f"\nplace_order, {LINES} lines: p50 {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms")
    print(f"{'PASS' if statistics.median(timings) < 1000 else 'FAIL'}  placing a 20-line order under 1 s")


if __name__ == "__main__":
    main()
