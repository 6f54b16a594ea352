"""The portal on a 360 px phone: the overview as compact cards with the status in view,
filters that show their whole choice, the dossier's tabs on one line; the table at 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, Status
from tests.factories import DossierFactory, ProductGroupFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def dossiers(owner: User) -> list[Dossier]:
    made = [
        DossierFactory(
            customer=owner.customer,
            reference=f"Résidence Les Tilleuls – façade arrière, bloc {letter}",
            status=status,
            order_number="C2026000417" if status != Status.ACTIVE else "",
        )
        for letter, status in zip("ABC", (Status.ACTIVE, Status.SERVICE_REQUESTED, Status.IN_PRODUCTION), strict=True)
    ]
    services.note_message_posted(dossier=made[-1], at=timezone.now())  # the newest row is unread
    ProductGroupFactory(name_fr="Protections solaires extérieures et pergolas bioclimatiques")
    return made


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box


def _inside(box: dict[str, float], viewport: dict[str, int]) -> bool:
    return (
        box["x"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def test_overview_rows_are_compact_cards_with_the_status_in_view(
    page: Any, live_server: Any, owner: User, dossiers: list[Dossier]
) -> None:
    page.set_viewport_size(PHONE)
    login(page, live_server, owner)
    first = page.locator("tbody tr").first
    assert first.get_attribute("data-dossier") == dossiers[-1].number  # newest activity first
    assert first.evaluate("row => getComputedStyle(row).display") == "grid"
    # Everything the card shows, inside the screen without scrolling sideways.
    badge = first.locator(".col-status .badge")
    assert badge.inner_text() == "En production"
    assert _inside(_box(badge), PHONE), _box(badge)
    for part in (
        first.get_by_role("link", name=dossiers[-1].number),
        first.get_by_text(dossiers[-1].reference),
        first.locator(".col-product"),
        first.locator(".col-activity"),
        first.get_by_role("button", name=f"Ajouter aux favoris {dossiers[-1].number}"),
        first.get_by_role("link", name="Nouveau message"),
    ):
        assert part.is_visible()
        box = _box(part)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert "Dernière activité" in first.locator(".col-activity").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every row's status is in view horizontally.
    for badge in page.locator("tbody .col-status .badge").all():
        box = _box(badge)
        assert box["x"] + box["width"] <= PHONE["width"], box


def test_overview_keeps_its_table_on_a_desktop(
    page: Any, live_server: Any, owner: User, dossiers: list[Dossier]
) -> None:
    page.set_viewport_size(DESKTOP)
    login(page, live_server, owner)
    first = page.locator("tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "table-row"
    headers = page.locator("thead th").all_inner_texts()
    assert [h.strip() for h in headers] == [
        "Favori",
        "Dossier",
        "Votre référence",
        "Produit",
        "Statut",
        "Dernière activité",
    ]
    assert not first.locator(".cell-label").is_visible()
    assert _inside(_box(first.locator(".col-status .badge")), DESKTOP)


def _whole_choice_shown(select: Any) -> bool:
    """The selected option's text fits in the select, beside its arrow."""
    return bool(
        select.evaluate(
            """select => {
                const style = getComputedStyle(select);
                const context = document.createElement("canvas").getContext("2d");
                context.font = style.font;
                const text = select.options[select.selectedIndex].text;
                const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                return context.measureText(text).width <= room;
            }"""
        )
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_filter_selects_show_their_whole_choice(
    page: Any, live_server: Any, owner: User, dossiers: list[Dossier], viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    login(page, live_server, owner)
    status, group = page.get_by_label("Statut"), page.get_by_label("Groupe de produits")
    assert _whole_choice_shown(status), "Tous les statuts"
    assert _whole_choice_shown(group), "Tous les groupes"
    status.select_option(label="Demande de service")
    assert _whole_choice_shown(status)
    if viewport is PHONE:
        group.select_option(label="Protections solaires extérieures et pergolas bioclimatiques")
        # A very long group name may not fit a phone; the select then takes the full width.
        assert _box(group)["width"] >= viewport["width"] - 80


def test_dossier_tabs_stay_on_one_line_and_scroll_sideways(
    page: Any, live_server: Any, owner: User, dossiers: list[Dossier]
) -> None:
    page.set_viewport_size(PHONE)
    login(page, live_server, owner)
    dossier = dossiers[0]
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/history/")
    tabs = page.locator(".dossier-tabs .nav-link")
    assert tabs.all_inner_texts() == ["Information", "Configurateur", "Communication", "Historique"]
    tops = {round(_box(tab)["y"]) for tab in tabs.all()}
    assert len(tops) == 1, tops  # one line
    strip = page.locator(".dossier-tabs")
    assert strip.evaluate("s => getComputedStyle(s).overflowX") == "auto"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The current tab is scrolled into view.
    current = page.get_by_role("link", name="Historique", exact=True)
    assert current.get_attribute("aria-current") == "page"
    box = _box(current)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
