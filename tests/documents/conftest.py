"""Fixtures of the documents' tests: the demo catalogue, a Fixscreen dossier of the owner
with two lines, ordered or not, and reading a PDF's text."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from accounts.models import Customer, User
from catalogue.models import Product
from communication.models import Message
from configurator import services as configurator_services
from dossiers import services as dossier_services
from dossiers.models import Dossier, Status
from tests.configurator.conftest import FIXSCREEN, add, catalogue, products, screens  # noqa: F401 - fixtures

TODAY = date(2026, 6, 10)


def pdf_text(content: bytes) -> str:
    """The text of every page, with runs of white space as one space (as a reader would search it)."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def stored_pdf(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return bytes(handle.read())


@pytest.fixture
def with_lines(screens: Dossier, owner: User, products: dict[str, Product]) -> Dossier:  # noqa: F811
    """The Actif Fixscreen dossier « Villa Leroy » with a line of 2 and a line of 1 in RAL 7016."""
    add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    add(screens, owner, products["FX100"], {**FIXSCREEN, "width_mm": "1800", "colour_ral": "RAL 7016"})
    return screens


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Call ``function(**kwargs)`` and run what it queued on commit (the generation, eagerly)."""

    def run(function: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def ordered(with_lines: Dossier, owner: User, run_on_commit: Callable[..., Any]) -> Dossier:
    """The dossier ordered by the owner (its confirmation generated)."""
    run_on_commit(configurator_services.place_order, dossier=with_lines, user=owner, today=TODAY)
    return Dossier.objects.get(pk=with_lines.pk)


@pytest.fixture
def delivered(ordered: Dossier, staff: User, run_on_commit: Callable[..., Any]) -> Dossier:
    """The ordered dossier moved by staff to En production, then Livré (its invoice generated)."""
    dossier_services.advance_status(dossier=ordered, user=staff, to=Status.IN_PRODUCTION)
    run_on_commit(dossier_services.advance_status, dossier=ordered, user=staff, to=Status.DELIVERED)
    return Dossier.objects.get(pk=ordered.pk)


@pytest.fixture
def billed_customer(customer: Customer) -> Customer:
    customer.billing_name = "Dupont Zonwering BV"
    customer.billing_address = "Kerkstraat 12\n8500 Kortrijk\nBelgique"
    customer.vat_number = "BE0403019261"
    customer.save()
    return customer


def card_of(dossier: Dossier, type: str) -> Message:
    return Message.objects.get(dossier=dossier, type=type)
