"""What « Passer la commande » of an order and of a service order share: the result, the checks
that refuse an order with errors or unconfirmed warnings, and the snapshot of an ordered line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from catalogue.definition import Severity
from dossiers.models import Dossier

from ..evaluation import Evaluated
from ..models import OrderLine, ServiceOrder, WarrantyItem
from .refusals import ConfiguratorRefused


@dataclass(frozen=True)
class PlacedOrder:
    dossier: Dossier
    lines: list[OrderLine]
    items: list[WarrantyItem]
    net_total: Decimal
    service_order: ServiceOrder | None = None  # a service order (no warranty numbers of its own)


def line_name(line: OrderLine, number: int) -> str:
    return _("Ligne %(number)d (%(product)s)") % {"number": number, "product": line.product.name}


def refuse_unless_orderable(lines: list[OrderLine], evaluated: dict[int, Evaluated]) -> None:
    errors: list[str] = []
    warnings: list[str] = []
    for number, line in enumerate(lines, 1):
        result = evaluated[line.pk]
        name = line_name(line, number)
        for message in result.evaluation.messages:
            text = message.text.get(translation.get_language() or "fr")
            if message.severity is Severity.ERROR:
                errors.append(_("%(line)s : %(message)s") % {"line": name, "message": text})
            elif message.severity is Severity.WARNING and message.id not in result.acknowledged:
                warnings.append(_("%(line)s : %(message)s") % {"line": name, "message": text})
        if result.evaluation.net_total is None and not result.evaluation.has_errors:
            errors.append(
                _("%(line)s : %(message)s") % {"line": name, "message": _("le prix ne peut pas être calculé.")}
            )
    if errors:
        raise ConfiguratorRefused(
            "errors",
            _("La commande n'a pas été passée : corrigez d'abord les erreurs des lignes ci-dessous."),
            errors,
        )
    if warnings:
        raise ConfiguratorRefused(
            "warnings",
            _("La commande n'a pas été passée : confirmez d'abord les avertissements des lignes ci-dessous."),
            warnings,
        )


def snapshot_of(line: OrderLine, result: Evaluated, ordered_at: datetime) -> dict[str, object]:
    """What was ordered, self-contained: it reads the same whatever catalogue is loaded later."""
    version = result.product_version.version
    snapshot = result.evaluation.as_json()
    snapshot.update(
        {
            "catalogue_version": version.number,
            "catalogue_hash": version.content_hash,
            "product_version": result.product_version.pk,
            "product_name": result.definition.name.as_dict(),
            "quantity": line.quantity,
            "line_net_total": None if line.net_amount is None else str(line.net_amount),
            "acknowledged": list(result.acknowledged),
            "ordered_at": ordered_at.isoformat(),
        }
    )
    return snapshot
