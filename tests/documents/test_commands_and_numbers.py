"""``regenerate_document``, the invoice numbers (gapless per year), the settings' checks,
tenancy of the documents' files, and the formats of amounts, dates and rates."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communication.models import Attachment
from configurator.display import money as configurator_money
from documents import checks, formatting
from documents.models import Document, DocumentKind, DocumentState
from dossiers import services as dossier_services
from dossiers.models import Dossier, Sequence, Status

pytestmark = pytest.mark.django_db


def _regenerate(*args: str) -> str:
    out = StringIO()
    call_command("regenerate_document", *args, stdout=out)
    return out.getvalue()


def test_the_command_regenerates_the_newest_document_of_that_kind(
    ordered: Dossier, run_on_commit: Callable[..., Any]
) -> None:
    output = run_on_commit(lambda: _regenerate(ordered.number, "order_confirmation"))
    assert f"of dossier {ordered.number}: regeneration queued" in output
    document = Document.objects.get(dossier=ordered)
    assert document.state == DocumentState.READY and document.generations == 2
    assert document.requested_by is None  # ops, not a person of the portal


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("9999999999", "invoice"), "Aucun dossier ne porte le numéro «\u00a09999999999\u00a0»."),
        (("{dossier}", "invoice"), "Le dossier {dossier} n'a pas de document «\u00a0Facture\u00a0»."),
        (("{dossier}", "brochure"), "Type de document inconnu «\u00a0brochure\u00a0»\u00a0: choisissez parmi"),
        (("", "quote"), "Aucun dossier ne porte le numéro «\u00a0\u00a0»."),
    ],
)
def test_the_command_refuses_an_unknown_dossier_or_kind_with_a_clear_message(
    ordered: Dossier, arguments: tuple[str, str], message: str
) -> None:
    arguments = tuple(a.format(dossier=ordered.number) for a in arguments)  # type: ignore[assignment]
    with pytest.raises(CommandError) as refused:
        _regenerate(*arguments)
    assert str(refused.value).startswith(message.format(dossier=ordered.number))
    assert Document.objects.get(dossier=ordered).generations == 1


def test_the_command_refuses_a_dossier_of_another_customer_than_named(ordered: Dossier) -> None:
    with pytest.raises(CommandError) as refused:
        _regenerate(ordered.number, "order_confirmation", "--customer", "300400")
    assert str(refused.value) == f"Le dossier {ordered.number} n'est pas un dossier du client 300400."
    assert Document.objects.get(dossier=ordered).generations == 1


def test_the_command_regenerates_when_the_named_customer_is_the_dossier_s(
    ordered: Dossier, run_on_commit: Callable[..., Any]
) -> None:
    number = ordered.customer.number
    output = run_on_commit(lambda: _regenerate(ordered.number, "order_confirmation", "--customer", number))
    assert "regeneration queued" in output
    assert Document.objects.get(dossier=ordered).generations == 2


def test_the_admin_action_with_a_forged_selection_changes_nothing_and_says_so(
    ordered: Dossier, backoffice_clerk: User
) -> None:
    client = Client()
    client.force_login(backoffice_clerk)
    changelist = reverse("admin:documents_document_changelist")
    response = client.post(changelist, {"action": "regenerate", "_selected_action": ["999999", "abc"]}, follow=True)
    assert response.status_code == 200
    assert "Aucun des documents choisis n'existe\u00a0: rien n'a été régénéré." in html.unescape(
        response.content.decode()
    )
    assert Document.objects.get(dossier=ordered).generations == 1


def test_invoice_numbers_follow_each_other_per_year_and_a_rolled_back_move_takes_none(
    ordered: Dossier, staff: User, with_lines: Dossier, run_on_commit: Callable[..., Any]
) -> None:
    year = timezone.localdate().year
    dossier_services.advance_status(dossier=ordered, user=staff, to=Status.IN_PRODUCTION)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        dossier_services.advance_status(dossier=ordered, user=staff, to=Status.DELIVERED)
        assert Document.objects.get(kind=DocumentKind.INVOICE).number == f"F{year}000001"
        raise Boom  # e.g. a later step of the same request fails
    assert not Document.objects.filter(kind=DocumentKind.INVOICE).exists()
    assert Sequence.objects.filter(name=f"invoice-{year}", value__gt=0).count() == 0
    run_on_commit(dossier_services.advance_status, dossier=ordered, user=staff, to=Status.DELIVERED)
    assert Document.objects.get(kind=DocumentKind.INVOICE).number == f"F{year}000001"


def test_an_invoice_number_is_taken_in_the_transaction_of_the_move(ordered: Dossier, staff: User) -> None:
    dossier_services.advance_status(dossier=ordered, user=staff, to=Status.IN_PRODUCTION)
    dossier_services.advance_status(dossier=ordered, user=staff, to=Status.DELIVERED)
    # Without on_commit having run: the number and the pending invoice exist with the move.
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    assert invoice.state == DocumentState.PENDING and invoice.number.startswith("F")
    assert Dossier.objects.get(pk=ordered.pk).status == Status.DELIVERED


def test_a_document_file_of_another_customer_is_404(ordered: Dossier, outsider_client: Client) -> None:
    attachment = Attachment.objects.get(message__dossier=ordered)
    url = reverse("communication:attachment-download", kwargs={"pk": ordered.pk, "attachment": attachment.pk})
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(reverse("communication:message-list", kwargs={"pk": ordered.pk})).status_code == 404


def test_the_settings_are_checked_at_start(settings: Any) -> None:
    assert checks.check_settings() == []
    settings.VAT_RATE_PERCENT = "vingt"
    settings.QUOTE_VALIDITY_DAYS = 0
    assert [error.id for error in checks.check_settings()] == ["documents.E001", "documents.E002"]


@pytest.mark.parametrize(
    ("language", "amount", "day", "rate"),
    [
        ("fr", "1\u00a0234,50\u00a0€", "1 décembre 2026", "21\u00a0%"),
        ("nl", "€\u00a01.234,50", "1 december 2026", "21%"),
        ("de", "1.234,50\u00a0€", "1. Dezember 2026", "21\u00a0%"),
        ("en", "€1,234.50", "1 Dec 2026", "21%"),
    ],
)
def test_amounts_dates_and_rates_read_as_each_language_writes_them(
    language: str, amount: str, day: str, rate: str
) -> None:
    assert formatting.money(Decimal("1234.5"), language) == amount
    # One function for the Configurateur tab and the documents.
    assert formatting.money("1234.50", language) == configurator_money("1234.50", language)
    assert formatting.day(date(2026, 12, 1), language) == day
    assert formatting.percent("21", language) == rate
