from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import forms
from .redirects import safe_next_url
from .throttling import password_reset_allowed


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("dossiers:dossier-list")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted by the address typed, whether or not an account has it: the refusal
        # says nothing about which addresses exist.
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "Trop de demandes de lien pour cette adresse ou depuis votre connexion. "
                    "Réessayez dans %(minutes)d minutes."
                )
                % {"minutes": -(-settings.PASSWORD_RESET_LIMIT_WINDOW // 60)},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; a logged-in user keeps it in their profile (mails follow it)."""
    code = request.POST.get("language", "")
    next_url = safe_next_url(request, request.POST.get("next", ""), reverse("dossiers:dossier-list"))
    response = HttpResponseRedirect(next_url)
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        request.user.language = code
        request.user.save(update_fields=["language"])
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.instance.language)
        messages.success(request, _("Votre profil a été enregistré."))
        return HttpResponseRedirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", {"form": form})
