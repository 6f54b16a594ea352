"""« Passer la commande »: every refusal with its message, and what a placed order writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalogue.models import Product
from configurator import services, warranty
from configurator.models import OrderLine, WarrantyItem
from configurator.services import ConfiguratorRefused
from configurator.signals import order_placed
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind, Status
from tests.catalogue.demo import load_demo_catalogue_v2

from .conftest import FIXSCREEN, FIXSCREEN_CRANK, FIXSCREEN_NO_SENSOR, GRILLE, add

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 3)  # ISO week 23 of 2026


def _refusal(dossier: Dossier, user: User) -> ConfiguratorRefused:
    with pytest.raises(ConfiguratorRefused) as refused:
        services.place_order(dossier=dossier, user=user, today=TODAY)
    return refused.value


def test_an_empty_dossier_is_refused(screens: Dossier, owner: User) -> None:
    refusal = _refusal(screens, owner)
    assert refusal.code == "empty"
    assert str(refusal) == (
        "Ce dossier ne contient aucune ligne\u00a0: ajoutez un produit avant de passer la commande."
    )


def test_a_line_with_an_error_is_refused_with_the_error(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    add(screens, owner, products["FX100"], FIXSCREEN_CRANK)
    refusal = _refusal(screens, owner)
    assert refusal.code == "errors"
    assert str(refusal) == ("La commande n'a pas été passée\u00a0: corrigez d'abord les erreurs des lignes ci-dessous.")
    assert refusal.problems == [
        "Ligne 2 (Fixscreen 100 EVO)\u00a0: Trop grand pour une commande par manivelle\u00a0: choisissez un moteur."
    ]
    screens.refresh_from_db()
    assert (screens.status, screens.order_number) == (Status.ACTIVE, "")
    assert not WarrantyItem.objects.exists()


def test_an_unacknowledged_warning_is_refused_and_an_acknowledged_one_orders(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    refusal = _refusal(screens, owner)
    assert refusal.code == "warnings"
    assert str(refusal) == (
        "La commande n'a pas été passée\u00a0: confirmez d'abord les avertissements des lignes ci-dessous."
    )
    assert refusal.problems == [
        "Ligne 1 (Fixscreen 100 EVO)\u00a0: Capteur de vent fortement recommandé\u00a0; enrouler au-delà de 60 km/h."
    ]
    services.update_line(
        line=line, user=owner, values=FIXSCREEN_NO_SENSOR, quantity=1, acknowledged=["G-W005"], revision=1
    )
    placed = services.place_order(dossier=screens, user=owner, today=TODAY)
    assert placed.dossier.status == Status.ORDERED
    assert placed.lines[0].snapshot["acknowledged"] == ["G-W005"]


@pytest.mark.parametrize("status", [Status.ORDERED, Status.IN_PRODUCTION, Status.DELIVERED, Status.COMPLETED])
def test_an_ordered_dossier_is_refused_with_its_order_number(
    screens: Dossier, owner: User, products: dict[str, Product], status: Status
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    Dossier.objects.filter(pk=screens.pk).update(status=status, order_number="C2026000042")
    refusal = _refusal(screens, owner)
    assert refusal.code == "already_ordered"
    assert str(refusal) == "Ce dossier est déjà commandé (numéro de commande C2026000042)."


def test_a_cancelled_dossier_is_refused(screens: Dossier, owner: User, products: dict[str, Product]) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    dossier_services.cancel_dossier(dossier=screens, user=owner)
    refusal = _refusal(screens, owner)
    assert refusal.code == "cancelled"
    assert str(refusal) == "Ce dossier est annulé\u00a0: il ne peut plus être commandé."


def test_a_product_withdrawn_from_the_catalogue_is_refused(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    Product.objects.filter(code="FX100").update(is_active=False)
    refusal = _refusal(screens, owner)
    assert refusal.code == "unavailable"
    assert refusal.problems == [
        "Ligne 1 (Fixscreen 100 EVO)\u00a0: ce produit ne figure plus au catalogue actuel\u00a0; supprimez la ligne."
    ]


def test_an_order_snapshots_every_line_and_numbers_every_item(
    screens: Dossier,
    owner: User,
    products: dict[str, Product],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    second = add(screens, owner, products["FX150"], {**FIXSCREEN, "width_mm": "3000"}, acknowledged=[])
    services.update_line(
        line=second,
        user=owner,
        values={**FIXSCREEN, "width_mm": "3000"},
        quantity=1,
        acknowledged=["FX150-W001"],
        revision=1,
    )
    received: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        received.append(kwargs)

    order_placed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            placed = services.place_order(dossier=screens, user=owner, today=TODAY)
    finally:
        order_placed.disconnect(receiver)

    dossier = Dossier.objects.get(pk=screens.pk)
    assert dossier.status == Status.ORDERED
    assert dossier.order_number.startswith("C2026")
    second.refresh_from_db()
    assert second.unit_net_amount is not None
    assert placed.net_total == Decimal("2870.00") + second.unit_net_amount

    first.refresh_from_db()
    snapshot = first.snapshot
    assert snapshot["catalogue_version"] == 1
    assert snapshot["quantity"] == 2
    assert snapshot["values"]["width_mm"] == "2130"
    assert snapshot["derived"]["area_m2"] == "5.2824"
    assert snapshot["net_total"] == "1435.00" and snapshot["line_net_total"] == "2870.00"
    assert [line["label"]["en"] for line in snapshot["price_lines"]][:2] == [
        "Base price (price grid)",
        "Somfy io motor",
    ]
    assert {
        "code": "DX-FX10-GDR-S045-C7016",
        "description": snapshot["components"][3]["description"],
        "quantity": "2",
        "unit": "mm",
        "cut_mm": 2375,
    } == snapshot["components"][3]

    items = list(WarrantyItem.objects.order_by("line__position", "index"))
    assert [(item.line_id, item.index, item.family) for item in items] == [
        (first.pk, 1, 1),
        (first.pk, 2, 1),
        (second.pk, 1, 2),
    ]
    numbers = [item.number for item in items]
    for number in numbers:
        assert warranty.normalise(number) == number
        assert number.startswith("2623")  # 2026, week 23
    assert [warranty.decode(n).sequence for n in numbers] == [1, 2, 1]  # one sequence per family
    assert all(item.customer_id == dossier.customer_id and item.dossier_id == dossier.pk for item in items)

    kinds = list(dossier.events.order_by("id").values_list("kind", flat=True))
    # Then, once committed, the order confirmation is generated (documents app).
    assert kinds[-4:] == [
        EventKind.STATUS_CHANGED,
        EventKind.ORDER_PLACED,
        EventKind.ITEMS_ORDERED,
        EventKind.DOCUMENT_GENERATED,
    ]
    event = dossier.events.get(kind=EventKind.ITEMS_ORDERED)
    assert event.data == {"lines": 2, "items": 3, "net_total": str(placed.net_total)}
    assert event.description.startswith("3 articles commandés, 2 lignes, total net ")

    for number in numbers:
        assert number in dossier.warranty_numbers
        assert warranty.display(number) in dossier.warranty_numbers
    assert len(received) == 1
    assert received[0]["dossier"].pk == dossier.pk and len(received[0]["items"]) == 3


def test_a_quote_can_be_ordered(screens: Dossier, owner: User, products: dict[str, Product]) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    dossier_services.request_quote(dossier=screens, user=owner)
    placed = services.place_order(dossier=screens, user=owner, today=TODAY)
    assert placed.dossier.status == Status.ORDERED


def test_ordering_twice_places_one_order(screens: Dossier, owner: User, products: dict[str, Product]) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    first = services.place_order(dossier=screens, user=owner, today=TODAY)
    refusal = _refusal(screens, owner)
    assert refusal.code == "already_ordered"
    assert WarrantyItem.objects.count() == 1
    assert Dossier.objects.get(pk=screens.pk).order_number == first.dossier.order_number


def test_the_order_is_evaluated_under_the_current_catalogue_version(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    load_demo_catalogue_v2()
    services.place_order(dossier=screens, user=owner, today=TODAY)
    line.refresh_from_db()
    assert line.snapshot["catalogue_version"] == 2
    assert line.snapshot["net_total"] == "1445.00"
    assert line.product_version.version.number == 2
    assert WarrantyItem.objects.get().catalogue_version.number == 2


def test_a_spare_part_line_gets_no_warranty_number_and_a_loggia_follows_its_ordered_roof(
    customer: Any, owner: User, products: dict[str, Product]
) -> None:
    from .conftest import new_dossier

    dossier = new_dossier(customer, owner, products["ALGV"], "Terrasse Martin")
    roof = add(dossier, owner, products["ALGV"], {"width_mm": "4500", "projection_mm": "3500", "sensor_wind": True})
    loggia = add(dossier, owner, products["LOGG"], {"height_mm": "2500"}, parent=roof)
    services.place_order(dossier=dossier, user=owner, today=TODAY)
    loggia.refresh_from_db()
    assert loggia.snapshot["net_total"] == "3666.00"
    assert sorted(WarrantyItem.objects.values_list("family", flat=True)) == [4, 6]


def test_warranty_numbers_are_found_in_the_overview_with_and_without_separators(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product], ventilation: Dossier
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    add(ventilation, owner, products["INVV"], GRILLE)
    services.place_order(dossier=screens, user=owner, today=TODAY)
    number = WarrantyItem.objects.get().number
    for typed in (number, warranty.display(number)):
        body = owner_client.get(reverse("dossiers:dossier-list"), {"q": typed}).content.decode()
        assert screens.number in body and ventilation.number not in body, typed


def test_lines_of_an_ordered_dossier_keep_their_snapshot(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    services.place_order(dossier=screens, user=owner, today=TODAY)
    assert all(line.is_ordered for line in OrderLine.objects.all())
