"""« Aperçu des dossiers »: the filters a dealer can apply, the sort allow-list, the rows.

Only what this module names ever reaches the database: a sort key is looked up in
:data:`SORTS`, a filter is a typed field of :class:`OverviewFilters`, and
``dossiers.overview_sql`` turns them into its one statement. Anything else in the query
string is ignored.

The page is the portal's busiest, so its rows are computed here once, in Python, from
plain tuples (no model instances): one URL prefix instead of a ``reverse()`` per row,
one status pill per status, one date format per page. A Jinja2 template prints them
(``render_rows``), faster than Django's engine on the same markup.

The catalogue (product groups and products, a few dozen rows) is read once per page —
and reused by the process while the page cache's catalogue stamp stays the same
(:func:`overview_catalogue`): it gives the filter's groups, the rows' product names
(the page query has no join to the products) and the products a search names, as
constant ids that let PostgreSQL combine the search's indexes (``overview_sql``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from time import monotonic
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from catalogue.models import ProductGroup

from .dates import datetime_formatter
from .links import url_maker
from .models import search_words
from .templatetags.dossier_tags import status_pill

DEFAULT_SORT = "-activity"

# Public sort key → ORDER BY (``overview_sql`` names the columns). ``id`` last so pages
# never overlap on equal values; ``status_position`` is the status's place in the workflow
# (Actif … Annulé, ``workflow.STATUS_ORDER``), not its code's alphabetical order.
SORTS: dict[str, tuple[str, ...]] = {
    "activity": ("last_activity_at", "id"),
    "-activity": ("-last_activity_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "reference": ("reference", "id"),
    "-reference": ("-reference", "-id"),
    "status": ("status_position", "-last_activity_at", "-id"),
    "-status": ("-status_position", "-last_activity_at", "-id"),
}


@dataclass(frozen=True)
class OverviewFilters:
    """What the dealer filters and sorts on, valid values only (``forms.OverviewForm.filters``).

    ``q`` is found in ``Dossier.search_text`` (the six searched texts, one per line) and in
    the product names, in any case (``icontains``: ``%`` and ``_`` literal); its control
    characters are spaces (``models.search_words``), so it never holds the line break
    between two texts and never matches across them. The dates are days in the portal's
    time zone, the "to" day included; ``favourites`` are the reader's own.
    """

    q: str = ""
    status: str = ""
    group: int | None = None  # a product group's id
    created_from: date | None = None
    created_to: date | None = None
    activity_from: date | None = None
    activity_to: date | None = None
    favourites: bool = False
    sort: str = DEFAULT_SORT


def sort_links(current: str, query_string: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (toggling direction) and its ``aria-sort``."""
    links: dict[str, dict[str, str]] = {}
    prefix = f"?{query_string}&" if query_string else "?"
    for column in ("number", "reference", "status", "activity"):
        ascending = current == column
        descending = current == f"-{column}"
        # Activity starts newest first, the text columns A→Z.
        if ascending:
            target = f"-{column}"
        elif descending:
            target = column
        else:
            target = "-activity" if column == "activity" else column
        links[column] = {
            "href": f"{prefix}sort={target}",
            "aria_sort": "ascending" if ascending else "descending" if descending else "none",
        }
    return links


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """What one line of the overview shows, ready to print."""

    number: str
    url: str
    favourite_url: str
    messages_url: str
    is_favourite: bool
    is_unread: bool
    order_number: str
    reference: str
    # After-sales: the service order of an original dossier, the original order of a « Service » one.
    linked_order: str
    linked_reference: str
    product: str
    status: SafeString
    last_activity: str


def overview_rows(values: Iterable[Any], catalogue: OverviewCatalogue) -> list[OverviewRow]:
    """The rows of one page, from the ``OverviewValues`` of ``overview_sql``, their products from ``catalogue``."""
    detail_url = url_maker("dossiers:dossier-detail")
    favourite_url = url_maker("dossiers:dossier-favourite")
    messages_url = url_maker("communication:message-list")
    format_datetime = datetime_formatter(get_format("SHORT_DATETIME_FORMAT"))
    name_index = _name_index()
    service_order, original_order = _("Commande de service %(number)s"), _("Commande d'origine %(number)s")
    badges: dict[str, SafeString] = {}
    rows = []
    for value in values:
        product = catalogue.products[value.product_id]
        badge = badges.get(value.status)
        if badge is None:
            badge = badges[value.status] = status_pill(value.status)
        rows.append(
            OverviewRow(
                number=value.number,
                url=detail_url(value.pk),
                favourite_url=favourite_url(value.pk),
                messages_url=messages_url(value.pk),
                is_favourite=value.is_favourite,
                is_unread=value.is_unread,
                order_number=value.order_number,
                reference=value.reference,
                linked_order=(
                    (original_order if product.is_service else service_order) % {"number": value.linked_order_number}
                    if value.linked_order_number
                    else ""
                ),
                linked_reference=value.linked_reference,
                product=_translated(product.names, name_index),
                status=badge,
                # What the template's |date:"SHORT_DATETIME_FORMAT" does, format looked up once.
                last_activity=format_datetime(timezone.localtime(value.last_activity_at)),
            )
        )
    return rows


def render_rows(rows: list[OverviewRow]) -> SafeString:
    """The ``<tr>`` of the rows, printed by the Jinja2 engine (``dossiers.templating``)."""
    html = render_to_string("dossiers/overview_rows.html", {"rows": rows}, using="jinja2")
    return mark_safe(html)  # noqa: S308  (the template escapes every value it prints)


NAME_COLUMNS = tuple(f"name_{code}" for code, _name in settings.LANGUAGES)
_FRENCH = NAME_COLUMNS.index("name_fr")


def _name_index() -> int:
    """Where the reader's language is in :data:`NAME_COLUMNS` (French if it is not there)."""
    column = f"name_{(translation.get_language() or 'fr')[:2]}"
    return NAME_COLUMNS.index(column) if column in NAME_COLUMNS else _FRENCH


def _translated(names: tuple[str, ...], index: int) -> str:
    """``TranslatedName.name``: the name in the reader's language, French when it is blank."""
    return names[index] or names[_FRENCH]


@dataclass(frozen=True, slots=True)
class CatalogueProduct:
    names: tuple[str, ...]  # in the order of NAME_COLUMNS
    folded: tuple[str, ...]  # the same, casefolded, blanks left out: what a search compares
    is_service: bool


@dataclass(frozen=True, slots=True)
class OverviewCatalogue:
    """What the overview needs of the catalogue, read with one query (:func:`overview_catalogue`).

    - ``groups``: the filter's choices, the active product groups ordered by position and
      code, each with its names: what ``ProductGroup.objects.active()`` gives, a group
      without products included;
    - ``products``: every product (active or not, as ``Product.objects.name_contains``),
      for the rows' product column and so that a search's product matches are constant
      ids (``overview_sql``).

    Nothing in it depends on the reader: the names are picked in their language when used.
    """

    groups: tuple[tuple[int, tuple[str, ...]], ...]
    products: dict[int, CatalogueProduct]

    def group_choices(self) -> list[tuple[int, str]]:
        """The filter's groups as (pk, name in the reader's language)."""
        index = _name_index()
        return [(pk, _translated(names, index)) for pk, names in self.groups]

    def products_named(self, text: str) -> list[int]:
        """The products whose name in one of the portal's languages contains ``text``, in any case.

        Compared with ``str.casefold`` (Unicode's caseless matching): what ``icontains``
        found with a query, and a little more — « strasse » finds « Straße », which
        PostgreSQL's ``UPPER`` does not, and on SQLite (whose ``LIKE`` folds ASCII only)
        « école » finds « École ».
        """
        wanted = search_words(text).casefold()
        if not wanted:
            return []
        return [pk for pk, product in self.products.items() if any(wanted in name for name in product.folded)]


# The catalogue last read by this process: (catalogue stamp, when it expires, catalogue).
_last_catalogue: tuple[str, float, OverviewCatalogue] | None = None


def overview_catalogue(stamp: str | None = None, *, reread: bool = False) -> OverviewCatalogue:
    """The product groups with their products, one query (a LEFT JOIN: a group without products is a row too).

    ``stamp`` is the page cache's catalogue stamp (``dossiers.overview_cache``), moved by
    every save or deletion of a product or group, every catalogue load and every deploy:
    while it is the same, the catalogue this process read under it is used again, for
    ``OVERVIEW_CACHE_SECONDS`` at most (what the cached pages themselves may be stale for
    when the shared cache missed a move). Without a stamp, or with ``reread``, it is read.
    A page whose rows name a product the catalogue lacks (created without the signals,
    by ``bulk_create``) reads it again (``dossiers.views``).
    """
    global _last_catalogue
    last = _last_catalogue
    if not reread and stamp is not None and last is not None and last[0] == stamp and monotonic() < last[1]:
        return last[2]
    catalogue = _read_catalogue()
    if stamp is not None:
        _last_catalogue = (stamp, monotonic() + settings.OVERVIEW_CACHE_SECONDS, catalogue)
    return catalogue


def _read_catalogue() -> OverviewCatalogue:
    rows = ProductGroup.objects.order_by("position", "code").values_list(
        "pk",
        "is_active",
        *NAME_COLUMNS,
        "products__pk",
        "products__is_service",
        *(f"products__{column}" for column in NAME_COLUMNS),
    )
    width = len(NAME_COLUMNS)
    groups: dict[int, tuple[str, ...]] = {}
    products = {}
    for pk, is_active, *values in rows:
        if is_active and pk not in groups:
            groups[pk] = tuple(values[:width])
        product_pk, is_service, names = values[width], values[width + 1], tuple(values[width + 2 :])
        if product_pk is not None:
            products[product_pk] = CatalogueProduct(
                names=names, folded=tuple(name.casefold() for name in names if name), is_service=is_service
            )
    return OverviewCatalogue(groups=tuple(groups.items()), products=products)
