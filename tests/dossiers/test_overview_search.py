"""The overview's search box on ``Dossier.search_text`` and the catalogue read once per page.

``search_text`` holds the six searched texts one per line (a generated column): a search
matches inside one of them, never across two, in any case, ``%`` and ``_`` literal. The
product names come from the catalogue query that also gives the filter's groups.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from catalogue.models import Product, ProductGroup
from dossiers.models import Dossier, search_words
from dossiers.overview import overview_catalogue
from tests.factories import DossierFactory, ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:dossier-list")

SIX = {
    "number": "X20260042",
    "order_number": "C2026000777",
    "reference": "Chalet des Pins",
    "warranty_numbers": "W-88123 W-88124",
    "linked_order_number": "C2026000999",
    "linked_reference": "Villa Mosane",
}


def _numbers(client: Client, q: str) -> list[str]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [row.number for row in response.context["page"].object_list]


@pytest.fixture
def target(owner: User) -> Dossier:
    DossierFactory(customer=owner.customer, reference="Autre chantier")  # never found below
    return DossierFactory(customer=owner.customer, **SIX)


@pytest.mark.parametrize(
    "query",
    ["20260042", "x2026", "c2026000777", "DES PINS", "88124", "w-88123 w-8", "c2026000999", "mosane", "Villa M"],
)
def test_each_of_the_six_texts_is_searched(owner_client: Client, target: Dossier, query: str) -> None:
    assert _numbers(owner_client, query) == [target.number]


def test_the_generated_column_follows_every_write(owner_client: Client, target: Dossier) -> None:
    Dossier.objects.filter(pk=target.pk).update(reference="Maison Lumière")
    assert _numbers(owner_client, "lumière") == [target.number]
    assert _numbers(owner_client, "des pins") == []


@pytest.mark.parametrize(
    "query",
    [
        "0042C2026",  # end of the number, start of the order number
        "0777Chalet",
        "Pins W-88123",  # end of the reference, start of the warranty numbers
        "Pins\nW-88123",
        "Pins\r\nW-88123",
        "88124 C2026000999",
        "0999Villa",
        "Mosane X2026",  # there is no line after the last one, nor before the first
    ],
)
def test_a_search_never_matches_across_two_texts(owner_client: Client, target: Dossier, query: str) -> None:
    assert _numbers(owner_client, query) == []


def test_percent_and_underscore_are_literal(owner_client: Client, owner: User) -> None:
    percent = DossierFactory(customer=owner.customer, reference="Remise 100% alu")
    underscore = DossierFactory(customer=owner.customer, reference="LOT_7")
    DossierFactory(customer=owner.customer, reference="LOTX7 100 alu")
    assert _numbers(owner_client, "100%") == [percent.number]
    assert _numbers(owner_client, "0% a") == [percent.number]
    assert _numbers(owner_client, "%") == [percent.number]
    assert _numbers(owner_client, "lot_7") == [underscore.number]
    assert _numbers(owner_client, "_") == [underscore.number]


@pytest.mark.parametrize("query", ["  des pins  ", "\tdes pins\n", "des\tpins", "des\npins", "\x1bdes pins\x7f"])
def test_control_characters_in_the_search_are_spaces(owner_client: Client, target: Dossier, query: str) -> None:
    assert _numbers(owner_client, query) == [target.number]


@pytest.mark.parametrize("query", ["\x00", "des\x00pins", "\n", "\t\r\n", "\u2028", "\x85"])
def test_odd_characters_in_the_search_never_fail(owner_client: Client, target: Dossier, query: str) -> None:
    response = owner_client.get(URL, {"q": query})
    assert response.status_code == 200


def test_search_words() -> None:
    assert search_words(" a\tb\r\n\x00c \x9f") == "a b c"
    assert "\n" not in search_words("x\ny\u2028")


@pytest.mark.parametrize(
    ("language", "query"),
    [("fr", "pergola"), ("nl", "terrasoverkapping"), ("de", "TERRASSENDACH"), ("en", "patio cover")],
)
def test_product_names_are_searched_in_every_language(
    owner_client: Client, owner: User, target: Dossier, language: str, query: str
) -> None:
    product = ProductFactory(
        name_fr="Pergola Camargue",
        name_nl="Terrasoverkapping Camargue",
        name_de="Terrassendach Camargue",
        name_en="Patio cover Camargue",
    )
    found = DossierFactory(customer=owner.customer, product=product)
    DossierFactory(customer=DossierFactory().customer, product=product)  # another customer's
    owner.language = language
    owner.save(update_fields=["language"])
    # Whatever the reader's language, every name is searched.
    assert _numbers(owner_client, query) == [found.number]


def test_a_product_name_and_a_text_are_both_found(owner_client: Client, owner: User, target: Dossier) -> None:
    by_product = DossierFactory(customer=owner.customer, product=ProductFactory(name_fr="Store Mosane"))
    assert set(_numbers(owner_client, "mosane")) == {target.number, by_product.number}


def test_inactive_products_are_searched_too(owner_client: Client, owner: User) -> None:
    old = ProductFactory(name_fr="Ancien store", is_active=False, group=ProductGroupFactory(is_active=False))
    found = DossierFactory(customer=owner.customer, product=old)
    assert _numbers(owner_client, "ancien") == [found.number]


def test_products_named_matches_like_icontains() -> None:
    product = ProductFactory(name_fr="Außenrollo 50%", name_nl="", name_de="Straße", name_en="Blind_1")
    catalogue = overview_catalogue()
    assert catalogue.products_named("AUSSENROLLO") == [product.pk]
    assert catalogue.products_named("o 50%") == [product.pk]
    assert catalogue.products_named("d_1") == [product.pk]
    assert catalogue.products_named("d 1") == []
    assert catalogue.products_named(" \n ") == []


def test_the_filters_groups_are_the_active_ones_in_order(owner_client: Client, owner: User) -> None:
    second = ProductGroupFactory(code="b-second", position=2, name_fr="Deuxième", name_nl="Tweede")
    first_b = ProductGroupFactory(code="b-first", position=1, name_fr="Premier B", name_nl="")
    first_a = ProductGroupFactory(code="a-first", position=1, name_fr="Premier A", name_nl="Eerste A")
    ProductGroupFactory(code="a-hidden", position=0, is_active=False)
    ProductFactory.create_batch(2, group=second)  # a group with products is listed once
    ProductFactory(group=first_a, is_active=False)
    # first_b has no product: listed, as ProductGroup.objects.active() lists it.
    expected = [g.pk for g in (first_a, first_b, second)]
    active = [pk for pk in ProductGroup.objects.active().values_list("pk", flat=True) if pk in expected]
    assert active == expected
    assert [pk for pk, _name in overview_catalogue().groups if pk in expected] == expected
    response = owner_client.get(URL, {"group": second.pk})
    options = [(pk, name, chosen) for pk, name, chosen in response.context["group_options"] if pk in expected]
    assert options == [
        (first_a.pk, "Premier A", False),
        (first_b.pk, "Premier B", False),
        (second.pk, "Deuxième", True),
    ]
    owner.language = "nl"
    owner.save(update_fields=["language"])
    with translation.override("nl"):
        names = [name for pk, name, _chosen in owner_client.get(URL).context["group_options"] if pk in expected]
    assert names == ["Eerste A", "Premier B", "Tweede"]  # French when the Dutch name is blank


def test_a_search_by_product_keeps_the_query_budget(
    owner_client: Client, owner: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    DossierFactory.create_batch(3, customer=owner.customer, product=ProductFactory(name_fr="Pergola Algarve"))
    # session, user with customer, catalogue, the page with its count
    with django_assert_max_num_queries(4):
        response = owner_client.get(URL, {"q": "algarve"})
    assert len(response.context["page"].object_list) == 3


def test_the_catalogue_is_read_once_while_it_does_not_change(
    owner_client: Client, owner: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    DossierFactory.create_batch(3, customer=owner.customer)
    owner_client.get(URL)
    # Another page, rendered: session, user with customer, the page with its count; the catalogue as read before.
    with django_assert_max_num_queries(3):
        response = owner_client.get(URL, {"q": "chantier"})
    assert len(response.context["page"].object_list) == 3


def test_a_group_or_product_saved_shows_on_the_next_page(owner_client: Client, owner: User) -> None:
    owner_client.get(URL)
    group = ProductGroupFactory(name_fr="Nouveautés")
    found = DossierFactory(customer=owner.customer, product=ProductFactory(group=group, name_fr="Pergola Skye"))
    response = owner_client.get(URL, {"q": "skye"})
    assert [row.number for row in response.context["page"].object_list] == [found.number]
    assert (group.pk, "Nouveautés", False) in response.context["group_options"]


def test_a_product_the_signals_missed_is_read_again(owner_client: Client, owner: User) -> None:
    owner_client.get(URL)  # the catalogue is read
    (product,) = Product.objects.bulk_create([Product(group=ProductGroupFactory(), code="quiet", name_fr="Discret")])
    Dossier.objects.bulk_create(
        [Dossier(number="Q0000001", customer=owner.customer, product=product, product_group=product.group)]
    )
    response = owner_client.get(URL, {"sort": "number"})
    assert response.status_code == 200
    assert "Discret" in response.content.decode()


def test_the_group_filter_accepts_the_active_groups_only(owner_client: Client, owner: User) -> None:
    active, inactive = ProductGroupFactory(), ProductGroupFactory(is_active=False)
    in_active = DossierFactory(customer=owner.customer, product=ProductFactory(group=active))
    in_inactive = DossierFactory(customer=owner.customer, product=ProductFactory(group=inactive))
    everything = {in_active.number, in_inactive.number}

    def numbers(group: object) -> set[str]:
        response = owner_client.get(URL, {"group": group})
        return {row.number for row in response.context["page"].object_list}

    assert numbers(active.pk) == {in_active.number}
    assert numbers(inactive.pk) == everything  # not a choice: the filter is ignored
    assert numbers(f"{active.pk}x") == everything
