"""« Aperçu des dossiers »: search, filters, sort allow-list, favourites, unread marker, pages, bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, Favourite, Status
from tests.factories import DossierFactory, ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:dossier-list")


def _numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return [d.number for d in response.context["page"].object_list]


@pytest.fixture
def mine(owner: User) -> list[Dossier]:
    """Three dossiers of the owner's customer, oldest activity first."""
    now = timezone.now()
    return [
        DossierFactory(customer=owner.customer, reference=ref, last_activity_at=now - timedelta(days=days))
        for ref, days in (("Villa Leroy", 3), ("Bureau Namur", 2), ("École Saint-Jean", 1))
    ]


@pytest.fixture
def theirs(outsider: User) -> Dossier:
    return DossierFactory(customer=outsider.customer, reference="Villa Leroy")


def test_lists_only_the_customers_dossiers_newest_activity_first(
    owner_client: Client, mine: list[Dossier], theirs: Dossier
) -> None:
    assert _numbers(owner_client.get(URL)) == [d.number for d in reversed(mine)]


def test_colleagues_share_the_list(colleague_client: Client, mine: list[Dossier]) -> None:
    assert len(_numbers(colleague_client.get(URL))) == 3


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("number", "X20260001", "20260001"),
        ("order_number", "C2026000777", "c2026000777"),
        ("reference", "Chalet des Pins", "des pins"),
        ("warranty_numbers", "W-88123 W-88124", "88124"),
    ],
)
def test_search_finds_by_each_number_and_the_reference(
    owner_client: Client, owner: User, mine: list[Dossier], theirs: Dossier, field: str, value: str, query: str
) -> None:
    target = DossierFactory(customer=owner.customer, **{field: value})
    DossierFactory(customer=theirs.customer, **{field: value + "9"})  # same text, other customer
    assert _numbers(owner_client.get(URL, {"q": query})) == [target.number]


def test_search_finds_by_product_name_in_any_language(owner_client: Client, owner: User, mine: list[Dossier]) -> None:
    product = ProductFactory(name_fr="Pergola Camargue", name_nl="Terrasoverkapping Camargue")
    target = DossierFactory(customer=owner.customer, product=product)
    assert _numbers(owner_client.get(URL, {"q": "camargue"})) == [target.number]
    assert _numbers(owner_client.get(URL, {"q": "terrasoverkapping"})) == [target.number]


def test_filters_by_status_group_and_dates(owner_client: Client, owner: User, mine: list[Dossier]) -> None:
    group = ProductGroupFactory()
    quoted = DossierFactory(
        customer=owner.customer,
        status=Status.QUOTE,
        product=ProductFactory(group=group),
        created_at=timezone.now() - timedelta(days=40),
    )
    assert _numbers(owner_client.get(URL, {"status": "quote"})) == [quoted.number]
    assert _numbers(owner_client.get(URL, {"group": group.pk})) == [quoted.number]
    # The local day of its creation: "today - 40 days" is another day when a DST change lies in between.
    old_day = timezone.localdate(quoted.created_at).isoformat()
    assert _numbers(owner_client.get(URL, {"created_from": old_day, "created_to": old_day})) == [quoted.number]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    # The "to" day is included; the new dossier's activity is today.
    assert _numbers(owner_client.get(URL, {"activity_to": yesterday})) == [d.number for d in reversed(mine)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("reference", ["Bureau Namur", "Villa Leroy", "École Saint-Jean"]),
        ("-activity", ["École Saint-Jean", "Bureau Namur", "Villa Leroy"]),
        ("activity", ["Villa Leroy", "Bureau Namur", "École Saint-Jean"]),
    ],
)
def test_sorts_by_allowed_columns(owner_client: Client, mine: list[Dossier], sort: str, expected: list[str]) -> None:
    response = owner_client.get(URL, {"sort": sort})
    references = [d.reference for d in response.context["page"].object_list]
    assert sorted(references) == sorted(expected)
    if sort != "reference":  # collation of "É" depends on the database locale
        assert references == expected


def test_sorts_by_status_along_the_workflow(owner_client: Client, owner: User) -> None:
    for status in (Status.CANCELLED, Status.ACTIVE, Status.ORDERED):
        DossierFactory(customer=owner.customer, status=status)
    response = owner_client.get(URL, {"sort": "status"})
    assert [d.status for d in response.context["page"].object_list] == ["active", "ordered", "cancelled"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "customer__users__password"},
        {"sort": "-customer__number"},
        {"status": "customer__users__password"},
        {"group": "1 OR 1=1"},
        {"group": "999999"},
        {"created_from": "'; DROP TABLE dossiers_dossier; --"},
        {"activity_to": "2026-13-45"},
        {"customer": "2", "customer__number": "300400", "order_by": "password"},
    ],
)
def test_unknown_or_bad_parameters_are_ignored(
    owner_client: Client, mine: list[Dossier], theirs: Dossier, params: dict[str, str]
) -> None:
    response = owner_client.get(URL, params)
    assert _numbers(response) == [d.number for d in reversed(mine)]
    assert theirs.number not in response.content.decode()
    assert "pbkdf2" not in response.content.decode() and "md5$" not in response.content.decode()


def test_a_10000_character_search_is_refused_with_a_message(owner_client: Client, mine: list[Dossier]) -> None:
    response = owner_client.get(URL, {"q": "x" * 10_000})
    assert len(_numbers(response)) == 3
    assert "La recherche est limitée à 100 caractères" in unescape(response.content.decode())
    assert 'value="xxxx' not in response.content.decode()  # not echoed back into the search box


@pytest.mark.parametrize(
    "query", ["' OR 1=1 --", "%", "_", "\\", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
)
def test_sql_and_html_in_search_are_just_text(
    owner_client: Client, mine: list[Dossier], theirs: Dossier, query: str
) -> None:
    response = owner_client.get(URL, {"q": query})
    assert _numbers(response) == []
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert theirs.number not in body


def test_html_in_a_reference_is_escaped_in_the_list(owner_client: Client, owner: User) -> None:
    DossierFactory(customer=owner.customer, reference="<b>gras</b>")
    body = owner_client.get(URL).content.decode()
    assert "&lt;b&gt;gras&lt;/b&gt;" in body


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.5", "99999", "9" * 50, "", "²", "١"])
def test_odd_page_numbers_never_fail(owner_client: Client, mine: list[Dossier], page: str) -> None:
    response = owner_client.get(URL, {"page": page})
    assert len(_numbers(response)) == 3


def test_pages_of_25_keep_the_filters_in_their_links(owner_client: Client, owner: User) -> None:
    DossierFactory.create_batch(30, customer=owner.customer, status=Status.QUOTE, reference="Projet")
    DossierFactory(customer=owner.customer, status=Status.ACTIVE, reference="Projet")
    first = owner_client.get(URL, {"q": "projet", "status": "quote", "sort": "number"})
    assert len(_numbers(first)) == 25
    assert first.context["page"].paginator.count == 30
    links = re.findall(r'href="\?([^"]*page=2)"', first.content.decode())
    assert links == ["q=projet&amp;status=quote&amp;sort=number&amp;page=2"]
    second = owner_client.get(URL + "?" + unescape(links[0]))
    assert len(_numbers(second)) == 5
    assert not set(_numbers(first)) & set(_numbers(second))


def test_star_a_dossier_then_filter_on_favourites(
    owner_client: Client, colleague_client: Client, owner: User, mine: list[Dossier]
) -> None:
    url = reverse("dossiers:dossier-favourite", kwargs={"pk": mine[0].pk})
    back = URL + "?sort=number"
    response = owner_client.post(url, {"starred": "on", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    owner_client.post(url, {"starred": "on", "next": back})  # a double click stars once
    assert Favourite.objects.filter(user=owner).count() == 1
    assert _numbers(owner_client.get(URL, {"favourites": "on"})) == [mine[0].number]
    page = owner_client.get(URL).context["page"]
    assert [d.is_favourite for d in page.object_list] == [False, False, True]
    # Favourites are personal: the owner's star is not in the colleague's list, nor pressed in it.
    assert _numbers(colleague_client.get(URL, {"favourites": "on"})) == []
    colleague_page = colleague_client.get(URL).context["page"]
    assert [d.number for d in colleague_page.object_list] == [d.number for d in page.object_list]
    assert [d.is_favourite for d in colleague_page.object_list] == [False, False, False]
    owner_client.post(url, {"next": back})
    assert not Favourite.objects.filter(user=owner).exists()


def test_star_buttons_post_to_the_favourite_url(owner_client: Client, mine: list[Dossier]) -> None:
    body = owner_client.get(URL).content.decode()
    for dossier in mine:
        assert f'formaction="{reverse("dossiers:dossier-favourite", kwargs={"pk": dossier.pk})}"' in body


def test_star_redirect_never_leaves_the_site(owner_client: Client, mine: list[Dossier]) -> None:
    url = reverse("dossiers:dossier-favourite", kwargs={"pk": mine[0].pk})
    response = owner_client.post(url, {"starred": "on", "next": "https://evil.example/"})
    assert response["Location"] == URL


def test_unread_marker_follows_messages_and_reading(
    owner_client: Client, owner: User, colleague: User, mine: list[Dossier]
) -> None:
    dossier = mine[0]

    def unread() -> list[str]:
        # From the HTML: after the first visit the page comes from the cache, without a context.
        return re.findall(r'<tr data-dossier="(\w+)" class="dossier-unread', owner_client.get(URL).content.decode())

    assert unread() == []
    services.note_message_posted(dossier=dossier, at=timezone.now())
    assert unread() == [dossier.number]
    assert "Nouveau message" in owner_client.get(URL).content.decode()
    services.mark_dossier_seen(user=colleague, dossier=dossier)  # a colleague's reading is not mine
    assert unread() == [dossier.number]
    services.mark_dossier_seen(user=owner, dossier=dossier)
    assert unread() == []
    services.note_message_posted(dossier=dossier, at=timezone.now() + timedelta(seconds=1))
    assert unread() == [dossier.number]


@pytest.mark.parametrize("rows", [1, 50])
def test_overview_query_budget_is_constant(
    owner_client: Client, owner: User, rows: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    dossiers = DossierFactory.create_batch(rows, customer=owner.customer)
    for dossier in dossiers:
        services.set_favourite(user=owner, dossier=dossier, starred=True)
        services.note_message_posted(dossier=dossier, at=timezone.now())
    services.mark_dossier_seen(user=owner, dossier=dossiers[0])
    # Rendered (first visit): session, user with customer, catalogue (filter's groups, rows'
    # products), the page with its count (dossiers.overview_sql)
    with django_assert_max_num_queries(4):
        response = owner_client.get(URL)
    assert len(response.context["page"].object_list) == min(rows, 25)
    with django_assert_max_num_queries(3):  # the product group named in the filter is checked against the catalogue
        response = owner_client.get(
            URL, {"q": "T0", "status": "active", "group": dossiers[0].product_group_id, "favourites": "on"}
        )
    assert [row.pk for row in response.context["page"].object_list] == [dossiers[0].pk]  # the one of its group
    # Past the last page: the last one, which the count names, so the page is read twice.
    with django_assert_max_num_queries(4):
        response = owner_client.get(URL, {"page": "99"})
    assert response.context["page"].number == (2 if rows > 25 else 1)
