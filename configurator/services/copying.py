"""« Copier le dossier »: the copy gets the lines, evaluated again under today's catalogue."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind

from ..display import LineDisplay
from ..evaluation import cache_on, current_product_version, evaluate_values
from ..models import OrderLine

# Shown on a copied line whose product is no longer in the catalogue (in every language,
# like the engine's messages: the tab picks the reader's).
WITHDRAWN = {
    "fr": "Ce produit ne figure plus au catalogue actuel\u00a0: supprimez cette ligne.",
    "nl": "Dit product staat niet meer in de huidige catalogus: verwijder deze lijn.",
    "de": "Dieses Produkt ist nicht mehr im aktuellen Katalog: bitte diese Zeile löschen.",
    "en": "This product is no longer in the current catalogue: remove this line.",
}


@transaction.atomic
def copy_lines(*, source: Dossier, copy: Dossier, user: User) -> list[OrderLine]:
    """Copy ``source``'s lines into ``copy`` (its new Actif dossier), each evaluated again.

    The values are copied as typed; prices, messages and components are today's. The
    acknowledgements are not: the dealer confirms the warnings again for the new order.
    Accessories stay attached to the copy of their roof. A line whose product left the
    catalogue is copied with an error that says so. Service order lines stay behind.
    """
    # The parts of a service order were for delivered items: not part of a new order.
    lines = list(OrderLine.objects.of_dossier(source).filter(warranty_item__isnull=True))
    copies: dict[int, OrderLine] = {}
    with_errors = 0
    for line in sorted(lines, key=lambda line: line.parent_id is not None):
        new = OrderLine(
            dossier=copy,
            position=line.position,
            product=line.product,
            parent=copies.get(line.parent_id) if line.parent_id is not None else None,
            quantity=line.quantity,
            values=dict(line.values),
        )
        product_version = current_product_version(line.product) if line.product.is_active else None
        if product_version is None:
            _withdrawn(new, line)
        else:
            cache_on(new, evaluate_values(product_version, new.values, customer=copy.customer, parent=new.parent))
        new.save()
        copies[line.pk] = new
        with_errors += new.error_count > 0
    if lines:
        dossier_services.record_event(
            dossier=copy,
            kind=EventKind.LINES_COPIED,
            actor=user,
            data={"lines": len(lines), "with_errors": with_errors},
        )
    return sorted(copies.values(), key=lambda line: line.position)


def _withdrawn(new: OrderLine, source: OrderLine) -> None:
    display = LineDisplay(
        summary=dict(source.summary),
        messages=[{"id": "PRODUCT-WITHDRAWN", "severity": "error", "fields": [], "text": WITHDRAWN}],
        error_count=1,
        warning_count=0,
    )
    new.product_version_id = source.product_version_id
    new.evaluated_values = dict(source.evaluated_values)
    new.unit_net_amount = None
    new.summary, new.messages = display.summary, display.messages
    new.error_count, new.warning_count = display.error_count, display.warning_count
