from django.contrib import admin

from .models import Dossier


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "reference", "product", "status", "contact_person", "last_activity_at"]
    list_filter = ["status", "product_group", "contact_person", "customer"]
    search_fields = ["number", "order_number", "reference", "customer__number", "customer__name"]
    list_select_related = ["customer", "product", "contact_person"]
    readonly_fields = ["number", "created_at", "updated_at", "last_activity_at", "created_by"]
    autocomplete_fields = ["customer", "contact_person"]
    date_hierarchy = "created_at"
