"""The dossier's side of a service order (« Passer la commande » after a « Demande de service », or
in a « Service » dossier): the status, and « Votre référence » as the FAQ says — filled in, a new
reference and order number; left empty, the original order's number and reference. The
Information tab and « Aperçu des dossiers » show both orders."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Customer, User
from dossiers import services
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from tests.factories import DossierFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(customer: Customer, owner: User) -> Dossier:
    return DossierFactory(
        customer=customer,
        created_by=owner,
        reference="Appartement Gérard",
        order_number="C2026000007",
        status=Status.SERVICE_REQUESTED,
    )


@pytest.fixture
def service_dossier(customer: Customer, owner: User) -> Dossier:
    service = ProductFactory(code="SRV", name_fr="Service", is_service=True)
    return DossierFactory(customer=customer, created_by=owner, product=service, reference="", status=Status.ACTIVE)


def test_empty_reference_records_the_service_order_under_the_original_number_and_reference(
    original: Dossier, owner: User
) -> None:
    ordered = services.mark_service_ordered(dossier=original, user=owner, original=original, reference="  ")
    assert ordered.status == Status.ORDERED
    assert (ordered.order_number, ordered.reference) == ("C2026000007", "Appartement Gérard")
    assert (ordered.linked_order_number, ordered.linked_reference) == ("C2026000007", "Appartement Gérard")
    event = HistoryEvent.objects.get(dossier=original, kind=EventKind.ORDER_PLACED)
    assert event.data == {
        "order_number": "C2026000007",
        "reference": "Appartement Gérard",
        "service": True,
        "original": "C2026000007",
    }
    assert event.description == (
        "Commande de service, numéro de commande\u00a0: C2026000007 (commande d'origine C2026000007)"
    )
    status = HistoryEvent.objects.get(dossier=original, kind=EventKind.STATUS_CHANGED)
    assert (status.data["from"], status.data["to"]) == ("service_requested", "ordered")


def test_a_reference_gives_the_service_order_its_own_number_and_reference(original: Dossier, owner: User) -> None:
    ordered = services.mark_service_ordered(dossier=original, user=owner, original=original, reference="SAV cuisine")
    assert (ordered.order_number, ordered.reference) == ("C2026000007", "Appartement Gérard")  # the original's
    assert ordered.linked_reference == "SAV cuisine"
    assert re.fullmatch(r"C\d{4}\d{6}", ordered.linked_order_number)
    assert ordered.linked_order_number != "C2026000007"


def test_a_service_dossier_takes_the_service_orders_number_and_names_the_original(
    original: Dossier, service_dossier: Dossier, owner: User
) -> None:
    ordered = services.mark_service_ordered(dossier=service_dossier, user=owner, original=original, reference="")
    assert ordered.status == Status.ORDERED
    assert (ordered.order_number, ordered.reference) == ("C2026000007", "Appartement Gérard")
    assert (ordered.linked_order_number, ordered.linked_reference) == ("C2026000007", "Appartement Gérard")
    original.refresh_from_db()
    assert original.status == Status.SERVICE_REQUESTED  # the original dossier is left alone


def test_a_service_dossier_with_a_reference_gets_a_new_order_number(
    original: Dossier, service_dossier: Dossier, owner: User
) -> None:
    ordered = services.mark_service_ordered(
        dossier=service_dossier, user=owner, original=original, reference="Remplacement toile"
    )
    assert ordered.reference == "Remplacement toile"
    assert ordered.order_number and ordered.order_number != "C2026000007"
    assert (ordered.linked_order_number, ordered.linked_reference) == ("C2026000007", "Appartement Gérard")


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.ORDERED, Status.CANCELLED])
def test_a_service_order_needs_a_service_request_first(original: Dossier, owner: User, status: Status) -> None:
    Dossier.objects.filter(pk=original.pk).update(status=status)
    with pytest.raises(services.TransitionRefused):
        services.mark_service_ordered(dossier=original, user=owner, original=original)
    original.refresh_from_db()
    assert (original.status, original.linked_order_number) == (status, "")


def test_information_tab_and_overview_show_both_orders(
    original: Dossier, service_dossier: Dossier, owner: User, owner_client: Client
) -> None:
    services.mark_service_ordered(dossier=original, user=owner, original=original, reference="SAV cuisine")
    services.mark_service_ordered(dossier=service_dossier, user=owner, original=original, reference="Toile neuve")
    original.refresh_from_db()
    service_dossier.refresh_from_db()

    html = owner_client.get(reverse("dossiers:dossier-detail", kwargs={"pk": original.pk})).content.decode()
    assert "C2026000007" in html and "Appartement Gérard" in html
    assert "Commande de service" in html and original.linked_order_number in html and "SAV cuisine" in html

    html = owner_client.get(reverse("dossiers:dossier-detail", kwargs={"pk": service_dossier.pk})).content.decode()
    assert service_dossier.order_number in html and "Toile neuve" in html
    assert "Commande d'origine" in html and "C2026000007" in html and "Appartement Gérard" in html

    html = owner_client.get(reverse("dossiers:dossier-list")).content.decode()
    assert f"Commande de service {original.linked_order_number}" in html
    assert "Commande d&#x27;origine C2026000007" in html
    assert "SAV cuisine" in html and "Toile neuve" in html


def test_overview_search_finds_a_dossier_by_its_linked_order(
    original: Dossier, service_dossier: Dossier, owner: User, owner_client: Client
) -> None:
    services.mark_service_ordered(dossier=service_dossier, user=owner, original=original, reference="Toile neuve")
    response = owner_client.get(reverse("dossiers:dossier-list"), {"q": "C2026000007"})
    numbers = {row.number for row in response.context["rows"]}
    assert numbers == {original.number, service_dossier.number}
