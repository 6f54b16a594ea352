"""Order lines of a dossier's Configurateur and the warranty items an order gives them.

A line stores what the dealer typed (``values``, as entered) and the warnings they
acknowledged; everything computed from them (price, messages, components) comes from
the engine and is cached here only for the tab's list. Ordering never trusts that cache:
``place_order`` evaluates every line again under the current catalogue version and
writes the result into ``snapshot``, which is what was ordered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import tenancy
from catalogue.models import CatalogueVersion, Product, ProductVersion
from dossiers.models import Dossier

from . import warranty

MAX_QUANTITY = 99


class OrderLineQuerySet(models.QuerySet["OrderLine"]):
    def for_customer(self, customer: Any) -> OrderLineQuerySet:
        return self.filter(dossier__customer=customer)

    def visible_to(self, user: Any) -> OrderLineQuerySet:
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=models.Q())

    def of_dossier(self, dossier: Dossier) -> OrderLineQuerySet:
        """The dossier's lines in their order, with what the tab shows of each."""
        return self.filter(dossier=dossier).select_related("product").order_by("position", "pk")

    def roofs(self) -> OrderLineQuerySet:
        """Lines an accessory can attach to: with a width and a projection (configurator.context)."""
        return self.filter(evaluated_values__has_key="width_mm").filter(evaluated_values__has_key="projection_mm")


class ServiceOrderQuerySet(models.QuerySet["ServiceOrder"]):
    def for_customer(self, customer: Any) -> ServiceOrderQuerySet:
        return self.filter(dossier__customer=customer)

    def visible_to(self, user: Any) -> ServiceOrderQuerySet:
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=models.Q())

    def open(self) -> ServiceOrderQuerySet:
        """Not placed yet: the one a dossier's Configurateur adds parts to."""
        return self.filter(placed_at__isnull=True)


class ServiceOrder(models.Model):
    """A service order (FAQ: « commande de service »): spare parts for items already delivered.

    Opened in the original dossier when a « Demande de service » unlocks its Configurateur
    (``configurator.receivers.open_service_order``), or in a « Service » dossier by the first
    parts chosen. Its lines are order lines of the Service product, one per warranty item, all
    items of one original order; « Passer la commande » places it (``placed_at``) under the
    order number and reference « Votre référence » gives it.
    """

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+")
    # The « Demande de service » that unlocked the original dossier (none in a « Service » dossier).
    request = models.ForeignKey(
        "communication.Message",
        verbose_name=_("demande de service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The dossier of the original order; set by the first line, every later line must match it.
    original = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier de la commande d'origine"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ouverte par"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    order_number = models.CharField(_("numéro de commande"), max_length=20, blank=True)
    reference = models.CharField(_("Votre référence"), max_length=100, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("passée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("passée le"), null=True, blank=True)

    objects = ServiceOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("commande de service")
        verbose_name_plural = _("commandes de service")
        ordering = ["dossier", "opened_at", "pk"]
        constraints = [
            # Two receivers or two tabs at once never open a second one.
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(placed_at__isnull=True), name="service_order_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.order_number or '…'}"

    @property
    def is_placed(self) -> bool:
        return self.placed_at is not None


class OrderLine(models.Model):
    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    product = models.ForeignKey(Product, verbose_name=_("produit"), on_delete=models.PROTECT, related_name="+")
    # The catalogue version (through the product's definition in it) the line was last
    # evaluated under; its order snapshot says which one it was ordered under.
    product_version = models.ForeignKey(
        ProductVersion, verbose_name=_("définition évaluée"), on_delete=models.PROTECT, related_name="+"
    )
    # A Loggia's roof: another line of the same dossier, whose sizes the accessory follows.
    parent = models.ForeignKey(
        "self", verbose_name=_("ligne parente"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("quantité"), default=1)
    values = models.JSONField(_("valeurs saisies"), default=dict, blank=True)
    acknowledged = models.JSONField(_("avertissements confirmés"), default=list, blank=True)
    # Optimistic concurrency: a save names the revision it was edited from (two tabs).
    revision = models.PositiveIntegerField(_("révision"), default=1)
    # Cached from the last evaluation, for the tab's list only (see the module docstring).
    evaluated_values = models.JSONField(_("valeurs évaluées"), default=dict, blank=True)
    unit_net_amount = models.DecimalField(_("prix net unitaire"), max_digits=10, decimal_places=2, null=True)
    error_count = models.PositiveSmallIntegerField(_("erreurs"), default=0)
    warning_count = models.PositiveSmallIntegerField(_("avertissements à confirmer"), default=0)
    summary = models.JSONField(_("résumé"), default=dict, blank=True)  # {"fr": …, "nl": …, …}
    messages = models.JSONField(_("messages"), default=list, blank=True)
    # Written once, by place_order: values, derived values, price lines, components, version.
    snapshot = models.JSONField(_("instantané de commande"), null=True, blank=True)
    # A line of a service order: the spare parts chosen for one delivered item, copied from
    # that item's order snapshot (article code, description, unit, cut length) with the
    # number of pieces wanted (configurator.parts).
    service_order = models.ForeignKey(
        ServiceOrder,
        verbose_name=_("commande de service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lines",
    )
    warranty_item = models.ForeignKey(
        "WarrantyItem",
        verbose_name=_("article garanti"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_lines",
    )
    parts = models.JSONField(_("pièces"), default=list, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = OrderLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="order_line_dossier_position"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="order_line_quantity_1_99"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.position} {self.product_id}"

    @property
    def net_amount(self) -> Decimal | None:
        return None if self.unit_net_amount is None else self.unit_net_amount * self.quantity

    @property
    def summary_text(self) -> str:
        language = (translation.get_language() or "fr")[:2]
        return str(self.summary.get(language) or self.summary.get("fr") or "")

    @property
    def is_ordered(self) -> bool:
        return self.snapshot is not None

    @property
    def is_service_line(self) -> bool:
        return self.warranty_item_id is not None


class WarrantyItemState(models.TextChoices):
    ACTIVE = "active", _("en vigueur")
    CANCELLED = "cancelled", _("annulé")


class WarrantyItemQuerySet(models.QuerySet["WarrantyItem"]):
    def for_customer(self, customer: Any) -> WarrantyItemQuerySet:
        return self.filter(customer=customer)

    def visible_to(self, user: Any) -> WarrantyItemQuerySet:
        return tenancy.visible(self, user, customer="customer_id", staff=models.Q())


class WarrantyItem(models.Model):
    """One ordered piece (a line of quantity 3 is three items), known by its warranty number."""

    number = models.CharField(_("numéro de garantie"), max_length=12, unique=True)
    line = models.ForeignKey(OrderLine, verbose_name=_("ligne"), on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="+")
    # The owner, for scoping a number typed in a later service order to the dealer's own.
    customer = models.ForeignKey(
        "accounts.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    index = models.PositiveSmallIntegerField(_("pièce"))  # 1 … the line's quantity
    family = models.PositiveSmallIntegerField(_("famille de produits"))
    catalogue_version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("version du catalogue"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("état"), max_length=10, choices=WarrantyItemState.choices, default=WarrantyItemState.ACTIVE
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    objects = WarrantyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("article garanti")
        verbose_name_plural = _("articles garantis")
        ordering = ["line", "index"]
        constraints = [models.UniqueConstraint(fields=["line", "index"], name="warranty_item_line_index")]
        indexes = [models.Index(fields=["dossier", "line", "index"], name="warranty_item_dossier")]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        """``2423-1-004214-4``: how people read and type it."""
        return warranty.display(self.number)
