"""The catalogue in the admin: read-only for every staff member, superusers included.

It comes from the catalogue file only (``manage.py load_catalogue``): an edit here would
be overwritten by the next load and would differ from the definitions stored with the
version, which order lines are evaluated under.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import CatalogueVersion, Product, ProductGroup, ProductVersion

NAME_FIELDS = [f"name_{code}" for code, _name in settings.LANGUAGES]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["code", *NAME_FIELDS, "is_service", "position", "is_active"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProductGroup)
class ProductGroupAdmin(ReadOnlyAdmin):
    list_display = ["code", *NAME_FIELDS, "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", *NAME_FIELDS]
    inlines = [ProductInline]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fr", "group", "is_service", "is_active"]
    list_filter = ["group", "is_service", "is_active"]
    search_fields = ["code", *NAME_FIELDS]
    list_select_related = ["group"]


class ProductVersionInline(admin.TabularInline):
    model = ProductVersion
    fields = ["product"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductVersion]:
        return super().get_queryset(request).select_related("product").defer("definition")


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "source", "loaded_at", "product_count", "content_hash"]
    search_fields = ["source", "content_hash"]
    inlines = [ProductVersionInline]


@admin.register(ProductVersion)
class ProductVersionAdmin(ReadOnlyAdmin):
    list_display = ["product", "version"]
    list_filter = ["version", "product__group"]
    search_fields = ["product__code", "product__name_fr"]
    list_select_related = ["product", "version"]
    fields = ["version", "product", "definition_json"]
    readonly_fields = fields  # type: ignore[assignment]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductVersion]:
        queryset = super().get_queryset(request)
        # The changelist never shows the (large) JSON; the change page reads it.
        return (
            queryset
            if request.resolver_match and "object_id" in request.resolver_match.kwargs
            else queryset.defer("definition")
        )

    @admin.display(description=_("définition"))
    def definition_json(self, row: ProductVersion) -> SafeString:
        text = json.dumps(row.definition, indent=2, ensure_ascii=False)
        return format_html('<pre class="catalogue-definition">{}</pre>', text)
