"""Staff side of customers and users.

Rights are the dangerous part of this admin: a staff account sees every customer in the
admin, a superuser can do everything. So the user admin holds three rules on the server
(the README's « Back-office » table states them for people):

* only a superuser sees and changes ``is_superuser``, ``is_staff``, groups and permissions,
  the address and the customer of an account, and changes staff accounts at all
  (``backoffice.may_change_account``); other staff change dealers' names, language and
  whether they are active;
* nobody sets a password for someone else: no password field, no set-password page.
  Passwords come from the invitation and the « mot de passe oublié » link only;
* a new user is created by ``accounts.services.create_user``, as ``create_user`` on the
  command line does it: staff join the « Back-office » group, everyone is invited.
"""

from __future__ import annotations

from typing import Any

from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .backoffice import may_change_account
from .models import Customer, User
from .services import create_user, invite_user


class UserInline(admin.TabularInline):
    """Read-only: users are added and changed in the user admin, through its rules and service."""

    model = User
    fields = ["email", "first_name", "last_name", "language", "is_active", "last_login"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "language", "account_manager", "discount_percent", "is_active", "created_at"]
    list_filter = ["is_active", "language", "account_manager"]
    search_fields = ["number", "name"]
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager"]
    inlines = [UserInline]
    ordering = ["number"]


class UserAddForm(forms.ModelForm):
    """A new user: no password (the invitation lets them choose one)."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "language", "customer", "is_staff"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "customer" in self.fields and "is_staff" not in self.fields:
            # Who may only add dealers must name their customer. (With ``is_staff`` in the
            # form, the model's staff-xor-customer constraint gives the error instead.)
            self.fields["customer"].required = True


class UserChangeAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "language", "customer"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    form = UserChangeAdminForm
    add_form_template = "admin/accounts/user/add_form.html"
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "customer", "language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "language", "customer"]
    search_fields = ["email", "first_name", "last_name", "customer__number", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    actions = ["send_invitation"]

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        superuser = request.user.is_superuser
        if obj is None:
            fields = ["email", "first_name", "last_name", "language", "customer"]
            return [(None, {"classes": ("wide",), "fields": [*fields, "is_staff"] if superuser else fields})]
        rights = ["is_active", "is_staff"]
        if superuser:
            rights += ["is_superuser", "groups", "user_permissions"]
        return [
            (None, {"fields": ["email", "password_state"]}),
            (_("Identité"), {"fields": ["first_name", "last_name", "language"]}),
            (_("Client"), {"fields": ["customer"]}),
            (_("Droits"), {"fields": rights}),
            (_("Dates"), {"fields": ["last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is None:
            return []
        always = ["password_state", "last_login", "date_joined"]
        if request.user.is_superuser:
            return always
        # A new address receives the password resets (the account's takeover); a new
        # customer moves the account, and what it reads, to another dealer.
        return [*always, "email", "customer", "is_staff"]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_change_account(actor=request.user, account=obj)  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Refused to everyone, superusers included: nobody chooses a password for someone else."""
        raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        user, created = create_user(
            email=obj.email,
            customer=obj.customer,
            first_name=obj.first_name,
            last_name=obj.last_name,
            language=obj.language,
            is_staff=obj.is_staff,
        )
        if not created:  # the form checked the address; only a concurrent add gets here
            raise PermissionDenied
        # The admin logs the addition and redirects with the row the service saved.
        obj.pk = user.pk
        obj._state.adding = False
        obj._state.db = user._state.db

    def response_add(self, request: HttpRequest, obj: User, post_url_continue: str | None = None) -> HttpResponse:
        self.message_user(
            request, _("Une invitation a été envoyée à %(email)s.") % {"email": obj.email}, messages.SUCCESS
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("Mot de passe"))
    def password_state(self, user: User) -> str:
        if user.has_usable_password():
            return str(_("Choisi par l'utilisateur"))
        return str(_("Pas encore choisi (invitation en attente)"))

    @admin.action(description=_("Envoyer une invitation (lien pour choisir un mot de passe)"), permissions=["change"])
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=True):
            invite_user(user=user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation envoyée.", "%(count)d invitations envoyées.", count) % {"count": count},
            messages.SUCCESS,
        )


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' list of login failures (superusers only), its cleaning action made to work.

    The action reads request attributes that django-axes sets around logins only; on an
    admin request it failed with an error page.
    """

    @admin.action(description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
