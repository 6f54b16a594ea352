"""The catalogue's reads: active products and groups, names in every portal language."""

from __future__ import annotations

import pytest
from django.utils import translation

from catalogue.models import Product
from tests.factories import ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db


def test_name_search_matches_every_portal_language_in_any_case() -> None:
    screen = ProductFactory(name_fr="Store", name_nl="Zonnescherm", name_de="Markise", name_en="Awning")
    ProductFactory(name_fr="Pergola", name_nl="Pergola", name_de="Pergola", name_en="Pergola")
    for text in ("store", "ZONNE", "markise", "awn"):
        assert list(Product.objects.name_contains(text)) == [screen], text


def test_inactive_products_and_products_of_inactive_groups_are_not_offered() -> None:
    offered = ProductFactory()
    ProductFactory(is_active=False)
    ProductFactory(group=ProductGroupFactory(is_active=False))
    assert list(Product.objects.active()) == [offered]


def test_a_name_missing_in_the_readers_language_falls_back_to_french() -> None:
    product = ProductFactory(name_fr="Store", name_nl="Zonnescherm", name_de="")
    with translation.override("nl"):
        assert product.name == "Zonnescherm"
    with translation.override("de"):
        assert product.name == "Store"
