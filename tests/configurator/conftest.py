"""Fixtures of the Configurateur's database tests: the demo catalogue stored as version 1,
a dossier of each product group, and the values of a few typical lines."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Customer, User
from catalogue.models import CatalogueVersion, Product
from configurator import services
from configurator.models import OrderLine
from dossiers.models import Dossier
from dossiers.services import create_dossier
from tests.catalogue.demo import load_demo_catalogue

# A Fixscreen 100 with a wind sensor: no warning, €1 435 (the specification's worked example).
FIXSCREEN: dict[str, Any] = {"width_mm": "2130", "height_mm": "2 480", "sensors": ["wind_io"]}
# Too wide for a crank: FX100-E003.
FIXSCREEN_CRANK: dict[str, Any] = {"width_mm": "3000", "height_mm": "2480", "drive": "crank", "control": "ctl_none"}
# A motor without wind sensor: warning G-W005.
FIXSCREEN_NO_SENSOR: dict[str, Any] = {"width_mm": "2130", "height_mm": "2480"}
GRILLE: dict[str, Any] = {"length_mm": "1000", "frame_width_mm": "1200", "room_type": "bedroom", "floor_area_m2": "12"}


@pytest.fixture
def catalogue(db: None) -> CatalogueVersion:
    return load_demo_catalogue()


@pytest.fixture
def products(catalogue: CatalogueVersion) -> dict[str, Product]:
    return {product.code: product for product in Product.objects.all()}


def new_dossier(customer: Customer, user: User, product: Product, reference: str = "Villa Leroy") -> Dossier:
    return create_dossier(customer=customer, user=user, product=product, reference=reference)


@pytest.fixture
def screens(customer: Customer, owner: User, products: dict[str, Product]) -> Dossier:
    """An Actif dossier of the screens group (Fixscreen 100)."""
    return new_dossier(customer, owner, products["FX100"])


@pytest.fixture
def ventilation(customer: Customer, owner: User, products: dict[str, Product]) -> Dossier:
    return new_dossier(customer, owner, products["INVV"], "Résidence Les Tilleuls")


def add(dossier: Dossier, user: User, product: Product, values: dict[str, Any], **kwargs: Any) -> OrderLine:
    return services.add_line(dossier=dossier, user=user, product=product, values=values, **kwargs)


def deliver(dossier: Dossier, owner: User, staff: User) -> Dossier:
    """« Passer la commande », then the staff's steps to « Terminé »."""
    from dossiers.models import Status
    from dossiers.services import advance_status

    dossier = services.place_order(dossier=dossier, user=owner).dossier
    for step in (Status.IN_PRODUCTION, Status.DELIVERED, Status.COMPLETED):
        dossier = advance_status(dossier=dossier, user=staff, to=step)
    return dossier


@pytest.fixture
def completed(screens: Dossier, owner: User, staff: User, products: dict[str, Product]) -> Dossier:
    """A Terminé dossier: two Fixscreen 100 (2130 × 2480 mm, RAL 9016, right) and one of
    1400 × 1600 mm (left), each with its warranty number."""
    add(screens, owner, products["FX100"], {**FIXSCREEN, "colour_ral": "RAL 9016"}, quantity=2)
    add(
        screens,
        owner,
        products["FX100"],
        {**FIXSCREEN, "width_mm": "1400", "height_mm": "1600", "operating_side": "left"},
    )
    return deliver(screens, owner, staff)


@pytest.fixture
def requested(completed: Dossier, owner: User, django_capture_on_commit_callbacks: Any) -> Dossier:
    """The completed dossier after its « Demande de service », posted in Communication."""
    from communication.models import MessageType
    from communication.services import post_message

    with django_capture_on_commit_callbacks(execute=True):
        post_message(dossier=completed, author=owner, type=MessageType.SERVICE_REQUEST, body="Toile déchirée")
    completed.refresh_from_db()
    return completed
