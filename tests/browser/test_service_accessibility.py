"""The after-sales pages pass the WCAG 2.1 AA checks (axe-core) on a desktop and a phone: the
Configurateur in service mode, the search « Selon numéro de garantie » / « Selon mesures » with
its results and errors, the item and its parts, « Ajouter » with the contact person's advice,
and the two orders on the Information tab and in « Aperçu des dossiers »."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from catalogue.models import Product
from communication.models import MessageType
from communication.services import post_message
from configurator import services
from configurator.models import WarrantyItem
from dossiers.models import Dossier
from dossiers.services import create_dossier
from tests.catalogue.demo import load_demo_catalogue
from tests.configurator.conftest import FIXSCREEN, deliver

from .conftest import login
from .test_accessibility import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _requested(owner: User, staff: User) -> Dossier:
    load_demo_catalogue()
    fixscreen = Product.objects.get(code="FX100")
    dossier = create_dossier(customer=owner.customer, user=owner, product=fixscreen, reference="Villa Leroy")
    services.add_line(dossier=dossier, user=owner, product=fixscreen, values=FIXSCREEN, quantity=2)
    dossier = deliver(dossier, owner, staff)
    post_message(dossier=dossier, author=owner, type=MessageType.SERVICE_REQUEST, body="Toile déchirée")
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.parametrize("width", [1280, 360])
def test_service_pages_have_no_wcag_aa_violations(
    page: Any, live_server: Any, owner: User, staff: User, width: int
) -> None:
    dossier = _requested(owner, staff)
    item = WarrantyItem.objects.filter(dossier=dossier).order_by("index").first()
    assert item is not None
    ordered = create_dossier(customer=owner.customer, user=owner, product=dossier.product, reference="Bureau")
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, owner)
    search = f"{live_server.url}/dossiers/{dossier.pk}/configurator/service/add/"

    def visit(url: str, what: str) -> None:
        page.goto(url)
        check(page, width, what)

    visit(f"{search}?mode=warranty", "the search")
    visit(f"{search}?mode=measurements", "the search by measurements")
    visit(f"{search}?mode=warranty&number=2423-1-004214-5", "a typo")
    visit(f"{search}?mode=measurements&number={dossier.order_number}&width=2130&height=2480", "the candidates")
    visit(f"{search}?mode=measurements&number={dossier.order_number}&width=large", "a width that is no number")
    visit(f"{search}?mode=warranty&number={item.number}", "the item and its parts")
    # The parts form sent with nothing ticked: refused, the item stays.
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("alert").is_visible()
    check(page, width, "the parts form refused")
    page.get_by_label("Commander DX-FX10-GDR-S045-C7016").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    check(page, width, "the tab with a service line and « Votre référence »")
    page.get_by_label("Votre référence").fill("SAV cuisine")
    with page.expect_navigation():
        page.get_by_role("button", name="Passer la commande").click()
    check(page, width, "the tab with the service order placed")
    visit(f"{live_server.url}/dossiers/{dossier.pk}/", "the Information tab with both orders")
    visit(f"{live_server.url}/dossiers/{ordered.pk}/communication/add/", "« Ajouter » with the contact's advice")
    visit(f"{live_server.url}/dossiers/", "the overview with both orders")
