"""Forms of the Communication tab. They validate input; the services decide and write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from dossiers.models import Dossier, Status

from .models import Attachment, Audience, MessageType
from .recipients import MAX_INPUT_LENGTH, parse_recipients
from .services import DEALER_TYPES, RENSON_ONLY_TYPES, service_request_refused_message


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like a single FileField (empty → error)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def check_uploads(files: list[Any]) -> None:
    """Count and size limits, with the file names in the message."""
    max_files = settings.ATTACHMENT_MAX_FILES
    if len(files) > max_files:
        raise ValidationError(
            ngettext(
                "Au maximum %(max)d fichier par message (vous en avez choisi %(count)d).",
                "Au maximum %(max)d fichiers par message (vous en avez choisi %(count)d).",
                max_files,
            )
            % {"max": max_files, "count": len(files)},
            code="too_many_files",
        )
    too_large = [f.name for f in files if f.size > settings.ATTACHMENT_MAX_BYTES]
    if too_large:
        raise ValidationError(
            _("Fichier trop volumineux (maximum %(max)s par fichier) : %(names)s.")
            % {"max": filesizeformat(settings.ATTACHMENT_MAX_BYTES), "names": ", ".join(too_large)},
            code="file_too_large",
        )


class IdempotencyMixin(forms.Form):
    # A new value on every displayed form: posting the same form twice creates one message.
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())


class MessageForm(IdempotencyMixin, forms.Form):
    """« Ajouter »: the dealer picks a type and fills that type's fields."""

    type = forms.ChoiceField(
        label=_("Type"), choices=[(t.value, t.label) for t in DEALER_TYPES], initial=MessageType.REMARK
    )
    audience = forms.ChoiceField(
        label=_("Groupe-cible"), choices=Audience.choices, initial=Audience.RENSON, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    recipients = forms.CharField(
        label=_("Destinataires"),
        max_length=MAX_INPUT_LENGTH,
        required=False,
        help_text=_("Placez une virgule entre chaque adresse mail."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = MultipleFileField(label=_("Fichier"), required=False)
    attachments = forms.ModelMultipleChoiceField(
        label=_("Fichiers du dossier à joindre"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # Which fields each type uses (the template shows them; clean() requires them).
    FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
        MessageType.ANNEX: ("title", "file", "body"),
        MessageType.EMAIL: ("recipients", "subject", "body", "attachments"),
        MessageType.REMARK: ("body", "file"),
        MessageType.COMPLAINT: ("body", "file"),
        MessageType.SERVICE_REQUEST: ("body", "file"),
    }
    REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
        MessageType.ANNEX: ("title", "file"),
        MessageType.EMAIL: ("recipients", "subject", "body"),
        MessageType.REMARK: ("body",),
        MessageType.COMPLAINT: ("body",),
        MessageType.SERVICE_REQUEST: ("body",),
    }

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user
        self.fields["attachments"].queryset = (  # type: ignore[attr-defined]
            Attachment.objects.visible_to(user)
            .active()
            .filter(message__dossier=dossier)
            .select_related("message")
            .order_by("-id")
        )
        self.fields["attachments"].label_from_instance = lambda a: a.original_name  # type: ignore[attr-defined]
        self.fields["file"].help_text = _("Au maximum %(count)d fichiers de %(size)s chacun.") % {
            "count": settings.ATTACHMENT_MAX_FILES,
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("type")
        if not kind:
            return data
        for name in self.REQUIRED_BY_TYPE[kind]:
            if not self.has_error(name) and not data.get(name):
                self.add_error(name, ValidationError(_("Ce champ est obligatoire."), code="required"))
        used = self.FIELDS_BY_TYPE[kind]
        # Fields of other types (filled, then the type changed) are dropped, never saved.
        for name in ("title", "recipients", "subject", "body", "file", "attachments"):
            if name not in used:
                data[name] = [] if name in ("file", "attachments") else ""
        if data.get("audience") == Audience.INTERNAL and kind in RENSON_ONLY_TYPES:
            self.add_error(
                "audience",
                ValidationError(
                    _(
                        "Ce type de message s'adresse à %(manufacturer)s : "
                        "choisissez le groupe-cible « %(manufacturer)s »."
                    )
                    % {"manufacturer": settings.MANUFACTURER_NAME},
                    code="internal_refused",
                ),
            )
        if kind == MessageType.SERVICE_REQUEST and self.dossier.status != Status.COMPLETED:
            raise ValidationError(service_request_refused_message(), code="service_refused")
        if kind == MessageType.EMAIL and data.get("recipients") and not self.has_error("recipients"):
            try:
                data["recipient_list"] = parse_recipients(data["recipients"])
            except ValidationError as exc:
                self.add_error("recipients", exc)
        if data.get("file"):
            try:
                check_uploads(data["file"])
            except ValidationError as exc:
                self.add_error("file", exc)
        if data.get("audience") == Audience.RENSON and any(
            a.message.is_internal for a in data.get("attachments") or []
        ):
            self.add_error(
                "attachments",
                ValidationError(
                    _("Un fichier « Interne » ne peut pas être envoyé avec un message « %(manufacturer)s ».")
                    % {"manufacturer": settings.MANUFACTURER_NAME}
                ),
            )
        return data

    def title_value(self) -> str:
        data = self.cleaned_data
        return str(data.get("subject") or "") if data["type"] == MessageType.EMAIL else str(data.get("title") or "")


class ReplyForm(IdempotencyMixin, forms.Form):
    """A reply to one message: same audience as the message answered, a text and files."""

    body = forms.CharField(label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    file = MultipleFileField(label=_("Fichier"), required=False)

    def clean_file(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("file") or []
        check_uploads(files)
        return files


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token (deactivation)."""
