from django.conf import settings
from django.contrib import admin

from .models import Product, ProductGroup

NAME_FIELDS = [f"name_{code}" for code, _name in settings.LANGUAGES]


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["code", *NAME_FIELDS, "is_service", "position", "is_active"]
    extra = 0


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ["code", *NAME_FIELDS, "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", *NAME_FIELDS]
    inlines = [ProductInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "group", "is_service", "is_active"]
    list_filter = ["group", "is_service", "is_active"]
    search_fields = ["code", *NAME_FIELDS]
    list_select_related = ["group"]
