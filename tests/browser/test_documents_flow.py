"""An order followed to its confirmation in a real browser, in French, with a real Celery
worker and a real SMTP server: « Passer la commande », the card « Confirmation de commande »
« en cours de génération », then its PDF to download, and the mail with the PDF attached."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from catalogue.models import Product
from configurator.models import WarrantyItem
from dossiers.models import Dossier
from tests.catalogue.demo import load_demo_catalogue
from tests.configurator.conftest import FIXSCREEN, add, new_dossier
from tests.documents.conftest import pdf_text
from tests.integration.conftest import Worker, celery_worker_factory, wait_until  # noqa: F401 - fixture
from tests.smtp import SmtpSink

from .conftest import BASE_URL, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # Against a stack, its own workers make the document at once (tests/browser/test_nodes.py).
    pytest.mark.skipif(bool(BASE_URL), reason="brings its own Celery worker and SMTP server"),
]


def test_an_order_brings_its_confirmation_to_communication_and_to_the_mailbox(
    page: Any,
    live_server: Any,
    owner: User,
    smtp_sink: SmtpSink,
    celery_worker_factory: Callable[..., Worker],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    load_demo_catalogue()
    product = Product.objects.get(code="FX100")
    dossier: Dossier = new_dossier(owner.customer, owner, product, "Maison Lambert")
    add(dossier, owner, product, FIXSCREEN, quantity=2)
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Configurateur", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Passer la commande").click()
    dossier.refresh_from_db()
    expect(page.get_by_text(f"Commande passée : numéro de commande {dossier.order_number}")).to_be_visible()

    # No worker yet: the document waits in the queue, its card says so and offers nothing.
    page.get_by_role("link", name="Communication", exact=True).click()
    card = page.locator("li[data-message-type=order_confirmation]")
    expect(card).to_contain_text("Confirmation de commande")
    expect(card).to_contain_text("en cours de génération")
    expect(card.get_by_role("link")).to_have_count(0)

    celery_worker_factory(smtp_port=smtp_sink.port)
    name = f"Confirmation de commande {dossier.order_number}.pdf"

    def ready() -> bool:
        page.reload()
        return page.get_by_role("link", name=name).count() == 1

    wait_until(ready, 60, "the card to get its PDF", interval=1.0)
    expect(card).not_to_contain_text("en cours de génération")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=name).click()
    download = download_info.value
    assert download.suggested_filename == name
    saved = tmp_path / "download.pdf"
    download.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert dossier.order_number in text and "Votre référence : Maison Lambert" in text
    numbers = [item.display_number for item in WarrantyItem.objects.filter(dossier=dossier)]
    assert len(numbers) == 2 and all(number in text for number in numbers)

    wait_until(lambda: len(smtp_sink.to(owner.email)) == 1, 60, "the mail at the SMTP server")
    [mail] = smtp_sink.to(owner.email)
    assert mail["Subject"] == f"Confirmation de commande – dossier {dossier.number}"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == name
    assert attachment.get_content() == saved.read_bytes()
