"""When the Configurateur takes a service order, and what the engine is told about the item.

No queries: functions of a dossier (with its product) or of a warranty item already loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from dossiers.models import Dossier, Status

# The demo's warranty term, from the order (catalogue-spec §6: five years for most parts of
# the outdoor range). Out of it, the parts are charged (the Service product's rule SRV-W001).
WARRANTY_YEARS = 5


def in_service_mode(dossier: Dossier) -> bool:
    """The Configurateur shows the service order: on the original dossier after its « Demande de
    service », and in a « Service » dossier (its product is the Service product) until ordered."""
    if dossier.status == Status.SERVICE_REQUESTED:
        return True
    return dossier.product.is_service and dossier.status in (Status.ACTIVE, Status.QUOTE)


def is_service_dossier(dossier: Dossier) -> bool:
    """A dossier opened with « Nouvelle demande » for the product « Service »."""
    return bool(dossier.product.is_service)


def warranty_ends(ordered_on: date) -> date:
    try:
        return ordered_on.replace(year=ordered_on.year + WARRANTY_YEARS)
    except ValueError:  # 29 February
        return ordered_on.replace(year=ordered_on.year + WARRANTY_YEARS, day=28)


def in_warranty(ordered_on: date, today: date) -> bool:
    return today <= warranty_ends(ordered_on)


def service_context(*, family: str, covered: bool, parts: Sequence[Mapping[str, Any]]) -> dict[str, object]:
    """The Service product's context (catalogue/data/demo.yaml): the original product's code,
    whether the item is under warranty, the pieces chosen and how many of them are cut."""
    return {
        "family": family,
        "in_warranty": covered,
        "pieces": sum(int(part["pieces"]) for part in parts),
        "cut_pieces": sum(int(part["pieces"]) for part in parts if part.get("cut_mm") is not None),
    }
