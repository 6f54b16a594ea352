from django.contrib import admin

from .models import Product, ProductGroup


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["code", "name_fr", "name_nl", "name_de", "name_en", "is_service", "position", "is_active"]
    extra = 0


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl", "name_de", "name_en", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_fr", "name_nl", "name_de", "name_en"]
    inlines = [ProductInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "group", "is_service", "is_active"]
    list_filter = ["group", "is_service", "is_active"]
    search_fields = ["code", "name_fr", "name_nl", "name_de", "name_en"]
    list_select_related = ["group"]
