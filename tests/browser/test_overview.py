"""« Aperçu des dossiers » in a real browser: unread marker, search, filter, star, favourites filter."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Favourite, Status
from tests.factories import DossierFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dealer_searches_filters_stars_and_sees_unread_messages(
    page: Any, live_server: Any, owner: User, outsider: User
) -> None:
    villa = DossierFactory.create(customer=owner.customer, reference="Villa Leroy")
    namur = DossierFactory.create(customer=owner.customer, reference="Bureau Namur", status=Status.QUOTE)
    ecole = DossierFactory.create(customer=owner.customer, reference="École Saint-Jean")
    DossierFactory.create(customer=outsider.customer, reference="Bureau Namur bis")
    services.note_message_posted(dossier=ecole, at=timezone.now())

    def row(dossier: Any) -> Any:
        return page.locator(f'tr[data-dossier="{dossier.number}"]')

    login(page, live_server, owner)
    assert page.get_by_role("heading", name="Aperçu des dossiers").is_visible()
    assert page.locator("tbody tr").count() == 3

    # Unread marker: only on the dossier with a message the dealer has not read.
    assert row(ecole).get_by_role("link", name="Nouveau message").is_visible()
    assert row(villa).get_by_role("link", name="Nouveau message").count() == 0

    # Search: the other customer's "Bureau Namur bis" never shows; the query stays in the URL.
    page.get_by_label("Rechercher", exact=True).fill("namur")
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    assert "q=namur" in page.url
    assert page.locator("tbody tr").count() == 1
    assert row(namur).is_visible()

    # Filter by status, the search cleared.
    page.get_by_label("Rechercher", exact=True).fill("")
    page.get_by_label("Statut").select_option(label="Actif")
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    assert "status=active" in page.url
    shown: list[str] = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.dossier)")
    expected: list[str] = [villa.number, ecole.number]
    assert sorted(shown) == sorted(expected)

    # Star « Villa Leroy »: back on the same filtered page, the star is pressed.
    with page.expect_navigation():
        row(villa).get_by_role("button", name=f"Ajouter aux favoris {villa.number}").click()
    assert "status=active" in page.url
    assert (
        row(villa).get_by_role("button", name=f"Retirer des favoris {villa.number}").get_attribute("aria-pressed")
        == "true"
    )
    assert Favourite.objects.filter(user=owner, dossier=villa).exists()

    # Favourites only.
    page.get_by_label("Mes favoris uniquement").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    assert "favourites=on" in page.url
    assert page.locator("tbody tr").count() == 1
    assert row(villa).is_visible()

    # Reading the Communication tab clears the marker: the dealer follows it, then comes back.
    page.get_by_label("Mes favoris uniquement").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    assert "favourites=on" not in page.url
    with page.expect_navigation():
        row(ecole).get_by_role("link", name="Nouveau message").click()
    communication = reverse("communication:message-list", kwargs={"pk": ecole.pk})
    assert page.url == f"{live_server.url}{communication}"
    assert page.get_by_role("link", name="Communication", exact=True).get_attribute("aria-current") == "page"
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="Aperçu des dossiers").first.click()
    assert page.url == f"{live_server.url}{reverse('dossiers:dossier-list')}"
    assert row(ecole).is_visible()
    assert row(ecole).get_by_role("link", name="Nouveau message").count() == 0
