"""What the Configurateur shows of a delivered item before the dealer picks its parts: product,
dimensions, colour, side, drawing and components with article codes, as it was ordered.

Built from the item's order snapshot and the product definition it was ordered under (a
catalogue version never changes), so it reads the same whatever catalogue is loaded since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from catalogue.models import ProductVersion

from .after_sales import in_warranty, warranty_ends
from .display import number, option_label
from .drawing import line_drawing
from .lookup import item_size
from .models import WarrantyItem
from .parts import Part, parts_of

SIDE_KEYS = ("operating_side", "side")


@dataclass(frozen=True)
class PartView:
    key: str
    code: str
    description: str
    per_item: str  # what one item has, in the reader's number format
    unit: str
    cut_mm: str
    default_pieces: int
    by_area: bool  # ordered by the panel of ``per_item`` (fabric), not by the piece


@dataclass(frozen=True)
class ItemCard:
    number: str  # as printed: 2423-1-004214-4
    product: str
    dimensions: str
    colour: str
    side_label: str
    side: str
    dossier_number: str
    order_number: str
    reference: str
    ordered_on: date
    warranty_until: date
    covered: bool
    drawing: SafeString | None
    parts: list[PartView]


def _part_view(part: Part, language: str) -> PartView:
    return PartView(
        key=part.key,
        code=part.code,
        description=part.description_in(language),
        per_item=number(format(part.per_item.normalize(), "f"), language),
        unit=part.unit,
        cut_mm="" if part.cut_mm is None else str(part.cut_mm),
        default_pieces=part.default_pieces,
        by_area=not part.counted,
    )


def _mm(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def item_card(item: WarrantyItem, *, language: str, today: date | None = None) -> ItemCard:
    """``item`` with its line (and the line's product) and dossier loaded."""
    snapshot = item.line.snapshot or {}
    values = snapshot.get("values") or {}
    version = ProductVersion.objects.without_definition().filter(pk=int(snapshot.get("product_version") or 0)).first()
    definition = version.compiled() if version is not None else None
    names = snapshot.get("product_name") or {}
    product = names.get(language) or names.get("fr") or item.line.product.name

    colour = ""
    side_label = side = ""
    drawing = None
    if definition is not None:
        if (label := option_label(definition, "colour_ral", values.get("colour_ral"))) is not None:
            colour = label.get(language)
        for key in SIDE_KEYS:
            if (label := option_label(definition, key, values.get(key))) is not None:
                side_label, side = definition.parameter(key).label.get(language), label.get(language)
                break
        svg = line_drawing(
            definition,
            values,
            snapshot.get("derived") or {},
            language=language,
            drawing_id=f"item-{item.number}",
        )
        # line_drawing escapes every text it writes.
        drawing = mark_safe(svg) if svg else None  # noqa: S308
    width, height = item_size(item)
    dimensions = " × ".join(_mm(v) for v in (width, height) if v is not None)
    ordered_on = timezone.localdate(item.created_at)
    today = today or timezone.localdate()
    return ItemCard(
        number=item.display_number,
        product=product,
        dimensions=f"{dimensions} mm" if dimensions else "–",
        colour=colour,
        side_label=side_label,
        side=side,
        dossier_number=item.dossier.number,
        order_number=item.dossier.order_number,
        reference=item.dossier.reference,
        ordered_on=ordered_on,
        warranty_until=warranty_ends(ordered_on),
        covered=in_warranty(ordered_on, today),
        drawing=drawing,
        parts=[_part_view(part, language) for part in parts_of(snapshot)],
    )
