"""« Aperçu des dossiers »: the filters a dealer can apply, the sort allow-list, the rows.

Only what this module names ever reaches the ORM: a sort key is looked up in
:data:`SORTS`, a filter is a typed field of :class:`OverviewFilters`. Anything else in
the query string is ignored.

The page is the portal's busiest, so its rows are computed here once, in Python, from a
``values_list`` (no model instances): one URL prefix instead of a ``reverse()`` per row,
one status pill per status, one date format per page. A Jinja2 template prints them
(``render_rows``), faster than Django's engine on the same markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.models import ProductGroup

from .links import url_maker
from .models import DossierQuerySet, search_words
from .templatetags.dossier_tags import status_pill
from .workflow import STATUS_ORDER

DEFAULT_SORT = "-activity"

# Public sort key → ORDER BY. ``id`` last so pages never overlap on equal values.
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


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class OverviewFilters:
    q: str = ""
    status: str = ""
    group: ProductGroup | None = None
    created_from: date | None = None
    created_to: date | None = None
    activity_from: date | None = None
    activity_to: date | None = None
    favourites: bool = False
    sort: str = DEFAULT_SORT

    def apply(
        self, dossiers: DossierQuerySet, *, user: User, catalogue: OverviewCatalogue | None = None
    ) -> DossierQuerySet:
        """Filter and order ``dossiers`` (already scoped to the user's customer); ``user`` owns the favourites.

        With ``catalogue``, the products a search names are found in it, not with a query.
        """
        if self.q:
            products = catalogue.products_named(self.q) if catalogue is not None else None
            dossiers = dossiers.search(self.q, products=products)
        if self.status:
            dossiers = dossiers.filter(status=self.status)
        if self.group is not None:
            dossiers = dossiers.filter(product_group=self.group)
        # Day bounds in the portal's time zone; the "to" day is included.
        if self.created_from:
            dossiers = dossiers.filter(created_at__gte=_start_of(self.created_from))
        if self.created_to:
            dossiers = dossiers.filter(created_at__lt=_start_of(self.created_to + timedelta(days=1)))
        if self.activity_from:
            dossiers = dossiers.filter(last_activity_at__gte=_start_of(self.activity_from))
        if self.activity_to:
            dossiers = dossiers.filter(last_activity_at__lt=_start_of(self.activity_to + timedelta(days=1)))
        if self.favourites:
            dossiers = dossiers.filter(favourites__user=user)
        ordering = SORTS.get(self.sort, SORTS[DEFAULT_SORT])
        if "status_position" in ordering[0]:
            # Along the workflow (Actif … Annulé), not alphabetically by code.
            dossiers = dossiers.annotate(
                status_position=Case(
                    *(When(status=value, then=Value(position)) for value, position in STATUS_ORDER.items()),
                    output_field=IntegerField(),
                )
            )
        return dossiers.order_by(*ordering)


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


# What a row of the overview reads from the database: no model instances, and the
# product's name in every language (the row picks the reader's, like TranslatedName.name).
ROW_COLUMNS = (
    "pk",
    "number",
    "reference",
    "status",
    "order_number",
    "linked_order_number",
    "linked_reference",
    "product__is_service",
    "last_activity_at",
    "is_favourite",
    "is_unread",
    *(f"product__name_{code}" for code, _name in settings.LANGUAGES),
)


def row_values(dossiers: DossierQuerySet) -> Any:
    """``dossiers`` (annotated by ``with_reader_marks``) as named tuples of :data:`ROW_COLUMNS`."""
    return dossiers.values_list(*ROW_COLUMNS, named=True)


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


def overview_rows(values: Iterable[Any]) -> list[OverviewRow]:
    """The rows of one page, from the named tuples of :func:`row_values`."""
    detail_url = url_maker("dossiers:dossier-detail")
    favourite_url = url_maker("dossiers:dossier-favourite")
    messages_url = url_maker("communication:message-list")
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    name_column = f"product__name_{(translation.get_language() or 'fr')[:2]}"
    service_order, original_order = _("Commande de service %(number)s"), _("Commande d'origine %(number)s")
    badges: dict[str, SafeString] = {}
    rows = []
    for value in values:
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
                    (original_order if value.product__is_service else service_order)
                    % {"number": value.linked_order_number}
                    if value.linked_order_number
                    else ""
                ),
                linked_reference=value.linked_reference,
                product=getattr(value, name_column, "") or value.product__name_fr,
                status=badge,
                # What the template's |date:"SHORT_DATETIME_FORMAT" does, format looked up once.
                last_activity=date_format(timezone.localtime(value.last_activity_at), datetime_format),
            )
        )
    return rows


def render_rows(rows: list[OverviewRow]) -> SafeString:
    """The ``<tr>`` of the rows, printed by the Jinja2 engine (``dossiers.templating``)."""
    html = render_to_string("dossiers/overview_rows.html", {"rows": rows}, using="jinja2")
    return mark_safe(html)  # noqa: S308  (the template escapes every value it prints)


@dataclass(frozen=True, slots=True)
class OverviewCatalogue:
    """What the overview needs of the catalogue, read with one query (:func:`overview_catalogue`).

    - ``groups``: the filter's choices, the active product groups ordered by position and
      code, as (pk, name in the reader's language): what ``ProductGroup.objects.active()``
      gives, a group without products included;
    - the names of every product (active or not, as ``Product.objects.name_contains``), so
      that a search's product matches are constant ids (``DossierQuerySet.search``).
    """

    groups: list[tuple[int, str]]
    product_names: list[tuple[int, tuple[str, ...]]]

    def products_named(self, text: str) -> list[int]:
        """The products whose name in one of the portal's languages contains ``text``, in any case.

        Compared with ``str.casefold`` (Unicode's caseless matching): what ``icontains``
        finds, and « strasse » finds « Straße » too, which PostgreSQL's ``UPPER`` does not.
        """
        wanted = search_words(text).casefold()
        if not wanted:
            return []
        return [pk for pk, names in self.product_names if any(wanted in name for name in names)]


NAME_COLUMNS = tuple(f"name_{code}" for code, _name in settings.LANGUAGES)


def overview_catalogue() -> OverviewCatalogue:
    """The product groups with their products, one query (a LEFT JOIN: a group without products is a row too).

    Not cached on its own: the rendered overview page is (dossiers.overview_cache), and
    the catalogue's few rows cost one small query when the page is rendered.
    """
    language = (translation.get_language() or "fr")[:2]
    own_name = NAME_COLUMNS.index(f"name_{language}") if f"name_{language}" in NAME_COLUMNS else 0
    rows = ProductGroup.objects.order_by("position", "code").values_list(
        "pk", "is_active", *NAME_COLUMNS, "products__pk", *(f"products__{column}" for column in NAME_COLUMNS)
    )
    width = len(NAME_COLUMNS)
    groups: dict[int, str] = {}
    product_names = []
    for pk, is_active, *names in rows:
        group_names, product_pk, products = names[:width], names[width], names[width + 1 :]
        if is_active and pk not in groups:
            # TranslatedName.name: the reader's language, French when it is blank.
            groups[pk] = group_names[own_name] or group_names[0]
        if product_pk is not None:
            product_names.append((product_pk, tuple(name.casefold() for name in products if name)))
    return OverviewCatalogue(groups=list(groups.items()), product_names=product_names)
