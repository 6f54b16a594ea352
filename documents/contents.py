"""What a document says, frozen when it is created: JSON built from the dossier as it then is.

Rendering reads this and nothing else (:mod:`documents.rendering`), so a document made
again later, by a worker's retry or a regeneration, says the same: same lines, same
prices, same warranty numbers, same billing details and VAT rate. Texts are resolved in
the document's language here; amounts stay exact decimal strings and dates ISO strings,
formatted for the reader when rendered. Each line carries its drawing (SVG), made here
from its definition and values.

Ordered lines read their order snapshot (``OrderLine.snapshot``), which does not change
whatever catalogue is loaded later; a quote's lines, not ordered yet, are evaluated here.
An order confirmation and an invoice are of the dossier's last order: after a service
order, its lines (the parts) under its order number and reference, not the original
lines again. The warranty document lists the dossier's delivered items from their
lines' snapshots: warranty number, product, dimensions – colour – operating side, and
the article codes of the components with their cut lengths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from accounts.models import Customer
from catalogue.definition import ProductDefinition
from catalogue.models import ProductVersion
from configurator.display import number as display_number
from configurator.display import option_label
from configurator.display import summary as line_summary
from configurator.drawing import line_drawing
from configurator.evaluation import evaluate_values
from configurator.item_card import SIDE_KEYS
from configurator.lookup import item_size
from configurator.models import OrderLine, ServiceOrder, WarrantyItem, WarrantyItemState
from configurator.parts import parts_of
from dossiers.models import Dossier

CENT = Decimal("0.01")


def _text(texts: Mapping[str, str] | None, language: str) -> str:
    texts = texts or {}
    return str(texts.get(language) or texts.get("fr") or "")


def _money(value: Decimal | str | None) -> str | None:
    return None if value is None or value == "" else str(Decimal(value).quantize(CENT))


def _line(
    *,
    position: int,
    quantity: int,
    evaluated: Mapping[str, Any],
    definition: ProductDefinition,
    summary: Mapping[str, str],
    language: str,
    warranty_numbers: list[str],
) -> dict[str, Any]:
    """One line of a document from an evaluation's JSON (``Evaluation.as_json()`` or a snapshot)."""
    unit_net = evaluated.get("net_total")
    net = None if unit_net is None else Decimal(unit_net) * quantity
    discount = evaluated.get("discount_amount")
    return {
        "position": position,
        "product": definition.name.get(language),
        "summary": _text(summary, language),
        "quantity": quantity,
        "price_lines": [[_text(p["label"], language), _money(p["amount"])] for p in evaluated.get("price_lines", [])],
        "gross": _money(evaluated.get("gross_total")),
        "discount_percent": str(evaluated.get("discount_percent") or "0"),
        "discount": _money(-Decimal(discount)) if discount and Decimal(discount) else None,
        "unit_net": _money(unit_net),
        "net": _money(net),
        "drawing": line_drawing(
            definition,
            evaluated.get("values", {}),
            evaluated.get("derived", {}),
            language=language,
            drawing_id=f"line-{position}",
        )
        or "",
        "warranty_numbers": warranty_numbers,
    }


def last_service_order(dossier: Dossier) -> ServiceOrder | None:
    """The dossier's last placed service order, when its last order was one (it comes after the original)."""
    return ServiceOrder.objects.filter(dossier=dossier, placed_at__isnull=False).order_by("-placed_at", "-pk").first()


def ordered_lines(dossier: Dossier, language: str) -> list[dict[str, Any]]:
    """The lines of the dossier's last order as ordered, each with the warranty numbers of its items.

    After a service order, the service order's lines only (the parts chosen), not the original
    order's lines again.
    """
    service_order = last_service_order(dossier)
    query = OrderLine.objects.of_dossier(dossier).filter(snapshot__isnull=False)
    if service_order is not None:
        query = query.filter(service_order=service_order)
    else:
        query = query.filter(service_order__isnull=True)
    lines = list(query)
    numbers: dict[int, list[str]] = defaultdict(list)
    for item in WarrantyItem.objects.filter(dossier=dossier).order_by("line_id", "index"):
        numbers[item.line_id].append(item.display_number)
    versions = ProductVersion.objects.in_bulk({line.snapshot["product_version"] for line in lines if line.snapshot})
    result = []
    for position, line in enumerate(lines, 1):
        snapshot: dict[str, Any] = line.snapshot or {}
        definition = versions[snapshot["product_version"]].compiled()
        result.append(
            _line(
                position=position,
                quantity=int(snapshot.get("quantity") or line.quantity),
                evaluated=snapshot,
                definition=definition,
                summary=line.summary or line_summary(definition, snapshot.get("values", {})),
                language=language,
                warranty_numbers=numbers[line.pk],
            )
        )
    return result


def quoted_lines(dossier: Dossier, language: str) -> list[dict[str, Any]]:
    """The dossier's lines evaluated now, as the Configurateur tab shows them (a quote's)."""
    lines = list(OrderLine.objects.of_dossier(dossier).select_related("product_version", "parent__product"))
    result = []
    for position, line in enumerate(lines, 1):
        evaluated = evaluate_values(
            line.product_version,
            line.values,
            customer=dossier.customer,
            parent=line.parent,
            acknowledged=line.acknowledged,
        )
        result.append(
            _line(
                position=position,
                quantity=line.quantity,
                evaluated=evaluated.evaluation.as_json(),
                definition=evaluated.definition,
                summary=evaluated.display.summary,
                language=language,
                warranty_numbers=[],
            )
        )
    return result


def net_total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["net"]) for line in lines if line["net"] is not None), Decimal("0.00"))


def _header(dossier: Dossier, today: date) -> dict[str, Any]:
    customer: Customer = dossier.customer
    return {
        "manufacturer": str(settings.MANUFACTURER_NAME),
        "dossier_number": dossier.number,
        "reference": dossier.reference,
        "order_number": dossier.order_number,
        "customer_number": customer.number,
        "customer_name": customer.name,
        "date": today.isoformat(),
    }


def quote(dossier: Dossier, *, language: str, today: date, number: str = "") -> dict[str, Any]:
    lines = quoted_lines(dossier, language)
    return {
        **_header(dossier, today),
        "valid_until": (today + timedelta(days=settings.QUOTE_VALIDITY_DAYS)).isoformat(),
        "lines": lines,
        "net_total": str(net_total(lines)),
    }


def _order_header(dossier: Dossier, today: date) -> dict[str, Any]:
    """The header of a document of the dossier's last order: a service order's own number and reference."""
    header = _header(dossier, today)
    service_order = last_service_order(dossier)
    if service_order is not None:
        header["order_number"] = service_order.order_number or header["order_number"]
        header["reference"] = service_order.reference or header["reference"]
    return header


def order_confirmation(dossier: Dossier, *, language: str, today: date, number: str = "") -> dict[str, Any]:
    lines = ordered_lines(dossier, language)
    return {**_order_header(dossier, today), "lines": lines, "net_total": str(net_total(lines))}


def vat_rate() -> Decimal:
    """The VAT rate of invoices, in per cent (the ``VAT_RATE_PERCENT`` setting, checked at start-up)."""
    return Decimal(str(settings.VAT_RATE_PERCENT))


def invoice(dossier: Dossier, *, language: str, today: date, number: str = "") -> dict[str, Any]:
    lines = ordered_lines(dossier, language)
    net = net_total(lines)
    rate = vat_rate()
    vat = (net * rate / 100).quantize(CENT)
    customer: Customer = dossier.customer
    return {
        **_order_header(dossier, today),
        "invoice_number": number,
        "billing_name": customer.invoice_name,
        "billing_address": customer.billing_address,
        "vat_number": customer.vat_number,
        "lines": lines,
        "net_total": str(net),
        "vat_rate": str(rate),
        "vat_amount": str(vat),
        "total_incl_vat": str(net + vat),
    }


def _mm(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _label(definition: ProductDefinition | None, key: str, value: Any, language: str) -> str:
    if definition is None:
        return ""
    label = option_label(definition, key, value)
    return label.get(language) if label is not None else ""


def delivered_items(dossier: Dossier, language: str) -> list[dict[str, Any]]:
    """The dossier's delivered items (cancelled ones left out) as their lines were ordered: one
    entry per line, with the warranty numbers of its items (the items of a line are alike)."""
    items = list(
        WarrantyItem.objects.filter(dossier=dossier, state=WarrantyItemState.ACTIVE)
        .select_related("line")
        .order_by("line__position", "line_id", "index")
    )
    version_ids = {int(item.line.snapshot.get("product_version") or 0) for item in items if item.line.snapshot}
    definitions = {pk: version.compiled() for pk, version in ProductVersion.objects.in_bulk(version_ids).items()}
    entries: dict[int, dict[str, Any]] = {}
    for item in items:
        if item.line_id in entries:
            entries[item.line_id]["warranty_numbers"].append(item.display_number)
            continue
        snapshot: dict[str, Any] = item.line.snapshot or {}
        values = snapshot.get("values") or {}
        definition = definitions.get(int(snapshot.get("product_version") or 0))
        width, height = item_size(item)
        size = " × ".join(_mm(value) for value in (width, height) if value is not None)
        side = next((label for key in SIDE_KEYS if (label := _label(definition, key, values.get(key), language))), "")
        description = [
            f"{size} mm" if size else "",
            _label(definition, "colour_ral", values.get("colour_ral"), language),
            side,
        ]
        entries[item.line_id] = {
            "warranty_numbers": [item.display_number],
            "product": _text(snapshot.get("product_name"), language)
            or (definition.name.get(language) if definition is not None else ""),
            "description": " – ".join(part for part in description if part),
            "components": [
                {
                    "code": part.code,
                    "description": part.description_in(language),
                    "quantity": display_number(format(part.per_item.normalize(), "f"), language),
                    # A profile cut to length counts pieces: its length is the cut column's.
                    "unit": "" if part.unit == "mm" and part.cut_mm is not None else part.unit,
                    "cut_mm": part.cut_mm,
                }
                for part in parts_of(snapshot)
            ],
        }
    return list(entries.values())


def warranty(dossier: Dossier, *, language: str, today: date, number: str = "") -> dict[str, Any]:
    """The « Document de garantie »: every delivered item with its warranty number, product,
    dimensions – colour – operating side and the article codes of its components."""
    return {**_header(dossier, today), "items": delivered_items(dossier, language)}
