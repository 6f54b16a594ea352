"""List filters of the admin about dossiers, for this app's lists and the apps above it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import in_care_of


def my_dossiers_filter(prefix: str = "") -> type[admin.SimpleListFilter]:
    """« Mes dossiers »: the rows of the dossiers the staff member looks after
    (:func:`dossiers.models.in_care_of`); ``prefix`` is the path to the dossier."""

    class MyDossiersFilter(admin.SimpleListFilter):
        title = _("personne de contact")
        parameter_name = "mine"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
            return [("yes", _("Mes dossiers"))]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value() == "yes":
                return queryset.filter(in_care_of(request.user, prefix))
            return queryset

    return MyDossiersFilter
