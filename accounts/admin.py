from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Customer, User
from .services import invite_user


class UserInline(admin.TabularInline):
    model = User
    fields = ["email", "first_name", "last_name", "language", "is_active", "last_login"]
    readonly_fields = ["last_login"]
    extra = 0
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "language", "account_manager", "is_active", "created_at"]
    list_filter = ["is_active", "language", "account_manager"]
    search_fields = ["number", "name"]
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager"]
    inlines = [UserInline]
    ordering = ["number"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "customer", "language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "language", "customer"]
    search_fields = ["email", "first_name", "last_name", "customer__number", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_invitation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "language")}),
        (_("Client"), {"fields": ("customer",)}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "customer", "language", "is_staff", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description=_("Envoyer une invitation (lien pour choisir un mot de passe)"))
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
