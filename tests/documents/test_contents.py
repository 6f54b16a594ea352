"""What each document says, read back from its PDF: numbers, warranty numbers, amounts and language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Customer, User
from communication.models import MessageType
from configurator.models import OrderLine, WarrantyItem
from documents.formatting import day
from documents.models import Document, DocumentKind, DocumentState
from dossiers import services as dossier_services
from dossiers.models import Dossier, Status
from mailer.models import OutboundMail
from tests.documents.conftest import card_of, pdf_text, stored_pdf

pytestmark = pytest.mark.django_db


def _document(dossier: Dossier, kind: str) -> Document:
    return Document.objects.get(dossier=dossier, kind=kind)


def _text(document: Document) -> str:
    assert document.state == DocumentState.READY, document.last_error
    return pdf_text(stored_pdf(document.file_path))


def test_order_confirmation_lists_the_order_every_line_its_warranty_numbers_and_the_total(ordered: Dossier) -> None:
    document = _document(ordered, DocumentKind.ORDER_CONFIRMATION)
    text = _text(document)
    assert "Renson" in text
    assert "Confirmation de commande" in text
    assert f"Numéro de commande : {ordered.order_number}" in text
    assert f"Numéro de dossier : {ordered.number}" in text
    assert "Votre référence : Villa Leroy" in text
    numbers = [item.display_number for item in WarrantyItem.objects.filter(dossier=ordered).order_by("line", "index")]
    assert len(numbers) == 3
    for number in numbers:
        assert number in text
    assert "2130 × 2480 mm" in text and "1800 × 2480 mm" in text
    assert "Prix de base (grille)" in text  # the price lines
    assert "1 435,00 €" in text and "2 870,00 €" in text  # unit and line of 2
    assert "Total net hors TVA 4 240,00 €" in text
    assert document.language == "fr"


def test_order_confirmation_is_mailed_once_to_who_ordered_with_its_pdf(ordered: Dossier, owner: User) -> None:
    document = _document(ordered, DocumentKind.ORDER_CONFIRMATION)
    [mail] = OutboundMail.objects.filter(template="document_ready")
    assert mail.recipient == owner.email
    assert mail.subject == f"Confirmation de commande – dossier {ordered.number}"
    assert mail.attachments == [
        {"path": document.file_path, "name": f"Confirmation de commande {ordered.order_number}.pdf",
         "content_type": "application/pdf"}
    ]  # fmt: skip
    assert mail.related_message_id == document.message_id


def test_quote_in_the_dealers_dutch_with_its_validity_date(
    with_lines: Dossier, owner: User, settings: Any, run_on_commit: Callable[..., Any]
) -> None:
    settings.QUOTE_VALIDITY_DAYS = 14
    owner.language = "nl"
    owner.save()
    run_on_commit(dossier_services.request_quote, dossier=with_lines, user=owner)
    document = _document(with_lines, DocumentKind.QUOTE)
    text = _text(document)
    valid_until = timezone.localdate() + timedelta(days=14)
    assert "Offerte" in text
    assert f"Geldig tot: {day(valid_until, 'nl')}" in text
    assert "€ 1.435,00" in text and "€ 4.240,00" in text
    assert "Totaal netto excl. btw" in text
    assert f"Dossiernummer: {with_lines.number}" in text and "Uw referentie: Villa Leroy" in text
    assert "Prix" not in text and "Numéro" not in text and "Date" not in text  # nothing left in French
    assert document.data["valid_until"] == valid_until.isoformat()
    [mail] = OutboundMail.objects.filter(template="document_ready")
    assert mail.language == "nl" and mail.subject.startswith("Offerte – dossier")


def test_invoice_shows_billing_details_vat_and_totals_and_the_warranty_numbers(
    billed_customer: Customer, delivered: Dossier, owner: User, staff: User
) -> None:
    document = _document(delivered, DocumentKind.INVOICE)
    year = timezone.localdate().year
    assert document.number == f"F{year}000001"
    text = _text(document)
    assert f"Numéro de facture : F{year}000001" in text
    assert "Dupont Zonwering BV Kerkstraat 12 8500 Kortrijk Belgique" in text
    assert "Numéro de TVA : BE0403019261" in text
    assert "Total net hors TVA 4 240,00 €" in text
    assert "TVA 21 % 890,40 €" in text
    assert "Total TVA comprise 5 130,40 €" in text
    for item in WarrantyItem.objects.filter(dossier=delivered):
        assert item.display_number in text
    # Caused by the staff member, mailed to the dealer who ordered.
    assert document.caused_by == staff and document.recipient == owner
    assert OutboundMail.objects.filter(template="document_ready", recipient=owner.email).count() == 2


def test_invoice_in_german_and_english_formats_amounts_and_the_rate_for_each_reader(
    ordered: Dossier, owner: User, staff: User, settings: Any, run_on_commit: Callable[..., Any]
) -> None:
    settings.VAT_RATE_PERCENT = "5.5"
    owner.language = "de"
    owner.save()
    dossier_services.advance_status(dossier=ordered, user=staff, to=Status.IN_PRODUCTION)
    run_on_commit(dossier_services.advance_status, dossier=ordered, user=staff, to=Status.DELIVERED)
    text = _text(_document(ordered, DocumentKind.INVOICE))
    assert "Rechnung" in text
    assert "4.240,00 €" in text
    assert "MwSt. 5,5 % 233,20 €" in text
    assert "4.473,20 €" in text


def test_an_invoice_regenerated_later_keeps_its_number_amounts_and_billing_details(
    billed_customer: Customer, delivered: Dossier, staff: User, settings: Any, run_on_commit: Callable[..., Any]
) -> None:
    from documents import services

    document = _document(delivered, DocumentKind.INVOICE)
    before = _text(document)
    settings.VAT_RATE_PERCENT = "6"
    billed_customer.billing_name = "Autre Nom SA"
    billed_customer.discount_percent = Decimal(10)
    billed_customer.save()
    OrderLine.objects.filter(dossier=delivered).update(unit_net_amount=Decimal(1))
    run_on_commit(services.regenerate_document, document=document, user=staff)
    document.refresh_from_db()
    after = _text(document)
    assert after == before
    assert document.number == f"F{timezone.localdate().year}000001"
    assert document.generations == 2


def test_a_dossier_without_lines_gets_no_quote_and_no_invoice(
    dossier: Dossier, owner: User, staff: User, run_on_commit: Callable[..., Any]
) -> None:
    run_on_commit(dossier_services.request_quote, dossier=dossier, user=owner)
    assert not Document.objects.exists()
    assert not dossier.messages.filter(type=MessageType.QUOTE).exists()


def test_a_quote_asked_for_again_after_edits_is_the_same_card_with_new_content(
    with_lines: Dossier, owner: User, run_on_commit: Callable[..., Any]
) -> None:
    from configurator import services as configurator_services

    run_on_commit(dossier_services.request_quote, dossier=with_lines, user=owner)
    run_on_commit(dossier_services.reopen_dossier, dossier=with_lines, user=owner)
    line = OrderLine.objects.filter(dossier=with_lines).order_by("position").last()
    assert line is not None
    configurator_services.remove_line(line=line, user=owner)
    run_on_commit(dossier_services.request_quote, dossier=with_lines, user=owner)
    document = _document(with_lines, DocumentKind.QUOTE)
    text = _text(document)
    assert "1800 × 2480 mm" not in text and "2 870,00 €" in text
    assert with_lines.messages.filter(type=MessageType.QUOTE).count() == 1
    assert card_of(with_lines, MessageType.QUOTE).attachments.count() == 1
