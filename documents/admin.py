"""Staff side of the documents: the list with what failed or waits, its error, and « Régénérer ».

Nothing is edited here: a document's data is frozen when it is issued. « Régénérer » makes
the same document again (same amounts, same numbers, one card, one file) and is offered
to who may change documents (the « Back-office » group); view-only staff see the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Document


@admin.action(description=_("Régénérer les documents sélectionnés"), permissions=["change"])
def regenerate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Document]) -> None:
    count = 0
    for document in queryset:
        services.regenerate_document(document=document, user=request.user)  # type: ignore[arg-type]
        count += 1
    if not count:
        modeladmin.message_user(
            request, gettext("Aucun des documents choisis n'existe : rien n'a été régénéré."), messages.WARNING
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "Régénération demandée pour %(count)d document : sa carte indique « en cours de génération » "
            "jusqu'au nouveau fichier.",
            "Régénération demandée pour %(count)d documents : leurs cartes indiquent « en cours de génération » "
            "jusqu'aux nouveaux fichiers.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Générer le document de garantie des dossiers sélectionnés"), permissions=["change"])
def generate_warranty(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Document]) -> None:
    dossiers = {document.dossier_id: document.dossier for document in queryset.select_related("dossier")}
    count = 0
    for dossier in dossiers.values():
        document = services.issue_warranty_document(
            dossier=dossier,
            caused_by=request.user,  # type: ignore[arg-type]
            recipient=services.orderer(dossier),
        )
        count += document is not None
    if not count:
        modeladmin.message_user(
            request,
            gettext("Aucun des dossiers choisis n'a d'article livré : aucun document de garantie n'a été généré."),
            messages.WARNING,
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "Document de garantie demandé pour %(count)d dossier : sa carte indique « en cours de génération » "
            "jusqu'au fichier.",
            "Documents de garantie demandés pour %(count)d dossiers : leurs cartes indiquent « en cours de "
            "génération » jusqu'aux fichiers.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "dossier",
        "kind",
        "number",
        "state",
        "attempts",
        "short_error",
        "language",
        "recipient",
        "generated_at",
        "created_at",
    ]
    list_filter = ["state", "kind", "language"]
    search_fields = ["dossier__number", "number", "dossier__customer__number", "dossier__order_number"]
    list_select_related = ["dossier", "recipient"]
    actions = [regenerate, generate_warranty]
    readonly_fields = (
        "dossier",
        "kind",
        "number",
        "language",
        "caused_by",
        "recipient",
        "requested_by",
        "state",
        "attempts",
        "last_error",
        "generations",
        "file_path",
        "message",
        "created_at",
        "updated_at",
        "generated_at",
    )
    fields = readonly_fields

    @admin.display(description=_("dernière erreur"))
    def short_error(self, document: Document) -> str:
        return document.last_error[:120]

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        # A forged selection (not an id) would make the admin's query raise: it selects nothing.
        post = request.POST.copy()
        post.setlist(ACTION_CHECKBOX_NAME, [pk for pk in post.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()])
        request.POST = post  # type: ignore[assignment]
        return super().response_action(request, queryset, *args, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by the workflow only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page is read-only (every field is); the permission is what « Régénérer » needs.
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
