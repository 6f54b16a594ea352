"""Times the documents of a 20-line order: its order confirmation (freezing its data, rendering its PDF, a
whole generation) and the warranty document of its items (freezing, rendering).

    .venv/bin/python bench/documents.py [--runs 10] [--database-url postgres://…/ereps_bench]

Uses the bench database (created and migrated if missing, like run.py) with the demo
catalogue. Places one order of 20 lines (the dossier of bench/order.py: Fixscreen 100 and
150, Topfix, 35 items), its generation left queued on a broker nobody reads, then for each
run times, in this process as a worker would run them:

* ``freeze``: the order confirmation's data (documents.contents: the 20 lines' snapshots,
  price lines, warranty numbers and 20 SVG drawings);
* ``render``: ``documents.rendering.render_pdf`` — the template in French, then WeasyPrint;
* ``generate``: ``documents.generation.generate`` — the row lock, the render, storing the
  PDF, the card's attachment, the Historique and the mail, committed.

Then, for the same dossier, the warranty document (its 35 items, one entry per line with
the line's warranty numbers and its components' article codes and cut lengths):
``freeze`` and ``render`` likewise.

Prints each run and the p50s; the target is a render under 2 s for each. The dossier belongs to
customer ``BDOCS`` (its rows are replaced at each start, no other row is touched); the
PDFs go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.order import _lines  # noqa: E402  (after sys.path)
from bench.run import DEFAULT_DB, _ensure_database, _env  # noqa: E402

CUSTOMER = "BDOCS"
DEALER = "documents-bench@dealer.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(_env(args.database_url))
    os.environ.update(
        {
            "CELERY_BROKER_URL": "memory://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="ereps-bench-documents-"),
        }
    )
    _ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import upsert_customer
    from catalogue.models import Product
    from catalogue.services import load_catalogue
    from communication.models import Message
    from configurator import services
    from configurator.models import WarrantyItem
    from documents import generation, kinds
    from documents import services as document_services
    from documents.models import Document, DocumentKind, DocumentState
    from documents.rendering import render_pdf
    from dossiers.models import Dossier, HistoryEvent
    from dossiers.services import create_dossier
    from mailer.models import OutboundMail

    call_command("migrate", verbosity=0)
    demo = ROOT / "catalogue" / "data" / "demo.yaml"
    load_catalogue(text=demo.read_text(encoding="utf-8"), filename=demo.name)
    old = Dossier.objects.filter(customer__number=CUSTOMER)
    OutboundMail.objects.filter(dossier_id__in=old.values("pk")).delete()
    Document.objects.filter(dossier__in=old).delete()
    Message.objects.filter(dossier__in=old).delete()
    HistoryEvent.objects.filter(dossier__in=old).delete()
    WarrantyItem.objects.filter(customer__number=CUSTOMER).delete()
    old.delete()
    customer, _created = upsert_customer(number=CUSTOMER, name="Banc d'essai des documents")
    user = User.objects.filter(email=DEALER).first() or User.objects.create_user(email=DEALER, customer=customer)
    products = {product.code: product for product in Product.objects.filter(code__in=["FX100", "FX150", "TPFX"])}
    dossier = create_dossier(customer=customer, user=user, product=products["FX100"], reference="Vingt lignes")
    for code, values, quantity in _lines():
        line = services.add_line(dossier=dossier, user=user, product=products[code], values=values, quantity=quantity)
        warnings = [message["id"] for message in line.messages if message["severity"] == "warning"]
        if warnings:
            services.update_line(
                line=line, user=user, values=values, quantity=quantity, acknowledged=warnings, revision=line.revision
            )
    services.place_order(dossier=dossier, user=user)  # its confirmation issued on commit, left queued
    document = Document.objects.get(dossier=dossier, kind=DocumentKind.ORDER_CONFIRMATION)
    dossier.refresh_from_db()
    lines = len(document.data["lines"])
    items = sum(len(line["warranty_numbers"]) for line in document.data["lines"])

    freeze, render, generate, size = [], [], [], 0
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        with transaction.atomic():
            kinds.spec(DocumentKind.ORDER_CONFIRMATION).freeze(dossier, language="fr", today=timezone.localdate())
        freeze.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        pdf = render_pdf(document)
        render.append((time.perf_counter() - started) * 1000)
        size = len(pdf)
        Document.objects.filter(pk=document.pk).update(state=DocumentState.PENDING)
        started = time.perf_counter()
        outcome = generation.generate(document_id=document.pk)
        generate.append((time.perf_counter() - started) * 1000)
        assert outcome == "ready", outcome
        print(
            f"run {run:2}: freeze {freeze[-1]:6.1f} ms  render {render[-1]:7.1f} ms  generate {generate[-1]:7.1f} ms"
            f"  ({lines} lines, {items} warranty numbers, {size // 1024} KiB)",
            flush=True,
        )
    p50 = statistics.median(render)
    print(
        f"\norder confirmation, {lines} lines: freeze p50 {statistics.median(freeze):.1f} ms; "
        f"render p50 {p50:.1f} ms, max {max(render):.1f} ms; generate p50 {statistics.median(generate):.1f} ms"
    )
    print(f"{'PASS' if p50 < 2000 else 'FAIL'}  rendering a 20-line order confirmation under 2 s")

    with transaction.atomic():  # its generation left queued, as above
        warranty = document_services.issue_warranty_document(dossier=dossier, caused_by=user, recipient=user)
    assert warranty is not None
    entries = len(warranty.data["items"])  # one per order line, with its items' warranty numbers
    items = sum(len(entry["warranty_numbers"]) for entry in warranty.data["items"])
    components = sum(len(entry["components"]) for entry in warranty.data["items"])
    freeze, render = [], []
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        with transaction.atomic():
            kinds.spec(DocumentKind.WARRANTY).freeze(dossier, language="fr", today=timezone.localdate())
        freeze.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        pdf = render_pdf(warranty)
        render.append((time.perf_counter() - started) * 1000)
        print(
            f"run {run:2}: freeze {freeze[-1]:6.1f} ms  render {render[-1]:7.1f} ms"
            f"  ({items} items in {entries} lines, {components} components, {len(pdf) // 1024} KiB)",
            flush=True,
        )
    p50 = statistics.median(render)
    print(
        f"\nwarranty document, {items} items: freeze p50 {statistics.median(freeze):.1f} ms; "
        f"render p50 {p50:.1f} ms, max {max(render):.1f} ms"
    )
    print(f"{'PASS' if p50 < 2000 else 'FAIL'}  rendering the warranty document of {items} items under 2 s")


if __name__ == "__main__":
    main()
