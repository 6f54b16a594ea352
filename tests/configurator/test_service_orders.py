"""Service orders (FAQ: « Comment passer une demande de service ? »), through the services: the
service order a « Demande de service » opens, the parts of an item found « Selon numéro de
garantie » or « Selon mesures », « Votre référence » and « Passer la commande »; every bad input
refused with its words and nothing written."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from catalogue.models import Product
from communication.signals import service_requested
from configurator import lookup, services
from configurator.models import OrderLine, ServiceOrder, WarrantyItem, WarrantyItemState
from configurator.parts import parts_of
from configurator.services import ConfiguratorRefused
from configurator.signals import order_placed
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from dossiers.services import cancel_dossier, create_dossier
from tests.catalogue.demo import DEMO_PATH
from tests.factories import DealerFactory

from .conftest import FIXSCREEN, add, deliver

pytestmark = pytest.mark.django_db


def _items(dossier: Dossier) -> list[WarrantyItem]:
    return list(WarrantyItem.objects.filter(dossier=dossier).select_related("line").order_by("line__position", "index"))


def _key(item: WarrantyItem, fragment: str) -> str:
    """The form key of the item's part whose article code contains ``fragment``."""
    return next(part.key for part in parts_of(item.line.snapshot or {}) if fragment in part.code)


def _add(dossier: Dossier, user: User, item: WarrantyItem, chosen: dict[str, str], **kwargs: Any) -> OrderLine:
    return services.add_service_line(dossier=dossier, user=user, number=item.display_number, chosen=chosen, **kwargs)


def _refused(code: str, call: Any) -> ConfiguratorRefused:
    lines, orders = OrderLine.objects.count(), ServiceOrder.objects.filter(original__isnull=False).count()
    with pytest.raises(ConfiguratorRefused) as refused:
        call()
    assert refused.value.code == code, refused.value.message
    assert (OrderLine.objects.count(), ServiceOrder.objects.filter(original__isnull=False).count()) == (lines, orders)
    return refused.value


@pytest.fixture
def placed() -> Any:
    calls: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        calls.append(kwargs)

    order_placed.connect(receiver, dispatch_uid="test-order-placed")
    yield calls
    order_placed.disconnect(dispatch_uid="test-order-placed")


# --- the service request unlocks the Configurateur ------------------------------------------------


def test_a_service_request_opens_the_service_order_of_its_dossier(requested: Dossier, owner: User) -> None:
    order = ServiceOrder.objects.get(dossier=requested)
    assert order.placed_at is None and order.opened_by == owner
    assert order.request is not None and order.request.type == "service_request"


def test_the_service_order_is_opened_once_whatever_the_signal_says_twice(requested: Dossier, owner: User) -> None:
    message = ServiceOrder.objects.get().request
    service_requested.send(sender=None, dossier=requested, message=message, user=owner)
    services.open_service_order(dossier=requested, user=owner)
    assert ServiceOrder.objects.filter(dossier=requested).count() == 1


def test_no_service_order_without_a_service_request(completed: Dossier, owner: User) -> None:
    assert services.open_service_order(dossier=completed, user=owner) is None
    item = _items(completed)[0]
    refused = _refused("service_request", lambda: _add(completed, owner, item, {_key(item, "GDR"): "1"}))
    assert "«\u00a0Demande de service\u00a0»" in refused.message


# --- « Selon numéro de garantie » ---------------------------------------------------------------


def test_the_parts_chosen_keep_the_original_article_codes_and_cut_lengths(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    original = {c["code"]: c for c in item.line.snapshot["components"]}
    line = _add(requested, owner, item, {_key(item, "GDR"): "2", _key(item, "DX-FAB"): "1", _key(item, "MOT"): "1"})
    assert line.warranty_item == item and line.product.code == "SRV" and line.service_order is not None
    guide, fabric, motor = line.parts
    assert guide["code"] == "DX-FX10-GDR-S045-C9016" and guide["cut_mm"] == original[guide["code"]]["cut_mm"] == 2375
    assert (guide["pieces"], guide["quantity"], guide["unit"]) == (2, "2", "mm")
    assert fabric["quantity"] == original[fabric["code"]]["quantity"] and fabric["cut_mm"] is None  # one panel
    assert motor["code"].startswith("DX-MOT-IO00-")
    assert line.summary["fr"] == f"{item.display_number} · Fixscreen 100 EVO · 4 pièces"
    assert line.summary["nl"] == f"{item.display_number} · Fixscreen 100 EVO · 4 onderdelen"
    assert line.unit_net_amount == 25  # under warranty: the parts are free, the shipping is not
    assert ServiceOrder.objects.get().original == requested


def test_a_changed_catalogue_does_not_change_the_cut_of_a_spare_part(requested: Dossier, owner: User) -> None:
    from catalogue.schema import parse_catalogue
    from catalogue.services import store_catalogue

    text = DEMO_PATH.read_text(encoding="utf-8")
    changed = text.replace('cut_mm: "height_mm - 105"', 'cut_mm: "height_mm - 120"')
    assert changed != text
    store_catalogue(catalogue=parse_catalogue(changed, "demo-cut.yaml"), filename="demo-cut.yaml")
    item = _items(requested)[0]
    line = _add(requested, owner, item, {_key(item, "GDR"): "1"})
    assert line.parts[0]["cut_mm"] == 2375  # 2480 - 105, as the original was cut


def test_a_number_typed_with_spaces_or_dots_is_found(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    spaced = " ".join(item.number[i : i + 3] for i in range(0, 12, 3))
    line = services.add_service_line(dossier=requested, user=owner, number=spaced, chosen={_key(item, "GDR"): "1"})
    assert line.warranty_item == item


@pytest.mark.parametrize(
    ("mangle", "code", "words"),
    [
        (lambda n: n[:5] + str((int(n[5]) + 1) % 10) + n[6:], "checksum", "chiffre de contrôle"),
        (lambda n: n[:4] + "A" + n[5:], "format", "12 chiffres"),
        (lambda n: n[:-1], "format", "12 chiffres"),
        (lambda n: "", "format", "12 chiffres"),
    ],
    ids=["one wrong digit", "a letter", "a digit missing", "empty"],
)
def test_a_mistyped_warranty_number_says_what_is_wrong(
    requested: Dossier, owner: User, mangle: Any, code: str, words: str
) -> None:
    item = _items(requested)[0]
    refused = _refused(
        code,
        lambda: services.add_service_line(
            dossier=requested, user=owner, number=mangle(item.number), chosen={_key(item, "GDR"): "1"}
        ),
    )
    assert words in refused.message


def test_another_customers_number_is_introuvable_like_an_unknown_one(
    requested: Dossier, owner: User, outsider: User, products: dict[str, Product], staff: User
) -> None:
    theirs = create_dossier(customer=outsider.customer, user=outsider, product=products["FX100"], reference="Leur")
    add(theirs, outsider, products["FX100"], FIXSCREEN)
    theirs = deliver(theirs, outsider, staff)
    their_item = _items(theirs)[0]
    mine = _items(requested)[0]
    foreign = _refused("not_found", lambda: _add(requested, owner, their_item, {_key(their_item, "GDR"): "1"}))
    unknown_number = mine.number[:5] + "999999"
    from stdnum import damm

    unknown_number += damm.calc_check_digit(unknown_number)
    unknown = _refused(
        "not_found",
        lambda: services.add_service_line(
            dossier=requested, user=owner, number=unknown_number, chosen={_key(mine, "GDR"): "1"}
        ),
    )
    assert foreign.message == unknown.message
    assert "introuvable" in foreign.message and "Leur" not in foreign.message


def test_a_cancelled_item_is_refused(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    WarrantyItem.objects.filter(pk=item.pk).update(state=WarrantyItemState.CANCELLED)
    refused = _refused("cancelled", lambda: _add(requested, owner, item, {_key(item, "GDR"): "1"}))
    assert item.display_number in refused.message and "annulé" in refused.message


def test_an_item_of_a_cancelled_order_is_refused(
    customer: Any, owner: User, staff: User, products: dict[str, Product]
) -> None:
    dossier = create_dossier(customer=customer, user=owner, product=products["FX100"], reference="Annulée")
    add(dossier, owner, products["FX100"], FIXSCREEN)
    services.place_order(dossier=dossier, user=owner)
    cancel_dossier(dossier=dossier, user=staff)
    item = _items(dossier)[0]
    service = create_dossier(customer=customer, user=owner, product=products["SRV"], reference="")
    _refused("cancelled", lambda: _add(service, owner, item, {_key(item, "GDR"): "1"}))


@pytest.mark.parametrize(
    ("chosen", "code"),
    [
        ({}, "no_part"),
        ({"GDR": "0"}, "quantity"),
        ({"GDR": "10000"}, "quantity"),
        ({"GDR": "-1"}, "quantity"),
        ({"GDR": "deux"}, "quantity"),
        ({"GDR": "1,5"}, "quantity"),
        ({"GDR": ""}, "quantity"),
        ({"99": "1"}, "part_unknown"),
        ({"DX-FX10-GDR-S045-C9016": "1"}, "part_unknown"),
    ],
    ids=["nothing", "0", "10 000", "negative", "words", "decimal", "empty", "unknown key", "a code as key"],
)
def test_a_bad_choice_of_parts_is_refused_and_nothing_is_saved(
    requested: Dossier, owner: User, chosen: dict[str, str], code: str
) -> None:
    item = _items(requested)[0]
    keys = {(_key(item, key) if key == "GDR" else key): value for key, value in chosen.items()}
    refused = _refused(code, lambda: _add(requested, owner, item, keys))
    if code == "part_unknown":
        assert item.display_number in refused.message


def test_part_keys_name_the_components_of_the_chosen_item(requested: Dossier, owner: User) -> None:
    big, _second, small = _items(requested)
    # The small screen's part list is as long as the big one's, so a key names a component of
    # each: the part is the chosen item's own, with its own cut length.
    line = _add(requested, owner, small, {_key(small, "GDR"): "1"})
    assert line.parts[0]["cut_mm"] == 1600 - 105
    assert line.parts[0]["cut_mm"] != next(c["cut_mm"] for c in big.line.snapshot["components"] if "GDR" in c["code"])


def test_the_same_item_twice_in_one_service_order_is_refused(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "GDR"): "1"})
    _refused("item_twice", lambda: _add(requested, owner, item, {_key(item, "MOT"): "1"}))


def test_an_item_of_another_dossier_is_ordered_from_its_own_dossier(
    requested: Dossier, owner: User, staff: User, customer: Any, products: dict[str, Product]
) -> None:
    other = create_dossier(customer=customer, user=owner, product=products["FX100"], reference="Bureau")
    add(other, owner, products["FX100"], FIXSCREEN)
    other = deliver(other, owner, staff)
    item = _items(other)[0]
    refused = _refused("other_dossier", lambda: _add(requested, owner, item, {_key(item, "GDR"): "1"}))
    assert other.number in refused.message and "Nouvelle demande" in refused.message


def test_an_out_of_warranty_item_needs_its_warning_confirmed_and_is_charged(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    WarrantyItem.objects.filter(pk=item.pk).update(created_at=item.created_at.replace(year=item.created_at.year - 6))
    item.refresh_from_db()
    refused = _refused("warnings", lambda: _add(requested, owner, item, {_key(item, "GDR"): "2"}))
    assert "avertissements" in refused.message
    line = _add(requested, owner, item, {_key(item, "GDR"): "2"}, acknowledged=["SRV-W001"])
    assert line.unit_net_amount == 2 * 45 + 2 * 15 + 25  # the list price, the cutting and the shipping


def test_damage_by_the_user_is_not_covered(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    _refused("warnings", lambda: _add(requested, owner, item, {_key(item, "MOT"): "1"}, reason="damage_user"))
    line = _add(requested, owner, item, {_key(item, "MOT"): "1"}, reason="damage_user", acknowledged=["SRV-W002"])
    assert line.values == {"reason": "damage_user"} and line.unit_net_amount == 45 + 25


def test_a_reason_the_product_does_not_offer_is_refused(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    _refused("input", lambda: _add(requested, owner, item, {_key(item, "MOT"): "1"}, reason="vandalisme"))


# --- « Selon mesures » ----------------------------------------------------------------------


def _scope(dossier: Dossier) -> lookup.Scope:
    return lookup.Scope(customer=dossier.customer, dossier=dossier)


def test_measurements_find_the_one_item_of_those_dimensions(requested: Dossier) -> None:
    small = _items(requested)[2]
    found = lookup.by_measurements(_scope(requested), requested.order_number, "1400", "1600", tolerance=10)
    assert found == [small]


def test_measurements_within_the_tolerance_find_it_and_outside_do_not(requested: Dossier, settings: Any) -> None:
    number = " " + requested.order_number.lower() + " "  # typed carelessly
    assert len(lookup.by_measurements(_scope(requested), number, "1 410", "1590", tolerance=10)) == 1
    assert len(lookup.by_measurements(_scope(requested), number, "1405,5", "", tolerance=10)) == 1
    with pytest.raises(lookup.LookupRefused) as refused:
        lookup.by_measurements(_scope(requested), number, "1411", "1600", tolerance=10)
    assert refused.value.code == "no_match"
    assert "à 10 mm près" in refused.value.message
    assert "1400 × 1600" in refused.value.message and "2130 × 2480" in refused.value.message
    assert len(lookup.by_measurements(_scope(requested), number, "1411", "1600", tolerance=15)) == 1


def test_measurements_matching_several_items_list_them_all(requested: Dossier) -> None:
    first, second, _small = _items(requested)
    found = lookup.by_measurements(_scope(requested), requested.order_number, "2130", "2480", tolerance=10)
    assert found == [first, second]


@pytest.mark.parametrize(
    ("width", "height", "field", "code"),
    [
        ("", "", "width", "required"),
        ("large", "", "width", "not_a_number"),
        ("2130", "2m48", "height", "not_a_number"),
        ("-5", "", "width", "not_a_number"),
        ("1e9", "", "width", "not_a_number"),
    ],
)
def test_dimensions_that_are_not_millimetres_are_refused_on_their_field(
    requested: Dossier, width: str, height: str, field: str, code: str
) -> None:
    with pytest.raises(lookup.LookupRefused) as refused:
        lookup.by_measurements(_scope(requested), requested.order_number, width, height, tolerance=10)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_an_order_number_of_another_customer_is_introuvable_like_an_unknown_one(
    requested: Dossier, outsider: User, staff: User, products: dict[str, Product]
) -> None:
    theirs = create_dossier(customer=outsider.customer, user=outsider, product=products["FX100"], reference="Leur")
    add(theirs, outsider, products["FX100"], FIXSCREEN)
    theirs = deliver(theirs, outsider, staff)
    scope = lookup.Scope(customer=requested.customer)
    messages = []
    for number in (theirs.order_number, "C1999999999"):
        with pytest.raises(lookup.LookupRefused) as refused:
            lookup.by_measurements(scope, number, "2130", "2480", tolerance=10)
        assert refused.value.code == "order_not_found"
        messages.append(refused.value.message)
    assert messages[0] == messages[1]


# --- « Passer la commande » -----------------------------------------------------------------


def test_an_empty_reference_records_the_service_order_under_the_original_number_and_reference(
    requested: Dossier, owner: User, placed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "GDR"): "2"})
    with django_capture_on_commit_callbacks(execute=True):
        result = services.place_order(dossier=requested, user=owner)  # the same button
    dossier = Dossier.objects.get(pk=requested.pk)
    assert dossier.status == Status.ORDERED
    order = result.service_order
    assert order is not None and order.placed_at is not None
    assert (order.order_number, order.reference) == (requested.order_number, "Villa Leroy")
    assert (dossier.linked_order_number, dossier.linked_reference) == (requested.order_number, "Villa Leroy")
    line = OrderLine.objects.get(service_order=order)
    assert line.snapshot["components"] == [
        {
            "code": "DX-FX10-GDR-S045-C9016",
            "description": line.parts[0]["description"],
            "quantity": "2",
            "unit": "mm",
            "cut_mm": 2375,
        }
    ]
    assert line.snapshot["service"]["warranty_number"] == item.number
    [call] = placed
    assert (call["dossier"].pk, call["user"], call["items"], call["service_order"]) == (dossier.pk, owner, [], order)
    event = HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ITEMS_ORDERED).latest("id")
    assert event.data["service"] is True and event.data["pieces"] == 2
    assert "Commande de service" in event.description


def test_a_reference_gives_the_service_order_a_new_number(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "MOT"): "1"})
    order = services.place_service_order(dossier=requested, user=owner, reference="SAV store cuisine").service_order
    assert order is not None and order.reference == "SAV store cuisine"
    assert re.fullmatch(r"C\d{10}", order.order_number) and order.order_number != requested.order_number
    dossier = Dossier.objects.get(pk=requested.pk)
    assert (dossier.order_number, dossier.reference) == (requested.order_number, "Villa Leroy")  # the original's
    assert (dossier.linked_order_number, dossier.linked_reference) == (order.order_number, "SAV store cuisine")


def test_placing_twice_places_one_service_order(
    requested: Dossier, owner: User, placed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "MOT"): "1"})
    with django_capture_on_commit_callbacks(execute=True):
        services.place_service_order(dossier=requested, user=owner)
    refused = _refused("already_ordered", lambda: services.place_service_order(dossier=requested, user=owner))
    assert requested.order_number in refused.message
    assert len(placed) == 1
    assert HistoryEvent.objects.filter(dossier=requested, kind=EventKind.ORDER_PLACED).count() == 2  # + the original


def test_a_service_order_without_parts_is_refused(requested: Dossier, owner: User) -> None:
    refused = _refused("empty", lambda: services.place_service_order(dossier=requested, user=owner))
    assert "Selon numéro de garantie" in refused.message
    assert Dossier.objects.get(pk=requested.pk).status == Status.SERVICE_REQUESTED


def test_a_service_line_is_taken_off_but_never_edited_or_duplicated(requested: Dossier, owner: User) -> None:
    item = _items(requested)[0]
    line = _add(requested, owner, item, {_key(item, "MOT"): "1"})
    _refused(
        "service_line",
        lambda: services.update_line(
            line=line, user=owner, values={}, quantity=1, acknowledged=[], revision=line.revision
        ),
    )
    _refused("service_line", lambda: services.duplicate_line(line=line, user=owner))
    services.remove_service_line(line=line, user=owner)
    assert not OrderLine.objects.filter(pk=line.pk).exists()


def test_copying_the_dossier_leaves_the_service_lines_behind(requested: Dossier, owner: User) -> None:
    from dossiers.services import copy_dossier

    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "MOT"): "1"})
    copy = copy_dossier(dossier=requested, user=owner)
    assert OrderLine.objects.filter(dossier=copy).count() == 2
    assert not OrderLine.objects.filter(dossier=copy, warranty_item__isnull=False).exists()


# --- via a new dossier: « Nouvelle demande », product « Service » -----------------------------


@pytest.fixture
def service_dossier(customer: Any, owner: User, products: dict[str, Product]) -> Dossier:
    return create_dossier(customer=customer, user=owner, product=products["SRV"], reference="Remplacement moteur")


def test_a_service_dossier_finds_items_of_every_dossier_of_the_customer(
    requested: Dossier, service_dossier: Dossier, owner: User
) -> None:
    assert services.open_service_order(dossier=service_dossier, user=owner) is not None
    item = _items(requested)[2]
    line = _add(service_dossier, owner, item, {_key(item, "MOT"): "1"})
    assert line.dossier == service_dossier and line.warranty_item == item
    assert ServiceOrder.objects.get(dossier=service_dossier).original == requested


def test_a_service_dossier_concerns_one_original_order(
    requested: Dossier, service_dossier: Dossier, owner: User, staff: User, customer: Any, products: dict[str, Product]
) -> None:
    other = create_dossier(customer=customer, user=owner, product=products["FX100"], reference="Bureau")
    add(other, owner, products["FX100"], FIXSCREEN)
    other = deliver(other, owner, staff)
    first = _items(requested)[0]
    _add(service_dossier, owner, first, {_key(first, "MOT"): "1"})
    item = _items(other)[0]
    refused = _refused("other_order", lambda: _add(service_dossier, owner, item, {_key(item, "MOT"): "1"}))
    assert requested.order_number in refused.message and other.order_number in refused.message


def test_a_service_dossier_with_an_empty_reference_takes_the_original_number_and_reference(
    requested: Dossier, service_dossier: Dossier, owner: User
) -> None:
    item = _items(requested)[0]
    _add(service_dossier, owner, item, {_key(item, "MOT"): "1"})
    result = services.place_service_order(dossier=service_dossier, user=owner, reference="")
    dossier = Dossier.objects.get(pk=service_dossier.pk)
    assert dossier.status == Status.ORDERED
    assert (dossier.order_number, dossier.reference) == (requested.order_number, "Villa Leroy")
    assert (dossier.linked_order_number, dossier.linked_reference) == (requested.order_number, "Villa Leroy")
    assert item.number in dossier.warranty_numbers and item.display_number in dossier.warranty_numbers
    assert result.items == []
    assert Dossier.objects.get(pk=requested.pk).status == Status.SERVICE_REQUESTED  # left alone


def test_a_service_dossier_with_a_reference_gets_its_own_order_number(
    requested: Dossier, service_dossier: Dossier, owner: User
) -> None:
    item = _items(requested)[0]
    _add(service_dossier, owner, item, {_key(item, "MOT"): "1"})
    services.place_service_order(dossier=service_dossier, user=owner, reference="Remplacement moteur")
    dossier = Dossier.objects.get(pk=service_dossier.pk)
    assert dossier.reference == "Remplacement moteur" and dossier.order_number != requested.order_number
    assert dossier.linked_order_number == requested.order_number


def test_the_service_product_is_not_configured_like_a_product(service_dossier: Dossier, owner: User) -> None:
    _refused(
        "service_product",
        lambda: services.add_line(dossier=service_dossier, user=owner, product=service_dossier.product, values={}),
    )


def test_another_customers_dealer_cannot_use_the_services_on_my_dossier(requested: Dossier) -> None:
    stranger = DealerFactory()
    item = _items(requested)[0]
    _refused("not_found", lambda: _add(requested, stranger, item, {_key(item, "MOT"): "1"}))


# --- at the same moment ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_service_orders_place_one(
    requested: Dossier, owner: User, colleague: User, placed: list[dict[str, Any]]
) -> None:
    item = _items(requested)[0]
    _add(requested, owner, item, {_key(item, "MOT"): "1"})
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def order(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            result = services.place_service_order(dossier=Dossier.objects.get(pk=requested.pk), user=user)
            assert result.service_order is not None
            numbers.append(result.service_order.order_number)
        except ConfiguratorRefused as refusal:
            refused.append(refusal.code)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(user,)) for user in (owner, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert numbers == [requested.order_number] and refused == ["already_ordered"]
    assert ServiceOrder.objects.filter(placed_at__isnull=False).count() == 1
    assert len(placed) == 1
