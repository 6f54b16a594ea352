"""A document made by a real Celery worker on Redis, and its mail at a real SMTP server.

The order is placed here (committed); the worker renders the order confirmation, stores
it, gives the card its file and sends the mail with the PDF attached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import Customer, User
from communication.models import Attachment, MessageType
from configurator import services as configurator_services
from configurator.models import WarrantyItem
from documents.models import Document, DocumentKind, DocumentState
from dossiers.models import Dossier
from tests.catalogue.demo import load_demo_catalogue
from tests.configurator.conftest import FIXSCREEN, add, new_dossier
from tests.documents.conftest import pdf_text, stored_pdf
from tests.smtp import SmtpSink, body_text

from .conftest import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60.0


def _state(document: Document) -> str:
    document.refresh_from_db()
    return document.state


def test_the_worker_makes_the_order_confirmation_and_its_mail_arrives_with_the_pdf(
    celery_worker_factory: Callable[..., Worker], smtp_sink: SmtpSink, customer: Customer, owner: User
) -> None:
    catalogue = load_demo_catalogue()
    assert catalogue.pk
    from catalogue.models import Product

    product = Product.objects.get(code="FX100")
    dossier: Dossier = new_dossier(customer, owner, product)
    add(dossier, owner, product, FIXSCREEN, quantity=2)
    worker = celery_worker_factory(smtp_port=smtp_sink.port)

    configurator_services.place_order(dossier=dossier, user=owner)  # commits: the document is issued
    document = Document.objects.get(dossier=dossier, kind=DocumentKind.ORDER_CONFIRMATION)
    wait_until(lambda: _state(document) == DocumentState.READY, TIMEOUT, "the worker to make the document")
    wait_until(lambda: len(smtp_sink.messages) == 1, TIMEOUT, "the mail at the SMTP server")
    assert "documents.generate_document" in worker.log()

    dossier.refresh_from_db()
    [received] = smtp_sink.messages
    assert received["To"] == owner.email
    assert received["Subject"] == f"Confirmation de commande – dossier {dossier.number}"
    assert "en pièce jointe" in body_text(received)
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"Confirmation de commande {dossier.order_number}.pdf"
    content = attachment.get_content()
    assert content == stored_pdf(document.file_path)
    text = pdf_text(content)
    assert dossier.order_number in text
    for item in WarrantyItem.objects.filter(dossier=dossier):
        assert item.display_number in text
    card = document.message
    assert card is not None and card.type == MessageType.ORDER_CONFIRMATION
    card.refresh_from_db()
    assert not card.document_pending
    assert Attachment.objects.get(message=card).file.name == document.file_path
