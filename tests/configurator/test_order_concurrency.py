"""Two « Passer la commande » at the same moment (a double click, two tabs, a replayed POST) on
PostgreSQL: one order, one order number, one set of warranty numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import User
from catalogue.models import Product
from configurator import services
from configurator.models import WarrantyItem
from configurator.services import ConfiguratorRefused
from dossiers.models import Dossier, EventKind, HistoryEvent, Status

from .conftest import FIXSCREEN, add

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_orders_place_one(
    screens: Dossier, owner: User, colleague: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN, quantity=3)
    barrier = threading.Barrier(2)
    placed: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def order(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            placed.append(services.place_order(dossier=screens, user=user).dossier.order_number)
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
    assert len(placed) == 1 and refused == ["already_ordered"]
    dossier = Dossier.objects.get(pk=screens.pk)
    assert (dossier.status, dossier.order_number) == (Status.ORDERED, placed[0])
    assert WarrantyItem.objects.count() == 3
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ITEMS_ORDERED).count() == 1
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ORDER_PLACED).count() == 1


def test_an_order_and_a_line_edit_at_the_same_moment_never_order_a_half_edited_line(
    screens: Dossier, owner: User, colleague: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    errors: list[BaseException] = []

    def order() -> None:
        try:
            barrier.wait(timeout=10)
            services.place_order(dossier=screens, user=owner)
            outcomes["order"] = "placed"
        except ConfiguratorRefused as refusal:
            outcomes["order"] = refusal.code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def edit() -> None:
        try:
            barrier.wait(timeout=10)
            services.update_line(line=line, user=colleague, values=FIXSCREEN, quantity=4, acknowledged=[], revision=1)
            outcomes["edit"] = "saved"
        except ConfiguratorRefused as refusal:
            outcomes["edit"] = refusal.code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=order), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert outcomes["order"] == "placed"
    line.refresh_from_db()
    assert line.snapshot is not None
    # Whichever went first, the order is of the line as it was then, item for item.
    assert WarrantyItem.objects.count() == line.snapshot["quantity"]
    if outcomes["edit"] == "saved":
        assert line.quantity == 4 == line.snapshot["quantity"]
    else:
        assert outcomes["edit"] == "ordered"
        assert line.quantity == 1 == line.snapshot["quantity"]
