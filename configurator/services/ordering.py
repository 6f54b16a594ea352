"""« Passer la commande »: every line evaluated again, then the order in one transaction.

Under the dossier's row lock, so a double click, a replayed POST or a colleague's click
at the same moment waits for the first order and is then told the dossier is already
ordered: there is one order, one order number, one set of warranty numbers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.models import ProductVersion
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind

from .. import warranty
from ..after_sales import in_service_mode
from ..evaluation import Evaluated, cache_on, evaluate_values, json_values
from ..models import OrderLine, WarrantyItem
from ..signals import order_placed
from .lines import lock_dossier
from .placing import PlacedOrder, line_name, refuse_unless_orderable, snapshot_of
from .refusals import ConfiguratorRefused, not_orderable
from .service_orders import already_placed, place_service_order


@transaction.atomic
def place_order(*, dossier: Dossier, user: User, today: date | None = None) -> PlacedOrder:
    """Order every line of ``dossier`` (Actif or Offre) under the current catalogue version.

    Refused (:class:`ConfiguratorRefused`, nothing written) when the dossier has no line,
    is already ordered or cancelled, a product left the catalogue, a line has an error or
    a warning that was not acknowledged. Otherwise: each line's snapshot, one warranty
    number per ordered item, the order number and status through
    :func:`dossiers.services.mark_ordered`, a Historique event, the numbers made
    searchable, and ``order_placed`` sent once committed.
    """
    locked = lock_dossier(dossier, user)
    if in_service_mode(locked):
        # After a « Demande de service », or in a « Service » dossier: the service order, as it is.
        return place_service_order(dossier=locked, user=user, today=today)
    if (refusal := already_placed(locked) or not_orderable(locked)) is not None:
        raise refusal
    lines = list(
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(dossier=locked)
        .order_by("position", "pk")
    )
    if not lines:
        raise ConfiguratorRefused(
            "empty", _("Ce dossier ne contient aucune ligne : ajoutez un produit avant de passer la commande.")
        )
    evaluated = _evaluate_all(locked, lines)
    refuse_unless_orderable(lines, evaluated)

    today = today or timezone.localdate()
    ordered_at = timezone.now()
    for line in lines:
        result = evaluated[line.pk]
        fields = cache_on(line, result)
        line.snapshot = snapshot_of(line, result, ordered_at)
        line.save(update_fields=[*fields, "snapshot", "updated_at"])
    items = _issue_warranty_numbers(locked, lines, evaluated, today)
    ordered = dossier_services.mark_ordered(dossier=locked, user=user)
    net_total = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    dossier_services.record_event(
        dossier=ordered,
        kind=EventKind.ITEMS_ORDERED,
        actor=user,
        data={"lines": len(lines), "items": sum(line.quantity for line in lines), "net_total": str(net_total)},
    )
    numbers = [item.number for item in items]
    # Searchable as printed (2423-1-004214-4) and as typed without separators.
    dossier_services.note_warranty_numbers(
        dossier=ordered, numbers=numbers + [warranty.display(number) for number in numbers]
    )
    transaction.on_commit(
        lambda: order_placed.send(sender=OrderLine, dossier=ordered, user=user, items=items, service_order=None)
    )
    return PlacedOrder(ordered, lines, items, net_total)


def _evaluate_all(dossier: Dossier, lines: list[OrderLine]) -> dict[int, Evaluated]:
    """Each line under the current version; roofs before the accessories that follow their sizes."""
    versions = {
        row.product_id: row
        for row in ProductVersion.objects.current()
        .without_definition()
        .select_related("version")
        .filter(product__in={line.product_id for line in lines}, product__is_active=True)
    }
    missing = [
        _("%(line)s : ce produit ne figure plus au catalogue actuel ; supprimez la ligne.")
        % {"line": line_name(line, number)}
        for number, line in enumerate(lines, 1)
        if line.product_id not in versions
    ]
    if missing:
        raise ConfiguratorRefused(
            "unavailable", _("La commande n'a pas été passée : un produit ne figure plus au catalogue."), missing
        )
    by_pk = {line.pk: line for line in lines}
    results: dict[int, Evaluated] = {}
    for line in sorted(lines, key=lambda line: line.parent_id is not None):
        parent = by_pk.get(line.parent_id) if line.parent_id is not None else None
        parent_values = json_values(results[parent.pk].evaluation.values) if parent and parent.pk in results else None
        results[line.pk] = evaluate_values(
            versions[line.product_id],
            line.values,
            customer=dossier.customer,
            parent=parent,
            parent_values=parent_values,
            acknowledged=line.acknowledged,
        )
    return results


def _issue_warranty_numbers(
    dossier: Dossier, lines: list[OrderLine], evaluated: dict[int, Evaluated], today: date
) -> list[WarrantyItem]:
    """One number per ordered item: year and ISO week of today, the product's family digit,
    a sequence per (year, week, family) reserved in one block per family."""
    year, week, _weekday = today.isocalendar()
    wanted: Counter[int] = Counter()
    for line in lines:
        family = evaluated[line.pk].definition.family_digit
        if family is not None:  # a spare part has no number of its own
            wanted[family] += line.quantity
    next_sequence: dict[int, int] = {}
    for family, count in wanted.items():
        last = dossier_services.next_number(f"warranty-{year % 100:02d}{week:02d}-{family}", count)
        next_sequence[family] = last - count + 1
    items: list[WarrantyItem] = []
    for line in lines:
        result = evaluated[line.pk]
        family = result.definition.family_digit
        if family is None:
            continue
        for index in range(1, line.quantity + 1):
            number = warranty.make_warranty_number(year, week, family, next_sequence[family])
            next_sequence[family] += 1
            items.append(
                WarrantyItem(
                    number=number,
                    line=line,
                    dossier=dossier,
                    customer_id=dossier.customer_id,
                    index=index,
                    family=family,
                    catalogue_version=result.product_version.version,
                )
            )
    return WarrantyItem.objects.bulk_create(items)
