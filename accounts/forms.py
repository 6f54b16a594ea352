from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mailer.services import queue_mail

from .models import User


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Attention : les deux tiennent compte des majuscules."
        ),
        "inactive": _("Ce compte est désactivé. Contactez votre personne de contact."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        queue_mail(
            to=to_email,
            language=user.language,
            template="password_reset",
            context={"user": user, "reset_path": _reset_path(context)},
        )


def _reset_path(context: dict[str, Any]) -> str:
    return reverse("accounts:password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]
