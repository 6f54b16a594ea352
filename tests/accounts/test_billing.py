"""The customer's billing details printed on invoices: VAT numbers of BE, NL, DE, FR and LU
checked with python-stdnum, stored compact, edited in the admin."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Customer, User
from accounts.vat import normalise_vat_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("BE 0403.019.261", "BE0403019261"),
        ("nl004495445b01", "NL004495445B01"),
        ("DE 136 695 976", "DE136695976"),
        ("FR 40 303 265 045", "FR40303265045"),
        ("LU-150.274.42", "LU15027442"),
        ("", ""),
    ],
)
def test_a_vat_number_of_the_five_countries_is_stored_compact(typed: str, stored: str) -> None:
    assert normalise_vat_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("BE0403019262", "Ce numéro de TVA BE n'est pas valable\u00a0: vérifiez-le chiffre par chiffre."),
        ("NL004495446B01", "Ce numéro de TVA NL n'est pas valable\u00a0: vérifiez-le chiffre par chiffre."),
        ("IT00743110157", "Un numéro de TVA commence par le code de son pays\u00a0: BE, NL, DE, FR ou LU"),
        ("0403019261", "Un numéro de TVA commence par le code de son pays\u00a0: BE, NL, DE, FR ou LU"),
        ("BE04030192", "Ce numéro de TVA BE n'est pas valable"),
    ],
)
def test_a_wrong_vat_number_is_refused_with_a_clear_message(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_vat_number(typed)
    assert refused.value.messages[0].startswith(message)


def test_staff_edit_the_billing_details_in_the_admin_and_a_wrong_vat_number_is_refused_on_its_field(
    customer: Customer, backoffice_clerk: User
) -> None:
    client = Client()
    client.force_login(backoffice_clerk)
    url = reverse("admin:accounts_customer_change", args=[customer.pk])
    form = {
        "number": customer.number,
        "name": customer.name,
        "language": "fr",
        "account_manager": customer.account_manager_id,
        "discount_percent": "0",
        "is_active": "on",
        "billing_name": "Dupont Zonwering BV",
        "billing_address": "Kerkstraat 12\n8500 Kortrijk",
        "vat_number": "DE136695975",
        "users-TOTAL_FORMS": "0",
        "users-INITIAL_FORMS": "0",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Ce numéro de TVA DE n'est pas valable" in html.unescape(refused.content.decode())
    customer.refresh_from_db()
    assert customer.vat_number == ""
    saved = client.post(url, {**form, "vat_number": "de 136 695 976"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.vat_number == "DE136695976"
    assert customer.invoice_name == "Dupont Zonwering BV"
