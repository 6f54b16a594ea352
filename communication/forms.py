"""Forms of the Communication tab. They validate input; the services decide and write."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers.models import Dossier

from . import services
from .models import Attachment, Audience, MessageType
from .recipients import MAX_INPUT_LENGTH, parse_recipients
from .sizes import file_size
from .uploads import check_uploads

__all__ = ["ConfirmForm", "MessageForm", "MultipleFileField", "ReplyForm", "add_service_errors", "check_uploads"]

# post_message's arguments held by form fields of another name.
SERVICE_FIELDS: dict[str, str] = {"files": "file", "linked_attachments": "attachments"}


def add_service_errors(form: forms.Form, exc: ValidationError, fields: Mapping[str, str] | None = None) -> None:
    """Put the errors of :func:`communication.services.check_message` on ``form``'s fields.

    The service keys its errors by its own arguments; ``fields`` (with :data:`SERVICE_FIELDS`)
    names the form field of each where the names differ. A field that already has an
    error keeps only that one, the more precise; an argument the form has no field for
    becomes an error of the whole form.
    """
    names = {**SERVICE_FIELDS, **(fields or {})}
    by_argument = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for argument, errors in by_argument.items():
        field: str | None = names.get(argument, argument)
        if field not in form.fields:
            field = None
        elif form.has_error(field):  # type: ignore[arg-type]
            continue
        form.add_error(field, errors)


def upload_limits_text() -> str:
    """The help text of a file field: the limits :func:`check_uploads` enforces, in the reader's units."""
    return _("Au maximum %(count)d fichiers de %(size)s chacun.") % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "size": file_size(settings.ATTACHMENT_MAX_BYTES),
    }


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


class IdempotencyMixin(forms.Form):
    # A new value on every displayed form: posting the same form twice creates one message.
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())


class TypeChoiceField(forms.ChoiceField):
    """Lists the types offered now, and accepts every type the author may post: a type that
    is not offered in the dossier's status (a forged POST) meets the service's own refusal,
    in words, rather than "not a valid choice"."""

    accepted: tuple[str, ...] = ()

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.accepted or super().valid_value(value)


class MessageForm(IdempotencyMixin, forms.Form):
    """« Ajouter »: the dealer picks a type and fills that type's fields.

    What may be posted is the service's to say (:func:`communication.services.check_message`):
    the form parses what was typed and puts the service's refusals on its fields.
    """

    type = TypeChoiceField(label=_("Type"), initial=MessageType.REMARK)
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

    # Which fields each type shows (the template and its script); the others are dropped.
    FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
        MessageType.ANNEX: ("title", "file", "body"),
        MessageType.EMAIL: ("recipients", "subject", "body", "attachments"),
        MessageType.REMARK: ("body", "file"),
        MessageType.COMPLAINT: ("body", "file"),
        MessageType.SERVICE_REQUEST: ("body", "file"),
    }

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user
        kind = self.fields["type"]
        assert isinstance(kind, TypeChoiceField)
        offered = services.offered_types(user, dossier)
        allowed = services.allowed_types(user, dossier)
        kind.choices = [(t.value, t.label) for t in offered]
        kind.accepted = tuple(t.value for t in allowed)
        # Why « Demande de service » is not in the list (the FAQ: ask the contact person).
        not_offered = MessageType.SERVICE_REQUEST in allowed and MessageType.SERVICE_REQUEST not in offered
        self.service_advice = services.service_request_refused_message(dossier) if not_offered else ""
        self.fields["attachments"].queryset = (  # type: ignore[attr-defined]
            Attachment.objects.visible_to(user)
            .active()
            .filter(message__dossier=dossier)
            .select_related("message")
            .order_by("-id")
        )
        self.fields["attachments"].label_from_instance = lambda a: a.original_name  # type: ignore[attr-defined]
        self.fields["file"].help_text = upload_limits_text()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("type")
        if not kind:
            return data
        used = self.FIELDS_BY_TYPE.get(kind, ())
        # Fields of other types (filled, then the type changed) are dropped, never saved.
        for name in ("title", "recipients", "subject", "body", "file", "attachments"):
            if name not in used:
                data[name] = [] if name in ("file", "attachments") else ""
        data["recipient_list"] = []
        if data.get("recipients") and not self.has_error("recipients"):
            try:
                data["recipient_list"] = parse_recipients(data["recipients"])
            except ValidationError as exc:
                self.add_error("recipients", exc)
        try:
            services.check_message(
                dossier=self.dossier,
                author=self.user,
                type=kind,
                audience=data.get("audience", ""),
                title=self.title_value(),
                body=data.get("body", ""),
                files=data.get("file") or [],
                recipients=data["recipient_list"],
                linked_attachments=list(data.get("attachments") or []),
            )
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's refusals on this form's fields (an E-mail's title is its « Objet »)."""
        title = "subject" if self.cleaned_data.get("type") == MessageType.EMAIL else "title"
        add_service_errors(self, exc, {"title": title})

    def title_value(self) -> str:
        data = self.cleaned_data
        return str(data.get("subject") or "") if data["type"] == MessageType.EMAIL else str(data.get("title") or "")


class ReplyForm(IdempotencyMixin, forms.Form):
    """A reply to one message: same audience as the message answered, a text and files."""

    body = forms.CharField(label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    file = MultipleFileField(label=_("Fichier"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_limits_text()

    def clean_file(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("file") or []
        check_uploads(files)
        return files


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token (deactivation)."""
