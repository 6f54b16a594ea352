"""WCAG 2.1 AA checks with axe-core (vendored, MPL-2.0) on every dealer page, at desktop and
phone width (360 px): labels, contrast, landmarks, names of controls; and nothing overflows
sideways on a phone. Forms are checked empty and again with their errors shown.

The Configurateur tab is left out until it lands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from communication import services
from communication.models import MessageType
from dossiers.models import Dossier, Status
from tests.factories import DossierFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WIDTHS = [1280, 360]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations of the page as it is now."""
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline
    # script) does not apply to it, as it would to an injected <script> tag.
    page.evaluate(f"{AXE}\n;true")
    result = page.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page: Any, width: int, what: str) -> None:
    assert violations(page) == [], what
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, what


def visit(page: Any, live_server: Any, path: str, width: int) -> None:
    page.goto(f"{live_server.url}{path}")
    check(page, width, path)


def _submit(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=label, exact=True).click()


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_before_login_have_no_wcag_aa_violations(page: Any, live_server: Any, owner: User, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    for path in (
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        f"/accounts/password/reset/{uid}/not-a-token/",  # the « link not valid » page
        f"/accounts/password/reset/{uid}/{token}/",  # the « choose a password » form
    ):
        visit(page, live_server, path, width)
    # The new-password form with its errors (two passwords that differ).
    page.locator("#id_new_password1").fill("un-mot-de-passe-assez-long")
    page.locator("#id_new_password2").fill("un-autre-mot-de-passe")
    _submit(page, "Enregistrer")
    assert page.locator(".invalid-feedback, .alert-danger").count() > 0
    check(page, width, "reset confirm with errors")
    # The login form with its error.
    login(page, live_server, owner, password="not-the-password")
    check(page, width, "login with an error")


@pytest.fixture
def busy_dossier(owner: User, colleague: User) -> Dossier:
    """A dossier whose thread shows every kind of card: an own Annexe (gear), a colleague's
    remark (Répondre), a complaint with its state, an Interne message."""
    dossier = DossierFactory(customer=owner.customer, reference="Villa Leroy", status=Status.ACTIVE, created_by=owner)
    services.post_message(
        dossier=dossier,
        author=owner,
        type=MessageType.ANNEX,
        title="Plans",
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4")],
    )
    services.post_message(dossier=dossier, author=colleague, type=MessageType.REMARK, body="Livraison mardi ?")
    services.post_message(dossier=dossier, author=owner, type=MessageType.COMPLAINT, body="Lame cassée")
    services.post_message(dossier=dossier, author=colleague, type=MessageType.REMARK, body="Marge", audience="internal")
    return dossier


@pytest.mark.parametrize("width", WIDTHS)
def test_every_dealer_page_has_no_wcag_aa_violations(
    page: Any, live_server: Any, owner: User, busy_dossier: Dossier, width: int
) -> None:
    dossier = busy_dossier
    annex = dossier.messages.get(type=MessageType.ANNEX)
    remark = dossier.messages.get(type=MessageType.REMARK, audience="renson")
    DossierFactory(customer=owner.customer, reference="École Saint-Jean", status=Status.SERVICE_REQUESTED)
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, owner)
    for path in (
        "/dossiers/",
        "/dossiers/?status=active&q=Villa",
        "/dossiers/new/",  # new dossier, step 1: the product group
        f"/dossiers/new/{dossier.product_group_id}/",  # step 2: product and reference
        f"/dossiers/{dossier.pk}/",
        f"/dossiers/{dossier.pk}/history/",
        f"/dossiers/{dossier.pk}/communication/",
        f"/dossiers/{dossier.pk}/communication/{annex.pk}/deactivate/",  # « Désactiver » without JavaScript
        "/accounts/profile/",
        "/accounts/password/change/",
    ):
        visit(page, live_server, path, width)

    # The gear of the Annexe, opened.
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/communication/")
    page.get_by_role("button", name="Actions de l'annexe Plans").click()
    assert page.get_by_role("button", name="Désactiver").is_visible()
    check(page, width, "the annexe's gear menu")

    # The Communication form: as shown, with another type's fields, and with its errors.
    visit(page, live_server, f"/dossiers/{dossier.pk}/communication/add/", width)
    page.get_by_label("Type").select_option(label="E-mail")
    check(page, width, "the E-mail fields")
    _submit(page, "Enregistrer")
    assert page.locator(".invalid-feedback").count() > 0
    check(page, width, "the Communication form with errors")

    # The reply form, empty and with its error.
    visit(page, live_server, f"/dossiers/{dossier.pk}/communication/{remark.pk}/reply/", width)
    _submit(page, "Enregistrer")
    assert page.locator(".invalid-feedback").count() > 0
    check(page, width, "the reply form with errors")

    # New dossier, step 2, with its error; the password change with its errors.
    visit(page, live_server, f"/dossiers/new/{dossier.product_group_id}/", width)
    _submit(page, "Créer le dossier")
    check(page, width, "the new dossier form after submitting")
    visit(page, live_server, "/accounts/password/change/", width)
    _submit(page, "Enregistrer")
    assert page.locator(".invalid-feedback").count() > 0
    check(page, width, "the password change with errors")
