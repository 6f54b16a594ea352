"""Generated documents: a quote, an order confirmation, an invoice, a warranty document.

One row per document. Its ``data`` is frozen when the row is created, from the dossier
as it then was (lines, prices, warranty numbers, billing details, VAT rate): rendering
reads nothing else, so regenerating an invoice reproduces the same amounts whatever
changed since. ``state`` tells the workers what is left to do (pending → ready, or
failed after the last try); the file lives in the default storage at ``file_path`` and
is the one attachment of the document's card in the Communication thread (``message``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import tenancy


class DocumentKind(models.TextChoices):
    QUOTE = "quote", _("Offre")
    ORDER_CONFIRMATION = "order_confirmation", _("Confirmation de commande")
    INVOICE = "invoice", _("Facture")
    WARRANTY = "warranty", _("Document de garantie")


class DocumentState(models.TextChoices):
    PENDING = "pending", _("en cours de génération")
    READY = "ready", _("prêt")
    FAILED = "failed", _("échec")


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=models.Q())

    def of_dossier_kind(self, dossier_number: str, kind: str) -> DocumentQuerySet:
        """The documents of that kind of the dossier numbered ``dossier_number``, newest first."""
        return self.filter(dossier__number=dossier_number, kind=kind).order_by("-created_at", "-pk")


class Document(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("type de document"), max_length=30, choices=DocumentKind.choices)
    # What makes a document of this kind of this dossier this one (unique with them): ""
    # for the one quote of a dossier, the order's event for an order confirmation, the
    # invoice number for an invoice, "" for the one warranty document of a dossier.
    key = models.CharField(_("clé"), max_length=40, blank=True, editable=False)
    number = models.CharField(_("numéro"), max_length=20, blank=True, db_index=True)
    language = models.CharField(_("langue"), max_length=2, choices=settings.LANGUAGES)
    # Who caused it (the dealer who asked for the quote or ordered, the staff member who
    # marked the dossier delivered) and who is mailed it (a dealer of the customer).
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("à l'origine"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who last asked for it to be made (the first time: who caused it; then who regenerated it).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("état"), max_length=10, choices=DocumentState.choices, default=DocumentState.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # How many times it was made; the first time is the generation, the others regenerations.
    generations = models.PositiveIntegerField(_("générations"), default=0)
    storage_token = models.CharField(max_length=32, editable=False)
    file_path = models.CharField(_("fichier"), max_length=500, blank=True)
    message = models.OneToOneField(
        "communication.Message",
        verbose_name=_("message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
    )
    data = models.JSONField(_("données figées"), default=dict, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "key"], name="document_dossier_kind_key"),
            models.UniqueConstraint(
                fields=["kind", "number"], condition=~models.Q(number=""), name="document_kind_number"
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="document_state_created")]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.number}" if self.number else f"{label} – {self.dossier_id}"
