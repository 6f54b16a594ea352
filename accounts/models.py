from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .vat import normalise_vat_number, validate_vat_number

LANGUAGE_CHOICES = settings.LANGUAGES


class Customer(models.Model):
    """A dealer company, known by its customer number (numéro de client)."""

    number = models.CharField(_("numéro de client"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    language = models.CharField(_("langue"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    account_manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("personne de contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_customers",
        limit_choices_to={"is_staff": True},
        help_text=_("Collaborateur du fabricant, personne de contact par défaut des nouveaux dossiers."),
    )
    # The customer's discount on the gross price of every configured line (the Configurateur
    # shows gross, discount and net; orders are placed at the net price).
    discount_percent = models.DecimalField(
        _("remise (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Remise sur le prix brut des configurations, de 0 à 100 %."),
    )
    # Printed on the invoices (documents app); empty fields fall back to the customer's name.
    billing_name = models.CharField(_("nom de facturation"), max_length=200, blank=True)
    billing_address = models.TextField(
        _("adresse de facturation"), blank=True, help_text=_("Rue et numéro, code postal et localité, pays.")
    )
    vat_number = models.CharField(
        _("numéro de TVA"),
        max_length=20,
        blank=True,
        validators=[validate_vat_number],
        help_text=_("Avec le code du pays : BE, NL, DE, FR ou LU, par exemple BE0403019261."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="customer_discount_0_100",
                violation_error_message=_("La remise doit être comprise entre 0 et 100 %."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.name}"

    def clean(self) -> None:
        super().clean()
        # Stored compact (BE0403019261) however it was typed; an invalid one is the
        # field validator's error, reported on the field.
        with contextlib.suppress(ValidationError):
            self.vat_number = normalise_vat_number(self.vat_number)

    @property
    def invoice_name(self) -> str:
        return self.billing_name or self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored lower-case; people type them in any case.
        return self.get(email__iexact=(username or "").strip())

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        fields["customer"] = None
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    Dealer users belong to exactly one customer; manufacturer staff belong to none.
    The database enforces it, so no code path can create a dealer without a tenant.
    """

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_staff = models.BooleanField(
        _("collaborateur du fabricant"),
        default=False,
        help_text=_("Accès à l'administration ; n'appartient à aucun client."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(is_staff=True, customer__isnull=True) | models.Q(is_staff=False, customer__isnull=False)
                ),
                name="user_staff_xor_customer",
                violation_error_message=_("Un revendeur appartient à un client ; un collaborateur à aucun."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How the portal names a person: their full name, or their address if they gave none."""
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_dealer(self) -> bool:
        return self.customer_id is not None and not self.is_staff
