"""WCAG 2.1 AA checks with axe-core (vendored, MPL-2.0) on the main pages, at desktop and
phone width (360 px): labels, contrast, landmarks, names of controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from tests.factories import DossierFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def _violations(page: Any) -> list[str]:
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline
    # script) does not apply to it, as it would to an injected <script> tag.
    page.evaluate(f"{AXE}\n;true")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]


@pytest.mark.parametrize("width", [1280, 360])
def test_main_pages_have_no_wcag_aa_violations(page: Any, live_server: Any, owner: User, width: int) -> None:
    dossier = DossierFactory(customer=owner.customer, reference="Villa Leroy")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    assert _violations(page) == []
    login(page, live_server, owner)
    for path in (
        "/dossiers/",
        f"/dossiers/new/{dossier.product_group_id}/",
        f"/dossiers/{dossier.pk}/",
        f"/dossiers/{dossier.pk}/history/",
        f"/dossiers/{dossier.pk}/communication/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert _violations(page) == [], path
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
