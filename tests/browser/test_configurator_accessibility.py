"""The Configurateur's pages pass the WCAG 2.1 AA checks (axe-core), on a desktop and a phone."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from catalogue.models import Product
from configurator import services
from dossiers.services import create_dossier
from tests.catalogue.demo import load_demo_catalogue

from .conftest import login
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_configurator_pages_have_no_wcag_aa_violations(page: Any, live_server: Any, owner: User, width: int) -> None:
    load_demo_catalogue()
    fixscreen = Product.objects.get(code="FX100")
    dossier = create_dossier(customer=owner.customer, user=owner, product=fixscreen, reference="Villa Leroy")
    # A line with an error and a warning, so the messages and the boxes are on the pages.
    values = {"width_mm": "3000", "height_mm": "2480", "drive": "crank", "control": "ctl_none"}
    line = services.add_line(dossier=dossier, user=owner, product=fixscreen, values=values)
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, owner)
    for path in (
        f"/dossiers/{dossier.pk}/configurator/",
        f"/dossiers/{dossier.pk}/configurator/add/",
        f"/dossiers/{dossier.pk}/configurator/lines/{line.pk}/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
