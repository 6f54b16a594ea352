"""The catalogue: product groups and products. Their texts are data, kept per language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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
