"""New dossier, dossier tabs and overview basics: happy paths, bad input, query budgets."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier, Status
from tests.factories import DossierFactory, ProductFactory, ProductGroupFactory


def test_new_dossier_choose_group_then_product(owner: User, owner_client: Client) -> None:
    product = ProductFactory(name_fr="Fixscreen")
    page = owner_client.get(reverse("dossiers:dossier-create-group"))
    assert product.group.name_fr in page.content.decode()
    url = reverse("dossiers:dossier-create", kwargs={"group": product.group_id})
    assert "Fixscreen" in owner_client.get(url).content.decode()
    response = owner_client.post(url, {"product": product.pk, "reference": "  Villa Leroy  "})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier-detail", kwargs={"pk": dossier.pk})
    assert (dossier.customer, dossier.product, dossier.product_group) == (owner.customer, product, product.group)
    assert dossier.reference == "Villa Leroy" and dossier.status == Status.ACTIVE
    assert dossier.contact_person == owner.customer.account_manager
    assert dossier.number.isdigit() and len(dossier.number) == 10


def test_dossier_numbers_are_unique_and_increasing(owner: User, owner_client: Client) -> None:
    product = ProductFactory()
    url = reverse("dossiers:dossier-create", kwargs={"group": product.group_id})
    for _ in range(3):
        owner_client.post(url, {"product": product.pk})
    numbers = list(Dossier.objects.order_by("id").values_list("number", flat=True))
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("999999", "invalid_choice", "Ce produit n'existe pas ou n'est plus disponible dans ce groupe."),
        ("abc", "invalid_choice", "Ce produit n'existe pas ou n'est plus disponible dans ce groupe."),
        ("1 OR 1=1", "invalid_choice", "Ce produit n'existe pas ou n'est plus disponible dans ce groupe."),
        ("", "required", "Choisissez un produit."),
    ],
)
def test_unknown_product_is_a_form_error(owner_client: Client, value: str, code: str, message: str) -> None:
    product = ProductFactory()
    url = reverse("dossiers:dossier-create", kwargs={"group": product.group_id})
    response = owner_client.post(url, {"product": value})
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["product"]
    assert error.code == code
    assert message in unescape(response.content.decode())
    assert not Dossier.objects.exists()


def test_product_of_another_group_is_refused(owner_client: Client) -> None:
    product = ProductFactory()
    other_group = ProductGroupFactory()
    url = reverse("dossiers:dossier-create", kwargs={"group": other_group.pk})
    response = owner_client.post(url, {"product": product.pk})
    assert response.status_code == 200
    assert "Ce produit n'existe pas" in " ".join(response.context["form"].errors["product"])
    assert not Dossier.objects.exists()


def test_unknown_or_inactive_group_is_404(owner_client: Client) -> None:
    assert owner_client.get("/dossiers/new/999999/").status_code == 404
    group = ProductGroupFactory(is_active=False)
    assert owner_client.get(f"/dossiers/new/{group.pk}/").status_code == 404


def test_too_long_reference_is_a_form_error(owner_client: Client) -> None:
    product = ProductFactory()
    url = reverse("dossiers:dossier-create", kwargs={"group": product.group_id})
    response = owner_client.post(url, {"product": product.pk, "reference": "x" * 500})
    assert response.status_code == 200 and not Dossier.objects.exists()


@pytest.mark.parametrize("path", ["/dossiers/abc/", "/dossiers/-1/", "/dossiers/99999999/", "/dossiers/1.5/"])
def test_bad_dossier_ids_are_a_translated_404(owner_client: Client, dossier: Dossier, path: str) -> None:
    response = owner_client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize(
    "tab",
    [
        "dossiers:dossier-detail",
        "configurator:line-list",
        "communication:message-list",
        "dossiers:dossier-history",
    ],
)
def test_dossier_tabs_show_the_four_tabs(owner_client: Client, dossier: Dossier, tab: str) -> None:
    body = owner_client.get(reverse(tab, kwargs={"pk": dossier.pk})).content.decode()
    for label in ("Information", "Configurateur", "Communication", "Historique"):
        assert f">{label}</a>" in body
    assert dossier.number in body


def test_wrong_method_on_read_only_pages_is_405(owner_client: Client, dossier: Dossier) -> None:
    assert owner_client.post(reverse("dossiers:dossier-list")).status_code == 405
    assert owner_client.delete(reverse("dossiers:dossier-detail", kwargs={"pk": dossier.pk})).status_code == 405


@pytest.mark.parametrize("rows", [1, 50])
def test_dossier_detail_query_budget(
    owner_client: Client, owner: User, rows: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    dossiers = DossierFactory.create_batch(rows, customer=owner.customer)
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("dossiers:dossier-detail", kwargs={"pk": dossiers[-1].pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_product_group_choice_query_budget(owner_client: Client, rows: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    groups = ProductGroupFactory.create_batch(rows)
    with django_assert_max_num_queries(3):  # session, user with customer, the active groups
        response = owner_client.get(reverse("dossiers:dossier-create-group"))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(re.findall(r'href="/dossiers/new/\d+/"', body)) == rows
    for group in groups:
        assert f'href="{reverse("dossiers:dossier-create", kwargs={"group": group.pk})}"' in body


@pytest.mark.parametrize("rows", [1, 50])
def test_new_dossier_form_query_budget(owner_client: Client, rows: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    group = ProductGroupFactory()
    products = ProductFactory.create_batch(rows, group=group)
    url = reverse("dossiers:dossier-create", kwargs={"group": group.pk})
    with django_assert_max_num_queries(4):  # session, user with customer, the group, its active products
        response = owner_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('name="product"') == rows
    for product in products:
        assert f'value="{product.pk}"' in body
