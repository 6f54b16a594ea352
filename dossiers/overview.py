"""« Aperçu des dossiers »: the filters a dealer can apply, and the sort allow-list.

Only what this module names ever reaches the ORM: a sort key is looked up in
:data:`SORTS`, a filter is a typed field of :class:`OverviewFilters`. Anything else in
the query string is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from accounts.models import User
from configurator.models import ProductGroup

from .models import DossierQuerySet
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

    def apply(self, dossiers: DossierQuerySet, *, user: User) -> DossierQuerySet:
        """Filter and order ``dossiers`` (already scoped to the user's customer); ``user`` owns the favourites."""
        if self.q:
            dossiers = dossiers.search(self.q)
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
