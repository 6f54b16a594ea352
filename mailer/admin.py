"""Admin of the mail outbox: staff see every mail, why it failed, and resend failed ones."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboundMail
from .services import resend_mail


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "recipient", "template", "subject", "attempts", "short_error", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "subject", "message_id"]
    date_hierarchy = "created_at"
    actions = ["resend_selected"]
    readonly_fields = [
        "recipient",
        "language",
        "template",
        "subject",
        "from_name",
        "reply_to",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "dossier_id",
        "related_message_id",
        "attachments",
        "body_text",
        "body_html",
    ]
    fieldsets = [
        (None, {"fields": ["recipient", "language", "template", "subject", "from_name", "reply_to"]}),
        (
            _("Envoi"),
            {
                "fields": [
                    "status",
                    "attempts",
                    "last_error",
                    "message_id",
                    "created_at",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                ]
            },
        ),
        (_("Origine"), {"fields": ["dossier_id", "related_message_id"]}),
        (_("Contenu"), {"fields": ["body_text", "body_html", "attachments"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboundMail]:
        # Mails caused by an Interne message (a dealer answering a colleague, an Interne
        # E-mail to outside addresses) carry its content: no staff member may read them.
        return super().get_queryset(request).filter(internal=False)

    @admin.display(description=_("dernière erreur"))
    def short_error(self, obj: OutboundMail) -> str:
        return obj.last_error[:80] + ("…" if len(obj.last_error) > 80 else "")

    # Mails are written by the outbox service only; the admin reads and resends.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMail | None = None) -> bool:
        # Read-only: a "Save" would write back a status a worker may just have changed.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundMail | None = None) -> bool:
        return False

    @admin.action(description=_("Renvoyer"), permissions=["resend"])
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        mails = list(queryset)
        resent = sum(1 for mail in mails if resend_mail(mail=mail))
        skipped = len(mails) - resent
        if resent:
            self.message_user(
                request,
                ngettext("%(count)d e-mail remis en file d'envoi.", "%(count)d e-mails remis en file d'envoi.", resent)
                % {"count": resent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail ignoré : seuls les e-mails en échec peuvent être renvoyés.",
                    "%(count)d e-mails ignorés : seuls les e-mails en échec peuvent être renvoyés.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mailer.change_outboundmail")
