"""Writes on customers and users (ops commands and the admin call these)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mailer.services import queue_mail

from .backoffice import backoffice_group
from .models import Customer, User


def password_set_path(user: User) -> str:
    """A one-time link (Django's reset token) to set a password; valid PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def upsert_customer(
    *,
    number: str,
    name: str,
    language: str = "fr",
    account_manager: User | None = None,
    discount_percent: Decimal | None = None,
) -> tuple[Customer, bool]:
    """Create or update a customer; ``account_manager`` and ``discount_percent`` left None stay as they are."""
    customer, created = Customer.objects.select_for_update().get_or_create(
        number=number, defaults={"name": name, "language": language, "account_manager": account_manager}
    )
    if not created:
        customer.name = name
        customer.language = language
        if account_manager is not None:
            customer.account_manager = account_manager
    if discount_percent is not None:
        customer.discount_percent = discount_percent
    customer.full_clean()
    customer.save()
    return customer, created


def invite_user(*, user: User) -> None:
    """Mail the user a link to choose their password, in their language."""
    queue_mail(
        to=user.email,
        language=user.language,
        template="invite",
        context={"user": user, "reset_path": password_set_path(user)},
    )


@transaction.atomic
def create_user(
    *,
    email: str,
    customer: Customer | None,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    invite: bool = True,
) -> tuple[User, bool]:
    """Create the user if no user has this address (any case); invite a new one.

    Returns ``(user, created)``. An existing user is left untouched: changing a tenant
    is deliberate work for the admin, never a side effect of re-running a command.
    """
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None:
        return existing, False
    user = User.objects.create_user(
        email=email,
        customer=customer,
        first_name=first_name,
        last_name=last_name,
        language=language or (customer.language if customer else "fr"),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if is_staff:
        user.groups.add(backoffice_group())
    if invite:
        transaction.on_commit(lambda: invite_user(user=user))
    return user, True
