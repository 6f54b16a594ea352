"""Back-office of the Communication tab: messages, answers, the complaint queue, files.

Every queryset here starts from ``visible_to(request.user)``: no staff member, superuser
included, ever gets an ``Interne`` message — not in a list, a search, a count, an inline,
a change page or a file download.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dossiers.admin_filters import my_dossiers_filter
from dossiers.models import Dossier

from .admin_filters import ComplaintAgeFilter, ComplaintOpenFilter, ComplaintTypeFilter, WaitingForAnswerFilter
from .downloads import attachment_response
from .forms import MultipleFileField, add_service_errors, check_uploads
from .models import Attachment, Audience, Complaint, ComplaintState, Message, MessageType
from .services import (
    STAFF_TYPES,
    ComplaintMoveRefused,
    answer_message,
    change_complaint_state,
    check_complaint_move,
    post_message,
)
from .sizes import file_size


class NotFoundMixin(admin.ModelAdmin):
    """An object outside ``get_queryset`` (an Interne message) is a 404, as in the portal.

    Django's admin would redirect to the index with « does not exist »; a plain 404 on the
    change, history and delete pages says nothing either way.
    """

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, object_id) is None:
            raise Http404

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        self._visible_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self._visible_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)


def _download_link(attachment: Attachment) -> str:
    url = reverse("admin:communication_attachment_download", args=[attachment.pk])
    return format_html('<a href="{}">{}</a>', url, attachment.original_name)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["download", "size_shown", "content_type", "uploaded_by", "created_at", "is_active", "deactivated_at"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        return Attachment.objects.visible_to(request.user).select_related("uploaded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Fichier"))
    def download(self, obj: Attachment) -> str:
        return _download_link(obj)

    @admin.display(description=_("taille"), ordering="size")
    def size_shown(self, obj: Attachment) -> str:
        return file_size(obj.size)


class ReplyInline(admin.TabularInline):
    model = Message
    fk_name = "parent"
    verbose_name = _("réponse")
    verbose_name_plural = _("réponses")
    fields = ["created_at", "type", "author", "body"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return Message.objects.visible_to(request.user).select_related("author")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), max_length=20_000)
    file = MultipleFileField(label=_("Fichier"), required=False)

    def clean_file(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("file") or []
        check_uploads(files)
        return files


class StaffMessageForm(forms.Form):
    """A new message of a staff member in a dossier's thread (audience Renson, always)."""

    dossier_number = forms.CharField(label=_("Numéro de dossier"), max_length=20)
    type = forms.ChoiceField(label=_("Type"), choices=[(t.value, t.label) for t in STAFF_TYPES])
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), max_length=20_000, required=False
    )
    file = MultipleFileField(label=_("Fichier"), required=False)

    REQUIRED = {
        MessageType.ANNEX: ("title", "file"),
        MessageType.REMARK: ("body",),
        MessageType.WARRANTY_DOCUMENT: ("file",),
    }

    def clean_dossier_number(self) -> Dossier:
        number = self.cleaned_data["dossier_number"].strip()
        dossier = Dossier.objects.select_related("customer").filter(number=number).first()
        if dossier is None:
            raise ValidationError(_("Aucun dossier ne porte ce numéro."))
        return dossier

    def clean_file(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("file") or []
        check_uploads(files)
        return files

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in self.REQUIRED.get(data.get("type", ""), ()):
            if not self.has_error(name) and not data.get(name):
                self.add_error(name, ValidationError(_("Ce champ est obligatoire."), code="required"))
        return data


@admin.register(Message)
class MessageAdmin(NotFoundMixin):
    list_display = [
        "created_at",
        "dossier",
        "customer",
        "type",
        "audience",
        "author",
        "short_body",
        "removed",
        "answer_link",
    ]
    list_filter = [
        WaitingForAnswerFilter,
        my_dossiers_filter("dossier__"),
        "type",
        "audience",
        "dossier__customer",
        "created_at",
    ]
    search_fields = ["dossier__number", "dossier__customer__number", "dossier__customer__name", "title", "body"]
    list_select_related = ["dossier", "dossier__customer", "author"]
    date_hierarchy = "created_at"
    fields = [
        "dossier",
        "type",
        "audience",
        "author",
        "parent",
        "created_at",
        "removed",
        "title",
        "body",
        "email_recipients",
    ]
    readonly_fields = fields  # type: ignore[assignment]
    inlines = [AttachmentInline, ReplyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return Message.objects.visible_to(request.user).annotate(
            has_active_files=Exists(Attachment.objects.filter(message=OuterRef("pk"), is_active=True))
        )

    def get_ordering(self, request: HttpRequest) -> Any:
        # Remarks waiting for an answer: the longest-waiting first.
        if request.GET.get(WaitingForAnswerFilter.parameter_name) == "yes":
            return ["created_at", "id"]
        return super().get_ordering(request)

    @admin.display(description=_("état"))
    def removed(self, obj: Message) -> str:
        """An Annexe whose files were all deactivated left the dealers' thread: staff still see it, marked."""
        if obj.is_annex and not getattr(obj, "has_active_files", True):
            return str(_("Annexe désactivée"))
        return ""

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Not a model form: a staff message goes through ``post_message`` (history, mails)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffMessageForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                message = post_message(
                    dossier=data["dossier_number"],
                    author=request.user,  # type: ignore[arg-type]
                    type=data["type"],
                    audience=Audience.RENSON,
                    title=data["title"],
                    body=data["body"],
                    files=data["file"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, _("Le message a été ajouté au dossier."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:communication_message_change", args=[message.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ajouter un message"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/communication/message/post.html", context)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a thread is a record: read-only, answered, never edited

    @admin.display(description=_("client"), ordering="dossier__customer__number")
    def customer(self, obj: Message) -> str:
        return obj.dossier.customer.number

    @admin.display(description=_("message"))
    def short_body(self, obj: Message) -> str:
        text = obj.title or obj.body
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.display(description=_("Répondre"))
    def answer_link(self, obj: Message) -> str:
        if obj.author is None or obj.author.is_staff:
            return ""
        url = reverse("admin:communication_message_answer", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Répondre"))

    def get_urls(self) -> list[Any]:
        custom = [
            path(
                "<int:object_id>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="communication_message_answer",
            ),
        ]
        return custom + super().get_urls()

    def has_answer_permission(self, request: HttpRequest) -> bool:
        """An answer is a new message in the thread: the add permission of messages."""
        return self.has_add_permission(request)

    def answer_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Staff answer a dealer's Remarque (or any message): the author gets « réponse à votre remarque ».

        Who may not even see messages gets a 404; who may see but not write, a 403 — after
        the 404 of a message they cannot see, so the refusal never confirms an Interne one.
        """
        if not self.has_view_permission(request):
            raise Http404
        parent = get_object_or_404(
            self.get_queryset(request).select_related("dossier", "dossier__customer", "author"), pk=object_id
        )
        if not self.has_answer_permission(request):
            raise PermissionDenied
        form = AnswerForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                answer_message(
                    parent=parent,
                    author=request.user,  # type: ignore[arg-type]
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, _("La réponse a été enregistrée et envoyée à l'auteur."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:communication_message_change", args=[parent.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Répondre au message"),
            "opts": self.opts,
            "original": parent,
            "form": form,
        }
        return TemplateResponse(request, "admin/communication/message/answer.html", context)

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)
        return shown if self.has_answer_permission(request) else [f for f in shown if f != "answer_link"]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        self._visible_or_404(request, object_id)  # before reversing a URL with the raw id
        if self.has_answer_permission(request):
            extra_context = {
                **(extra_context or {}),
                "answer_url": reverse("admin:communication_message_answer", args=[object_id]),
            }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Attachment)
class AttachmentAdmin(NotFoundMixin):
    list_display = ["original_name", "dossier", "message", "size_shown", "uploaded_by", "created_at", "is_active"]
    list_filter = ["is_active", "message__type", "message__dossier__customer"]
    search_fields = ["original_name", "message__dossier__number", "message__dossier__customer__number"]
    list_select_related = ["message", "message__dossier", "uploaded_by"]
    fields = [
        "download",
        "message",
        "original_name",
        "size_shown",
        "content_type",
        "uploaded_by",
        "created_at",
        "is_active",
        "deactivated_at",
        "deactivated_by",
    ]
    readonly_fields = fields  # type: ignore[assignment]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        return Attachment.objects.visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # kept in storage, deactivated ones too

    @admin.display(description=_("dossier"), ordering="message__dossier__number")
    def dossier(self, obj: Attachment) -> str:
        return obj.message.dossier.number

    @admin.display(description=_("Fichier"))
    def download(self, obj: Attachment) -> str:
        return _download_link(obj)

    @admin.display(description=_("taille"), ordering="size")
    def size_shown(self, obj: Attachment) -> str:
        return file_size(obj.size)

    def get_urls(self) -> list[Any]:
        custom = [
            path(
                "<int:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="communication_attachment_download",
            ),
        ]
        return custom + super().get_urls()

    def download_view(self, request: HttpRequest, object_id: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise Http404
        return attachment_response(get_object_or_404(self.get_queryset(request), pk=object_id))


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Réponse au revendeur"), widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), required=False
    )


class ComplaintAdminForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["state", "answer"]

    def clean_state(self) -> str:
        # Refused here, the form is shown again with the error (not a "changed" message).
        state: str = self.cleaned_data["state"]
        try:
            check_complaint_move(previous=self.instance.state, state=state)
        except ComplaintMoveRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return state


@admin.register(Complaint)
class ComplaintAdmin(NotFoundMixin):
    form = ComplaintAdminForm
    list_display = ["created_at", "dossier", "customer", "kind", "state", "handler", "updated_at"]
    list_filter = [
        "state",
        ComplaintOpenFilter,
        ComplaintAgeFilter,
        ComplaintTypeFilter,
        my_dossiers_filter("dossier__"),
        "handler",
        "dossier__customer",
    ]
    search_fields = [
        "dossier__number",
        "dossier__customer__number",
        "dossier__customer__name",
        "message__body",
        "answer",
    ]
    list_select_related = ["dossier", "dossier__customer", "handler", "message"]
    date_hierarchy = "created_at"
    fields = ["dossier", "complaint_message", "state", "answer", "handler", "created_at", "updated_at", "closed_at"]
    readonly_fields = ["dossier", "complaint_message", "handler", "created_at", "updated_at", "closed_at"]
    actions = ["mark_in_progress", "mark_resolved", "mark_rejected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return Complaint.objects.visible_to(request.user)

    def get_ordering(self, request: HttpRequest) -> Any:
        # Open complaints: the oldest first.
        if request.GET.get(ComplaintOpenFilter.parameter_name) == "yes":
            return ["created_at", "id"]
        return super().get_ordering(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("client"), ordering="dossier__customer__number")
    def customer(self, obj: Complaint) -> str:
        return obj.dossier.customer.number

    @admin.display(description=_("type"))
    def kind(self, obj: Complaint) -> str:
        return str(obj.message.get_type_display())

    @admin.display(description=_("plainte"))
    def complaint_message(self, obj: Complaint) -> str:
        url = reverse("admin:communication_message_change", args=[obj.message_id])
        return format_html('<a href="{}">{}</a><div class="pre-wrap">{}</div>', url, obj.message, obj.message.body)

    def save_model(self, request: HttpRequest, obj: Complaint, form: Any, change: bool) -> None:
        """Edits go through the service, which checks the move again (under lock) and mails the dealer."""
        try:
            change_complaint_state(
                complaint=obj,
                state=form.cleaned_data["state"],
                handler=request.user,  # type: ignore[arg-type]
                answer=form.cleaned_data["answer"],
            )
        except ComplaintMoveRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def _move(self, request: HttpRequest, queryset: QuerySet[Complaint], state: str, answer: str | None) -> int:
        done = 0
        for complaint in queryset:
            try:
                change_complaint_state(complaint=complaint, state=state, handler=request.user, answer=answer)  # type: ignore[arg-type]
            except ComplaintMoveRefused as exc:
                self.message_user(
                    request, gettext("%(item)s : %(reason)s") % {"item": complaint, "reason": exc}, messages.WARNING
                )
            else:
                done += 1
        return done

    def _done(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext("%(count)d plainte mise à jour.", "%(count)d plaintes mises à jour.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer « En cours de traitement »"), permissions=["change"])
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> None:
        self._done(request, self._move(request, queryset, ComplaintState.IN_PROGRESS, None))

    def _close_with_answer(
        self, request: HttpRequest, queryset: QuerySet[Complaint], state: str
    ) -> HttpResponse | None:
        """An intermediate page asks for the answer sent to the dealer(s)."""
        if "apply" in request.POST:
            form = ComplaintAnswerForm(request.POST)
            if form.is_valid():
                self._done(request, self._move(request, queryset, state, form.cleaned_data["answer"] or None))
                return None
        else:
            form = ComplaintAnswerForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Réponse au revendeur"),
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "state_label": ComplaintState(state).label,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/communication/complaint/answer_action.html", context)

    @admin.action(description=_("Marquer « Résolue » (avec une réponse)"), permissions=["change"])
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        return self._close_with_answer(request, queryset, ComplaintState.RESOLVED)

    @admin.action(description=_("Marquer « Rejetée » (avec une réponse)"), permissions=["change"])
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        return self._close_with_answer(request, queryset, ComplaintState.REJECTED)
