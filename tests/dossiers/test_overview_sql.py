"""The overview's one statement (``dossiers.overview_sql``) against the ORM's reading of the same filters.

The reference below is the plain ORM, written here for the comparison only: every filter,
every sort, pages, the reader's star and unread marker, another customer's dossiers and
another reader's marks. The demo's SQLite gets the same comparison in
``tests/test_demo_on_sqlite.py``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.models import User
from dossiers.models import Dossier, DossierSeen, Favourite, Status, search_words
from dossiers.overview import SORTS, OverviewFilters
from dossiers.overview_sql import OverviewValues, overview_page
from dossiers.workflow import STATUS_ORDER
from tests.factories import DossierFactory, ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 7


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _reference(filters: OverviewFilters, *, owner: User, products: list[int]) -> list[Dossier]:
    """The dossiers the overview must show, in order: the ORM's reading of ``filters``."""
    dossiers = Dossier.objects.filter(customer=owner.customer)
    text = search_words(filters.q)
    if text:
        dossiers = dossiers.filter(Q(search_text__icontains=text) | Q(product_id__in=products))
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.group is not None:
        dossiers = dossiers.filter(product_group_id=filters.group)
    if filters.created_from:
        dossiers = dossiers.filter(created_at__gte=_start_of(filters.created_from))
    if filters.created_to:
        dossiers = dossiers.filter(created_at__lt=_start_of(filters.created_to + timedelta(days=1)))
    if filters.activity_from:
        dossiers = dossiers.filter(last_activity_at__gte=_start_of(filters.activity_from))
    if filters.activity_to:
        dossiers = dossiers.filter(last_activity_at__lt=_start_of(filters.activity_to + timedelta(days=1)))
    if filters.favourites:
        dossiers = dossiers.filter(favourites__user=owner)
    position = Case(*(When(status=s, then=Value(p)) for s, p in STATUS_ORDER.items()), output_field=IntegerField())
    return list(dossiers.annotate(status_position=position).order_by(*SORTS[filters.sort]))


def _expected_row(dossier: Dossier, reader: User) -> OverviewValues:
    seen = DossierSeen.objects.filter(user=reader, dossier=dossier).first()
    return OverviewValues(
        pk=dossier.pk,
        number=dossier.number,
        reference=dossier.reference,
        status=dossier.status,
        order_number=dossier.order_number,
        linked_order_number=dossier.linked_order_number,
        linked_reference=dossier.linked_reference,
        product_id=dossier.product_id,
        last_activity_at=dossier.last_activity_at,
        is_favourite=Favourite.objects.filter(user=reader, dossier=dossier).exists(),
        is_unread=dossier.last_message_at is not None and (seen is None or dossier.last_message_at > seen.seen_at),
    )


@pytest.fixture
def mixed(owner: User, colleague: User, outsider: User) -> dict[str, Any]:
    """30 dossiers of every status, two groups, dates over a year, ties on activity and
    reference, stars and read marks of the owner and of a colleague; and another customer's."""
    rng = random.Random(14)
    groups = [ProductGroupFactory(), ProductGroupFactory()]
    products = [ProductFactory(group=groups[0], name_fr="Pergola Algarve"), ProductFactory(group=groups[1])]
    now = timezone.now().replace(microsecond=0)
    same_time = now - timedelta(days=3)
    dossiers = []
    references = ["Villa Namur", "Bureau 50%_off", "École", "villa namur"]
    for i in range(30):
        product = products[i % 2]
        dossiers.append(
            DossierFactory(
                customer=owner.customer,
                product=product,
                product_group=product.group,
                status=list(Status)[i % len(Status)],
                reference=references[i % 4] if i % 3 else f"Chantier {i}",
                order_number=f"C2026{i:06d}" if i % 4 == 0 else "",
                linked_order_number="C2026999999" if i == 7 else "",
                linked_reference="Maison Mosane" if i == 7 else "",
                warranty_numbers="2026-1-000123-4" if i == 11 else "",
                created_at=now - timedelta(days=30 if i % 6 == 0 else rng.randint(0, 365)),
                last_activity_at=same_time if i % 5 == 0 else now - timedelta(hours=rng.randint(0, 9000)),
                last_message_at=None if i % 3 == 0 else now - timedelta(days=rng.randint(0, 30)),
            )
        )
    # One at midnight of a bound's day: a "from" day starts at 00:00 in the portal's time zone.
    Dossier.objects.filter(pk=dossiers[29].pk).update(
        last_activity_at=_start_of(timezone.localdate(now) - timedelta(days=100))
    )
    for dossier in dossiers[::4]:
        Favourite.objects.create(user=owner, dossier=dossier)
    for dossier in dossiers[1::3]:
        Favourite.objects.create(user=colleague, dossier=dossier)
    for i, dossier in enumerate(dossiers[::2]):
        DossierSeen.objects.create(user=owner, dossier=dossier, seen_at=now - timedelta(days=i))
    for dossier in dossiers[::3]:
        DossierSeen.objects.create(user=colleague, dossier=dossier, seen_at=now)
    DossierFactory.create_batch(3, customer=outsider.customer, reference="Villa Namur", product=products[0])
    return {"groups": groups, "products": products, "now": now}


FILTERS = [
    {},
    {"q": "namur"},
    {"q": "NAMUR"},
    {"q": "50%_"},
    {"q": "%"},
    {"q": "_"},
    {"q": "mosane"},
    {"q": "2026-1-000123"},
    {"q": "c2026"},
    {"q": "algarve"},  # a product's name: its id is given
    {"q": "namur\nvilla"},  # control characters are spaces
    {"q": "aucun dossier"},
    {"status": Status.QUOTE},
    {"favourites": True},
    {"favourites": True, "q": "villa"},
    {"created_from": -200, "created_to": -30},
    {"created_from": -30, "created_to": -30},  # one day: the dossiers created 30 days ago
    {"activity_from": -100},
    {"activity_to": -50},
    {"activity_from": -3, "activity_to": -3},  # one day, the ties on activity included
]


def _filters(spec: dict[str, Any], *, sort: str, mixed: dict[str, Any]) -> OverviewFilters:
    values = dict(spec)
    today = timezone.localdate(mixed["now"])
    for name in ("created_from", "created_to", "activity_from", "activity_to"):
        if name in values:
            values[name] = today + timedelta(days=values[name])
    return OverviewFilters(**values, sort=sort)


@pytest.mark.parametrize("spec", FILTERS)
@pytest.mark.parametrize("sort", list(SORTS))
def test_every_filter_and_sort_as_the_orm_reads_it(
    owner: User, colleague: User, mixed: dict[str, Any], spec: dict[str, Any], sort: str
) -> None:
    filters = _filters(spec, sort=sort, mixed=mixed)
    products = [mixed["products"][0].pk] if "algarve" in filters.q else []
    for reader in (owner, colleague):
        expected = _reference(filters, owner=reader, products=products)
        shown: list[OverviewValues] = []
        for number in range(1, max(1, -(-len(expected) // PER_PAGE)) + 1):
            page = overview_page(
                customer_id=owner.customer_id,
                user_id=reader.pk,
                filters=filters,
                products=products,
                number=number,
                per_page=PER_PAGE,
            )
            assert page.paginator.count == len(expected)
            assert page.number == number
            shown.extend(page.object_list)
        assert shown == [_expected_row(dossier, reader) for dossier in expected], (spec, sort, reader)


def test_the_product_group_filter(owner: User, mixed: dict[str, Any]) -> None:
    group = mixed["groups"][1]
    page = overview_page(
        customer_id=owner.customer_id,
        user_id=owner.pk,
        filters=OverviewFilters(group=group.pk),
        products=[],
        number=1,
        per_page=50,
    )
    assert page.paginator.count == 15
    assert {row.number for row in page.object_list} == set(
        Dossier.objects.filter(customer=owner.customer, product_group=group).values_list("number", flat=True)
    )


def test_a_product_without_its_name_in_the_text_is_found_by_its_id(owner: User, mixed: dict[str, Any]) -> None:
    algarve = mixed["products"][0]
    found = overview_page(
        customer_id=owner.customer_id,
        user_id=owner.pk,
        filters=OverviewFilters(q="algarve"),
        products=[algarve.pk],
        number=1,
        per_page=50,
    )
    assert {row.product_id for row in found.object_list} == {algarve.pk}
    assert found.paginator.count == 15


@pytest.mark.parametrize(("number", "shown"), [(0, 5), (5, 5), (6, 5), (10**9, 5), (4, 4)])
def test_a_page_past_the_last_or_below_one_is_the_last(
    owner: User, mixed: dict[str, Any], django_assert_num_queries, number: int, shown: int
) -> None:  # type: ignore[no-untyped-def]
    second_statement = number != shown
    with django_assert_num_queries(2 if second_statement else 1):  # the count comes with the page
        page = overview_page(
            customer_id=owner.customer_id,
            user_id=owner.pk,
            filters=OverviewFilters(),
            products=[],
            number=number,
            per_page=PER_PAGE,
        )
    assert page.number == shown
    assert page.paginator.num_pages == 5
    assert len(page.object_list) == (30 - 4 * PER_PAGE if shown == 5 else PER_PAGE)


def test_no_dossier_is_page_one_of_one(owner: User, mixed: dict[str, Any]) -> None:
    for number in (1, 3):
        page = overview_page(
            customer_id=owner.customer_id,
            user_id=owner.pk,
            filters=OverviewFilters(q="aucun dossier ne porte ce nom"),
            products=[],
            number=number,
            per_page=PER_PAGE,
        )
        assert (page.number, page.paginator.count, page.paginator.num_pages, list(page)) == (1, 0, 1, [])


def test_another_customers_dossiers_are_never_counted_nor_shown(outsider: User, mixed: dict[str, Any]) -> None:
    page = overview_page(
        customer_id=outsider.customer_id,
        user_id=outsider.pk,
        filters=OverviewFilters(),
        products=[],
        number=1,
        per_page=50,
    )
    assert page.paginator.count == 3
    assert set(Dossier.objects.filter(pk__in=[row.pk for row in page]).values_list("customer_id", flat=True)) == {
        outsider.customer_id
    }


@pytest.mark.parametrize("hostile", ["'; DROP TABLE dossiers_dossier; --", "\\", "%%s", "%(x)s", "\x00"])
def test_a_hostile_search_is_just_text(owner: User, mixed: dict[str, Any], hostile: str) -> None:
    page = overview_page(
        customer_id=owner.customer_id,
        user_id=owner.pk,
        filters=OverviewFilters(q=hostile),
        products=[],
        number=1,
        per_page=50,
    )
    assert page.paginator.count == len(_reference(OverviewFilters(q=hostile), owner=owner, products=[]))
    assert Dossier.objects.count() == 33
