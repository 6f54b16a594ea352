"""List filters of the Communication admin; the work queue (« À traiter ») links to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATES
from .services import COMPLAINT_TYPES

# Ages of an open complaint, from its registration: (key, label, newer than, older than) in days.
AGES: tuple[tuple[str, Any, int | None, int | None], ...] = (
    ("week", _("Moins de 7 jours"), 7, None),
    ("month", _("De 7 à 30 jours"), 30, 7),
    ("older", _("Plus de 30 jours"), None, 30),
)


def age_filter(key: str, now: datetime | None = None, prefix: str = "") -> Q:
    """The complaints of age ``key`` (see :data:`AGES`), at ``now``."""
    now = now or timezone.now()
    for name, _label, newer_than, older_than in AGES:
        if name == key:
            condition = Q()
            if newer_than is not None:
                condition &= Q(**{f"{prefix}created_at__gt": now - timedelta(days=newer_than)})
            if older_than is not None:
                condition &= Q(**{f"{prefix}created_at__lte": now - timedelta(days=older_than)})
            return condition
    raise ValueError(f"Unknown age: {key!r}")


class WaitingForAnswerFilter(admin.SimpleListFilter):
    """A dealer's Remarque that no staff member has answered (``MessageQuerySet.waiting_for_answer``)."""

    title = _("réponse")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("En attente d'une réponse"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.waiting_for_answer()  # type: ignore[attr-defined]
        return queryset


class ComplaintTypeFilter(admin.SimpleListFilter):
    """« Par type »: only the types that register a complaint (Plainte, Demande de service)."""

    title = _("type")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(kind.value, kind.label) for kind in COMPLAINT_TYPES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {kind.value for kind in COMPLAINT_TYPES}:
            return queryset.filter(message__type=self.value())
        return queryset


class ComplaintOpenFilter(admin.SimpleListFilter):
    title = _("suivi")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Ouvertes")), ("no", _("Clôturées"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(state__in=OPEN_STATES)
        if self.value() == "no":
            return queryset.exclude(state__in=OPEN_STATES)
        return queryset


class ComplaintAgeFilter(admin.SimpleListFilter):
    title = _("âge")
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, label, _newer, _older in AGES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {key for key, *_rest in AGES}:
            return queryset.filter(age_filter(str(self.value())))
        return queryset


__all__ = [
    "AGES",
    "ComplaintAgeFilter",
    "ComplaintOpenFilter",
    "ComplaintTypeFilter",
    "WaitingForAnswerFilter",
    "age_filter",
]
