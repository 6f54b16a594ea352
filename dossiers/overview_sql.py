"""One page of the « Aperçu des dossiers » and the number of dossiers it is a page of, in one SQL statement.

Why SQL: the overview is rendered on a dealer's first visit and after every change, and
the same queries built with the ORM — the filters, two ``FilteredRelation`` joins for the
reader's star and read mark, a count, then a page of named ``values_list`` rows — took
5.7 ms per page on the bench machine, where this statement takes 2.0 ms, PostgreSQL's
time included (« namur »: 9.8 ms and 6.1 ms; ``bench/README.md``). Portable SQL, as the
demo runs on SQLite; the tests compare it with the ORM's filters for every filter and
sort, on PostgreSQL and on SQLite.

What it selects and nothing else: the customer's dossiers, filtered by
:class:`~dossiers.overview.OverviewFilters` (every value a parameter, every column and
order from this module), as :class:`OverviewValues`, plus their count.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection
from django.utils import timezone

from .models import Dossier, DossierSeen, Favourite, search_words
from .overview import DEFAULT_SORT, SORTS, OverviewFilters
from .workflow import STATUS_ORDER


class OverviewValues(NamedTuple):
    """What a row of the overview reads: no model instances, and no join to the products,
    whose names the page has already read (``overview.OverviewCatalogue``)."""

    pk: int
    number: str
    reference: str
    status: str
    order_number: str
    linked_order_number: str
    linked_reference: str
    product_id: int
    last_activity_at: datetime
    is_favourite: bool  # starred by the reader
    is_unread: bool  # a message newer than the reader's last visit to the Communication tab


# The columns SORTS orders by, as SQL of the page's subquery; the outer query orders by
# the same names on its rows (status_position is a column of the subquery for that).
_ORDER_COLUMNS = {
    "last_activity_at": "d.last_activity_at",
    "id": "d.id",
    "number": "d.number",
    "reference": "d.reference",
    "status_position": "status_position",
}


def _paginator(count: int, per_page: int) -> Paginator:
    """A paginator told the count (the page's statement counted the dossiers), never counting itself."""
    paginator = Paginator((), per_page)
    paginator.count = count  # a cached_property: set, it is not computed
    return paginator


def overview_page(
    *, customer_id: int, user_id: int, filters: OverviewFilters, products: list[int], number: int, per_page: int
) -> Page:
    """Page ``number`` of the customer's dossiers that match ``filters``, as ``Paginator.get_page`` gives it.

    ``products`` are the ids of the products whose name the search names (the catalogue
    resolved them: ``OverviewCatalogue.products_named``). A number past the last page (or
    below 1) is the last page, as with Django's ``get_page``: known only once the dossiers
    are counted, so that page takes a second statement.
    """
    where, params = _where(customer_id=customer_id, user_id=user_id, filters=filters, products=products)
    wanted = max(number, 1)
    count, values = _fetch(where, params, user_id, filters.sort, limit=per_page, offset=(wanted - 1) * per_page)
    paginator = _paginator(count, per_page)
    try:
        number = paginator.validate_number(number)
    except EmptyPage:
        number = paginator.num_pages
    if number != wanted:
        count, values = _fetch(where, params, user_id, filters.sort, limit=per_page, offset=(number - 1) * per_page)
        paginator = _paginator(count, per_page)
        number = min(number, paginator.num_pages)  # fewer dossiers than a moment ago: stay on a page that exists
    return Page(values, number, paginator)


def _start_of(day: date) -> Any:
    """Midnight of ``day`` in the portal's time zone, as the database adapter wants it."""
    return connection.ops.adapt_datetimefield_value(timezone.make_aware(datetime.combine(day, time.min)))


def _where(*, customer_id: int, user_id: int, filters: OverviewFilters, products: list[int]) -> tuple[str, list[Any]]:
    """The conditions on the dossiers ``d``, and their parameters."""
    conditions: list[str] = ["d.customer_id = %s"]
    params: list[Any] = [customer_id]
    text = search_words(filters.q)
    if text:
        # What Django's icontains writes, so the trigram index on UPPER(search_text)
        # serves it on PostgreSQL (migration 0012): « UPPER(…) LIKE UPPER(%s) » there,
        # « LIKE %s ESCAPE '\' » on SQLite; ``%`` and ``_`` of the search are literal.
        column = connection.ops.lookup_cast("icontains", "TextField") % "d.search_text"
        operators: dict[str, str] = connection.operators  # type: ignore[attr-defined]  # every backend has them
        match = f"{column} {operators['icontains'] % '%s'}"
        params.append(f"%{connection.ops.prep_for_like_query(text)}%")
        if products:
            # Constants, not a subquery: PostgreSQL then ORs them into the index scan
            # (a BitmapOr) instead of filtering every dossier of the customer again.
            match += f" OR d.product_id IN ({', '.join(['%s'] * len(products))})"
            params.extend(sorted(products))
        conditions.append(f"({match})")
    if filters.status:
        conditions.append("d.status = %s")
        params.append(filters.status)
    if filters.group is not None:
        conditions.append("d.product_group_id = %s")
        params.append(filters.group)
    # Day bounds in the portal's time zone; the "to" day is included.
    for day, condition in (
        (filters.created_from, "d.created_at >= %s"),
        (filters.created_to and filters.created_to + timedelta(days=1), "d.created_at < %s"),
        (filters.activity_from, "d.last_activity_at >= %s"),
        (filters.activity_to and filters.activity_to + timedelta(days=1), "d.last_activity_at < %s"),
    ):
        if day:
            conditions.append(condition)
            params.append(_start_of(day))
    if filters.favourites:
        conditions.append(
            f"EXISTS (SELECT 1 FROM {Favourite._meta.db_table} ff WHERE ff.dossier_id = d.id AND ff.user_id = %s)"  # noqa: S608  (a table name)
        )
        params.append(user_id)
    return " AND ".join(conditions), params


def _fetch(where: str, params: list[Any], user_id: int, sort: str, *, limit: int, offset: int) -> tuple[int, list[Any]]:
    """The count of the dossiers matching ``where`` and the page of them at ``offset``.

    The count is a one-row subquery the page is LEFT JOINed to, so it comes back even when
    the page is empty (past the last page). The page's subquery reads ``limit`` rows along
    the sort's index and meets the reader's star and read mark by their unique (user,
    dossier) keys; the outer query keeps its order.
    """
    dossiers, favourites, seen = Dossier._meta.db_table, Favourite._meta.db_table, DossierSeen._meta.db_table
    ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    inner_order = ", ".join(_order_term(name, _ORDER_COLUMNS) for name in ordering)
    outer_order = ", ".join(_order_term(name, {key: f"p.{key}" for key in _ORDER_COLUMNS}) for name in ordering)
    positions = " ".join("WHEN %s THEN %s" for _status in STATUS_ORDER)
    sql = (
        "SELECT t.n, p.id, p.number, p.reference, p.status, p.order_number, p.linked_order_number, "  # noqa: S608  (table names and orders from this module, values as parameters)
        "p.linked_reference, p.product_id, p.last_activity_at, p.is_favourite, p.is_unread "
        f"FROM (SELECT COUNT(*) AS n FROM {dossiers} d WHERE {where}) t LEFT JOIN ("
        "SELECT d.id, d.number, d.reference, d.status, d.order_number, d.linked_order_number, "
        "d.linked_reference, d.product_id, d.last_activity_at, "
        "CASE WHEN f.id IS NULL THEN 0 ELSE 1 END AS is_favourite, "
        "CASE WHEN d.last_message_at IS NOT NULL AND (s.seen_at IS NULL OR d.last_message_at > s.seen_at) "
        "THEN 1 ELSE 0 END AS is_unread, "
        f"CASE d.status {positions} END AS status_position "
        f"FROM {dossiers} d "
        f"LEFT JOIN {favourites} f ON f.dossier_id = d.id AND f.user_id = %s "
        f"LEFT JOIN {seen} s ON s.dossier_id = d.id AND s.user_id = %s "
        f"WHERE {where} ORDER BY {inner_order} LIMIT %s OFFSET %s"
        f") p ON 1 = 1 ORDER BY {outer_order}"
    )
    status_params = [value for status, position in STATUS_ORDER.items() for value in (status, position)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *status_params, user_id, user_id, *params, limit, offset])
        rows = cursor.fetchall()
    # What the ORM's converters would do: SQLite returns datetimes as text, both 0/1 flags.
    to_datetime = getattr(connection.ops, "convert_datetimefield_value", None)
    values = []
    for _count, *columns in rows:
        if columns[0] is None:  # the page is empty: only the count's row
            continue
        *fields, last_activity_at, is_favourite, is_unread = columns
        if to_datetime is not None:
            last_activity_at = to_datetime(last_activity_at, None, connection)
        values.append(OverviewValues._make([*fields, last_activity_at, bool(is_favourite), bool(is_unread)]))
    return rows[0][0], values


def _order_term(name: str, columns: dict[str, str]) -> str:
    """``-last_activity_at`` → ``d.last_activity_at DESC`` (a column of ``columns``, never the request's text)."""
    descending = name.startswith("-")
    return f"{columns[name.lstrip('-')]} {'DESC' if descending else 'ASC'}"
