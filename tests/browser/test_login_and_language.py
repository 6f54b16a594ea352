"""A dealer logs in, opens the overview and a dossier and switches the language, in a real browser."""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests.factories import DossierFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dealer_logs_in_opens_overview_and_dossier_and_switches_language(
    page: Any, live_server: Any, owner: User, outsider: User
) -> None:
    mine = DossierFactory(customer=owner.customer, reference="Villa Leroy")
    theirs = DossierFactory(customer=outsider.customer, reference="Chantier secret")

    login(page, live_server, owner)
    assert settings.SESSION_COOKIE_NAME in [cookie["name"] for cookie in page.context.cookies()]
    assert page.get_by_role("heading", name="Aperçu des dossiers").is_visible()
    assert page.get_by_text("Villa Leroy").is_visible()
    assert page.get_by_text(theirs.reference).count() == 0

    page.get_by_role("link", name=mine.number).click()
    assert page.get_by_role("heading", name=f"Dossier {mine.number}").is_visible()
    for tab in ("Information", "Configurateur", "Communication", "Historique"):
        assert page.get_by_role("link", name=tab, exact=True).is_visible()
    page.get_by_role("link", name="Historique", exact=True).click()
    assert page.get_by_role("link", name="Historique", exact=True).get_attribute("aria-current") == "page"

    with page.expect_navigation():
        page.get_by_label("Langue").select_option("nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("link", name="Historiek", exact=True).is_visible()
    assert page.get_by_role("navigation").get_by_role("link", name="Dossieroverzicht").first.is_visible()
    owner.refresh_from_db()
    assert owner.language == "nl"


def test_wrong_password_shows_a_clear_error(page: Any, live_server: Any, owner: User) -> None:
    login(page, live_server, owner, password="not-the-password")
    assert page.get_by_text("Adresse e-mail ou mot de passe incorrect").is_visible()
    # Still on the login form, and not logged in: no session cookie.
    assert page.url == f"{live_server.url}{reverse('accounts:login')}"
    cookies = [cookie["name"] for cookie in page.context.cookies()]
    assert settings.SESSION_COOKIE_NAME not in cookies, cookies
