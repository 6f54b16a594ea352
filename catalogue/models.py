"""The catalogue: product groups and products. Their texts are data, kept per language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .compiled import compiled_definition
from .definition import ProductDefinition


class TranslatedName(models.Model):
    name_fr = models.CharField(_("nom (fr)"), max_length=120)
    name_nl = models.CharField(_("nom (nl)"), max_length=120, blank=True)
    name_de = models.CharField(_("nom (de)"), max_length=120, blank=True)
    name_en = models.CharField(_("nom (en)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to French (always filled in)."""
        language = (translation.get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fr


class ProductGroupQuerySet(models.QuerySet["ProductGroup"]):
    def active(self) -> ProductGroupQuerySet:
        return self.filter(is_active=True)


class ProductGroup(TranslatedName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ProductGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe de produits")
        verbose_name_plural = _("groupes de produits")
        ordering = ["position", "code"]


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True, group__is_active=True)

    def name_contains(self, text: str) -> ProductQuerySet:
        """Products whose name in any of the portal's languages contains ``text`` (any case)."""
        match = models.Q()
        for code, _name in settings.LANGUAGES:
            match |= models.Q(**{f"name_{code}__icontains": text})
        return self.filter(match)


class Product(TranslatedName):
    group = models.ForeignKey(
        ProductGroup, verbose_name=_("groupe de produits"), on_delete=models.PROTECT, related_name="products"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_service = models.BooleanField(
        _("produit « Service »"), default=False, help_text=_("Commande de service sur un produit déjà livré.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["group__position", "position", "code"]


class CatalogueVersionQuerySet(models.QuerySet["CatalogueVersion"]):
    def current(self) -> CatalogueVersion | None:
        """The version loaded last: what new configurations and orders are evaluated under."""
        return self.order_by("-number").first()


class CatalogueVersion(models.Model):
    """One load of a catalogue file (``manage.py load_catalogue``). Never changed afterwards:
    order lines keep pointing at the version they were evaluated (and ordered) under."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64, unique=True)
    source = models.CharField(_("fichier"), max_length=255)
    loaded_at = models.DateTimeField(_("chargée le"), default=timezone.now)
    product_count = models.PositiveSmallIntegerField(_("produits"))

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version du catalogue")
        verbose_name_plural = _("versions du catalogue")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.source})"


class ProductVersionQuerySet(models.QuerySet["ProductVersion"]):
    def current(self) -> ProductVersionQuerySet:
        """The products as the current catalogue version defines them (one subquery, no extra round trip)."""
        latest = CatalogueVersion.objects.order_by("-number").values("pk")[:1]
        return self.filter(version=models.Subquery(latest))

    def without_definition(self) -> ProductVersionQuerySet:
        """Rows without their (large) JSON: :meth:`ProductVersion.compiled` reads it only
        when the process has not compiled that row yet."""
        return self.defer("definition")


class ProductVersion(models.Model):
    """One product as one catalogue version defines it: parameters, rules, prices, components.

    ``definition`` is :func:`catalogue.serialise.definition_to_json`'s self-contained JSON,
    so a line can be re-evaluated (or a spare part re-cut) under the exact version it was
    ordered under, whatever files were loaded since.
    """

    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("version du catalogue"), on_delete=models.PROTECT, related_name="products"
    )
    product = models.ForeignKey(Product, verbose_name=_("produit"), on_delete=models.PROTECT, related_name="versions")
    definition = models.JSONField(_("définition"))

    objects = ProductVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("définition de produit")
        verbose_name_plural = _("définitions de produits")
        ordering = ["-version__number", "product__group__position", "product__position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "product"], name="product_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} v{self.version_id}"

    def compiled(self) -> ProductDefinition:
        """The definition ready to evaluate, compiled once per process (rows never change)."""
        return compiled_definition(self.pk, lambda: self.definition)
