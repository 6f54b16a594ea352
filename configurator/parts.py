"""The parts a service order may take for one item: the components of that item as it was
ordered (its line's order snapshot), and the dealer's choice among them.

Pure: a snapshot (JSON) and the dealer's answers in, plain data out. Nothing is evaluated
again: a part keeps the article code, and a cut part the cut length, the original was made
with, whatever catalogue is loaded since.

The dealer chooses a number of *pieces* of each part. A part counted per item (pieces,
sets, profiles cut to length) is ordered by the piece, its default the count the item has
(two side guides); a part measured in area (fabric, m²) is ordered by the panel, a piece
being the original's area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_PIECES = 99
COUNTED_UNITS = frozenset({"pc", "set", "mm"})


class ChoiceRefused(ValueError):
    """``code``: "part_unknown" (not one of the item's parts: a tampered form), "quantity" or
    "no_part"; ``message`` for the dealer, in the active language; ``key`` the part at fault."""

    def __init__(self, code: str, message: str, key: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.key = key


@dataclass(frozen=True)
class Part:
    key: str  # its position in the snapshot's components, as the form names it
    code: str
    description: dict[str, str]
    per_item: Decimal  # the quantity one item has, in ``unit``
    unit: str
    cut_mm: int | None

    @property
    def counted(self) -> bool:
        return self.unit in COUNTED_UNITS and self.per_item == self.per_item.to_integral_value()

    @property
    def default_pieces(self) -> int:
        return max(1, min(MAX_PIECES, int(self.per_item))) if self.counted else 1

    def description_in(self, language: str) -> str:
        return self.description.get(language) or self.description.get("fr") or ""

    def quantity_for(self, pieces: int) -> Decimal:
        """What ``pieces`` pieces come to, in ``unit``."""
        return Decimal(pieces) if self.counted else (self.per_item * pieces).normalize()


def parts_of(snapshot: Mapping[str, Any]) -> list[Part]:
    """The components of an ordered line (one item's worth), as parts to choose from."""
    parts = []
    for index, component in enumerate(snapshot.get("components") or []):
        try:
            per_item = Decimal(str(component["quantity"]))
        except (InvalidOperation, KeyError):
            continue
        cut = component.get("cut_mm")
        parts.append(
            Part(
                key=str(index),
                code=str(component["code"]),
                description=dict(component.get("description") or {}),
                per_item=per_item,
                unit=str(component.get("unit") or ""),
                cut_mm=int(cut) if cut is not None else None,
            )
        )
    return parts


def _pieces(text: str) -> int | None:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_PIECES else None


def read_choice(parts: Sequence[Part], chosen: Mapping[str, str], *, item_number: str) -> list[dict[str, Any]]:
    """The parts chosen, as a service line stores them: ``chosen`` maps each ticked part's key
    to the number of pieces typed. Refused (:class:`ChoiceRefused`) when a key is not one of
    the item's parts, a number is not 1 to 99 pieces, or nothing is chosen."""
    by_key = {part.key: part for part in parts}
    for key in chosen:
        if key not in by_key:
            raise ChoiceRefused(
                "part_unknown",
                _("Cette pièce n'appartient pas à l'article %(number)s : choisissez parmi ses composants.")
                % {"number": item_number},
                key,
            )
    if not chosen:
        raise ChoiceRefused("no_part", _("Choisissez au moins une pièce à commander, avec sa quantité."))
    result = []
    for part in parts:  # in the order of the original's components
        if part.key not in chosen:
            continue
        pieces = _pieces(chosen[part.key])
        if pieces is None:
            raise ChoiceRefused(
                "quantity",
                _("Saisissez un nombre de pièces de 1 à %(max)d pour %(code)s.")
                % {"max": MAX_PIECES, "code": part.code},
                part.key,
            )
        result.append(
            {
                "key": part.key,
                "code": part.code,
                "description": part.description,
                "unit": part.unit,
                "cut_mm": part.cut_mm,
                "per_item": str(part.per_item),
                "pieces": pieces,
                "quantity": str(part.quantity_for(pieces)),
            }
        )
    return result


def as_components(chosen: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The parts chosen as a snapshot's component lines (what the order confirmation lists)."""
    return [
        {
            "code": part["code"],
            "description": part["description"],
            "quantity": part["quantity"],
            "unit": part["unit"],
            "cut_mm": part["cut_mm"],
        }
        for part in chosen
    ]
