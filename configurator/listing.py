"""The rows of the Configurateur tab: each line as cached at its last save, or as ordered.

Built from the rows already loaded (no query here, no evaluation): the tab costs the same
few queries whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from catalogue.models import CatalogueVersion

from .display import money, number
from .editor import ComponentView, MessageView
from .models import OrderLine, WarrantyItem


@dataclass(frozen=True)
class OrderedView:
    """What was ordered, from the line's snapshot (it reads the same whatever catalogue is loaded since)."""

    catalogue_version: int
    price_lines: list[tuple[str, str]]
    gross: str
    discount: str
    net: str
    components: list[ComponentView]
    warranty_numbers: list[str]


@dataclass
class LineRow:
    line: OrderLine
    number: int
    product: str
    summary: str
    quantity: int
    unit_net: str
    line_net: str
    errors: int
    warnings: int
    messages: list[MessageView] = field(default_factory=list)
    parent_number: int | None = None
    stale: bool = False  # evaluated under an older catalogue version than the current one
    ordered: OrderedView | None = None
    # A service line: the parts chosen for its item (article code, pieces, cut length).
    parts: list[ComponentView] = field(default_factory=list)


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("fr") or ""


def _ordered(snapshot: dict[str, Any], numbers: list[str], language: str) -> OrderedView:
    discount = snapshot.get("discount_amount")
    return OrderedView(
        catalogue_version=int(snapshot.get("catalogue_version") or 0),
        price_lines=[(_text(p["label"], language), money(p["amount"], language)) for p in snapshot["price_lines"]],
        gross=money(snapshot.get("gross_total"), language),
        discount=money(-Decimal(discount) if discount else Decimal(0), language),
        net=money(snapshot.get("net_total"), language),
        components=[
            ComponentView(
                c["code"],
                _text(c["description"], language),
                number(c["quantity"], language),
                c["unit"],
                "" if c.get("cut_mm") is None else str(c["cut_mm"]),
            )
            for c in snapshot["components"]
        ],
        warranty_numbers=numbers,
    )


def line_rows(
    lines: list[OrderLine],
    items: Iterable[WarrantyItem],
    *,
    language: str,
    current_version: CatalogueVersion | None,
) -> list[LineRow]:
    numbers: dict[int, list[str]] = defaultdict(list)
    for item in items:
        numbers[item.line_id].append(item.display_number)
    by_pk = {line.pk: index for index, line in enumerate(lines, 1)}
    rows = []
    for index, line in enumerate(lines, 1):
        snapshot = line.snapshot
        if snapshot is not None:
            messages = [
                MessageView(m["id"], m["severity"], _text(m["text"], language))
                for m in snapshot.get("messages", [])
                if m["severity"] != "info"
            ]
        else:
            messages = [MessageView(m["id"], m["severity"], _text(m["text"], language)) for m in line.messages]
        rows.append(
            LineRow(
                line=line,
                number=index,
                product=line.product.name,
                summary=line.summary_text,
                quantity=line.quantity,
                unit_net=money(line.unit_net_amount, language),
                line_net=money(line.net_amount, language),
                errors=line.error_count,
                warnings=line.warning_count,
                messages=messages,
                parent_number=by_pk.get(line.parent_id) if line.parent_id else None,
                stale=current_version is not None and line.product_version.version_id != current_version.pk,
                ordered=_ordered(snapshot, numbers[line.pk], language) if snapshot is not None else None,
                parts=[
                    ComponentView(
                        part["code"],
                        _text(part["description"], language),
                        number(part["quantity"], language),
                        part["unit"],
                        "" if part.get("cut_mm") is None else str(part["cut_mm"]),
                    )
                    for part in line.parts
                ],
            )
        )
    return rows
