"""The Configurateur in a real browser, in French: a live error, a warning acknowledged,
« Enregistrer », « Passer la commande », the order and warranty numbers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from configurator.models import OrderLine, WarrantyItem
from dossiers.models import Dossier, Status
from tests.catalogue.demo import load_demo_catalogue

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_dossier(page: Any, group: str, product: str, reference: str) -> Dossier:
    page.get_by_role("link", name="Nouvelle demande").first.click()
    page.get_by_role("link", name=group).click()
    page.get_by_label(product).check()
    page.get_by_label("Votre référence").fill(reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()
    return Dossier.objects.get(reference=reference)


def _open_new_line(page: Any) -> None:
    page.get_by_role("link", name="Configurateur", exact=True).click()
    page.get_by_role("link", name="Ajouter", exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _order(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Passer la commande").click()


def test_configure_a_fixscreen_live_then_order_it_and_an_invisivent(page: Any, live_server: Any, owner: User) -> None:
    load_demo_catalogue()
    login(page, live_server, owner)

    screens = _new_dossier(page, "Screens", "Fixscreen 100 EVO", "Villa Leroy – séjour")
    _open_new_line(page)
    form_url = page.url
    assert page.get_by_label("Produit", exact=True).input_value() == str(screens.product_id)

    # A crank and a width the crank refuses: the error appears beside the width, live.
    page.get_by_label("Largeur (mm)").fill("3000")
    page.get_by_label("Hauteur (mm)").fill("2480")
    page.get_by_label("Entraînement").select_option(label="Manivelle")
    page.get_by_label("Commande", exact=True).select_option(label="Aucune commande (domotique par des tiers)")
    expect(page.locator("#messages-p_width_mm")).to_contain_text(
        "Trop grand pour une commande par manivelle : choisissez un moteur."
    )
    expect(page.locator("table.price-breakdown")).to_contain_text("Manivelle")
    assert page.url == form_url  # nothing was submitted
    assert not OrderLine.objects.exists()

    # A motor instead: the error goes, the price, the components and the drawing come.
    page.get_by_label("Entraînement").select_option(label="Moteur radio Somfy io")
    page.get_by_label("Commande", exact=True).select_option(label="Télécommande io 1 canal")
    expect(page.locator("#messages-p_width_mm")).not_to_contain_text("manivelle")
    expect(page.locator('[data-amount="net"]')).to_have_text(re.compile(r"\d[\d\u00a0 ]*,\d\d\u00a0€"))
    expect(page.locator("table.components")).to_contain_text("DX-MOT-IO00-")
    drawing = page.get_by_role("img", name=re.compile(r"Fixscreen 100 EVO, 3000 × 2480 mm"))
    expect(drawing).to_be_visible()

    # The warnings: beside their fields, and a box each to acknowledge before ordering.
    expect(page.locator("#messages-p_sensors")).to_contain_text("Capteur de vent fortement recommandé")
    page.get_by_label("Capteur de vent fortement recommandé ; enrouler au-delà de 60 km/h.").check()
    page.get_by_label(re.compile("soudure")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La ligne 1 a été enregistrée.")).to_be_visible()
    line = OrderLine.objects.get(dossier=screens)
    assert sorted(line.acknowledged) == ["FX100-W001", "G-W005"]
    assert line.values["drive"] == "motor_io" and line.values["width_mm"] == "3000"

    _order(page)
    screens.refresh_from_db()
    assert screens.status == Status.ORDERED
    expect(page.get_by_text(f"Commande passée : numéro de commande {screens.order_number}")).to_be_visible()
    expect(page.locator("[data-order-number]")).to_have_text(screens.order_number)
    item = WarrantyItem.objects.get(dossier=screens)
    expect(page.locator("[data-warranty-number]")).to_have_text([item.display_number])
    # Read-only now.
    assert page.get_by_role("link", name="Ajouter", exact=True).count() == 0

    # An Invisivent line, in a Ventilation dossier (a dossier holds products of its own group).
    ventilation = _new_dossier(page, "Ventilation", "Invisivent EVO", "Villa Leroy – chambres")
    _open_new_line(page)
    page.get_by_label("Longueur (mm)").fill("1000")
    page.get_by_label("Largeur du châssis (mm)").fill("1200")
    page.get_by_label("Surface au sol (m²)").fill("12,5")
    page.get_by_label("Quantité").fill("3")
    expect(page.locator('[data-amount="line"]')).to_contain_text("€")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    _order(page)
    ventilation.refresh_from_db()
    numbers = [item.display_number for item in WarrantyItem.objects.filter(dossier=ventilation).order_by("index")]
    assert len(numbers) == 3 and all(number.startswith(tuple("0123456789")) for number in numbers)
    expect(page.locator("[data-order-number]")).to_have_text(ventilation.order_number)
    expect(page.locator("[data-warranty-number]")).to_have_text(numbers)

    # Both orders are found by their warranty numbers in « Aperçu des dossiers ».
    page.get_by_role("link", name="Aperçu des dossiers").first.click()
    page.get_by_label("Rechercher", exact=True).fill(numbers[1])
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    assert page.locator(f'tr[data-dossier="{ventilation.number}"]').is_visible()
    assert page.locator(f'tr[data-dossier="{screens.number}"]').count() == 0
