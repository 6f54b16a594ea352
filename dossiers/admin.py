"""Staff side of dossiers: read-only pages, and status changes through actions that call the
workflow services, so the rules and the Historique hold for staff exactly as for dealers.

Nothing on a dossier is edited in a form. Its reference and its product are the dealer's,
chosen in the portal (where the product follows the group and the configurator); its
contact person comes from the customer's account manager, and staff hand it to another
through an action (« Changer la personne de contact ») that writes the Historique. A raw
edit would skip those rules and write no Historique, so the change page shows the dossier
and its history only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import services
from .admin_filters import my_dossiers_filter
from .models import Dossier, HistoryEvent, Status


class HistoryEventInline(admin.TabularInline):
    model = HistoryEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "description", "actor"]
    readonly_fields = ["created_at", "kind", "description", "actor"]
    ordering = ["-created_at", "-id"]
    verbose_name_plural = _("Historique")

    def get_queryset(self, request: HttpRequest) -> QuerySet[HistoryEvent]:
        # Events about Interne messages are for the dealer's colleagues only, never staff.
        return super().get_queryset(request).visible_to(request.user).select_related("actor")  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("détail"))
    def description(self, event: HistoryEvent) -> str:
        return event.description


def _apply(request: HttpRequest, queryset: QuerySet[Dossier], service: Callable[..., Dossier], **kwargs: Any) -> None:
    """Run ``service`` on each selected dossier; a refusal is reported, never half-applied."""
    done = 0
    for dossier in queryset.order_by("pk"):
        try:
            service(dossier=dossier, user=request.user, **kwargs)
        except (services.TransitionRefused, ValidationError) as refusal:
            messages.warning(request, gettext("%(item)s : %(reason)s") % {"item": dossier.number, "reason": refusal})
        else:
            done += 1
    if done:
        messages.success(request, gettext("%(count)d dossier(s) modifié(s).") % {"count": done})


@admin.action(description=_("Passer au statut « En production »"), permissions=["workflow"])
def advance_to_in_production(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Dossier]) -> None:
    _apply(request, queryset, services.advance_status, to=Status.IN_PRODUCTION)


@admin.action(description=_("Passer au statut « Livré »"), permissions=["workflow"])
def advance_to_delivered(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Dossier]) -> None:
    _apply(request, queryset, services.advance_status, to=Status.DELIVERED)


@admin.action(description=_("Passer au statut « Terminé »"), permissions=["workflow"])
def advance_to_completed(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Dossier]) -> None:
    _apply(request, queryset, services.advance_status, to=Status.COMPLETED)


@admin.action(description=_("Annuler le dossier"), permissions=["workflow"])
def cancel(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Dossier]) -> None:
    _apply(request, queryset, services.cancel_dossier)


class ContactPersonForm(forms.Form):
    contact_person = forms.ModelChoiceField(
        label=_("Nouvelle personne de contact"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name", "email"),
    )


@admin.action(description=_("Changer la personne de contact"), permissions=["contact"])
def change_contact_person(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Dossier]) -> HttpResponse | None:
    """An intermediate page asks for the new contact person; the service writes the Historique."""
    if "apply" in request.POST:
        form = ContactPersonForm(request.POST)
        if form.is_valid():
            _apply(
                request,
                queryset,
                services.change_contact_person,
                contact_person=form.cleaned_data["contact_person"],
            )
            return None
    else:
        form = ContactPersonForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Changer la personne de contact"),
        "opts": modeladmin.opts,
        "queryset": queryset.select_related("customer", "contact_person"),
        "form": form,
        "action": request.POST.get("action"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/dossiers/dossier/contact_person_action.html", context)


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["number", "customer_number", "reference", "product", "status", "contact_person", "last_activity_at"]
    list_filter = [my_dossiers_filter(), "status", "product_group", "customer", "contact_person"]
    search_fields = ["number", "order_number", "reference", "customer__number", "customer__name"]
    list_select_related = ["customer", "product", "contact_person"]
    fields = [
        "number",
        "customer",
        "reference",
        "product_group",
        "product",
        "contact_person",
        "status",
        "order_number",
        "linked_order_number",
        "linked_reference",
        "warranty_numbers",
        "created_by",
        "created_at",
        "updated_at",
        "last_activity_at",
    ]
    # last_message_at is left out on purpose: it also moves for Interne messages.
    readonly_fields = fields  # type: ignore[assignment]
    date_hierarchy = "created_at"
    actions = [advance_to_in_production, advance_to_delivered, advance_to_completed, cancel, change_contact_person]
    inlines = [HistoryEventInline]
    ordering = ["-last_activity_at", "-id"]

    @admin.display(description=_("numéro de client"), ordering="customer__number")
    def customer_number(self, dossier: Dossier) -> str:
        return dossier.customer.number

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # see the module's docstring: status actions only

    def has_workflow_permission(self, request: HttpRequest) -> bool:
        """The status actions: what the « change dossier » permission grants."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def has_contact_permission(self, request: HttpRequest) -> bool:
        """Choosing the contact person: the « change dossier » permission, like the status actions."""
        return self.has_workflow_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Dossiers are born in the portal (create_dossier numbers them and starts the history).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
