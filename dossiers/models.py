from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import tenancy
from catalogue.models import Product

from . import history

if TYPE_CHECKING:
    from accounts.models import Customer, User


class Sequence(models.Model):
    """A named counter for human-facing numbers (dossiers, orders, warranties).

    Incremented under ``select_for_update`` so concurrent requests never share a number;
    portable to SQLite for the demo, unlike a PostgreSQL sequence.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Status(models.TextChoices):
    ACTIVE = "active", _("Actif")
    QUOTE = "quote", _("Offre")
    ORDERED = "ordered", _("Commandé")
    IN_PRODUCTION = "in_production", _("En production")
    DELIVERED = "delivered", _("Livré")
    COMPLETED = "completed", _("Terminé")
    SERVICE_REQUESTED = "service_requested", _("Demande de service")
    CANCELLED = "cancelled", _("Annulé")


def in_care_of(user: Any, prefix: str = "") -> Q:
    """The dossiers a staff member looks after: those they are the contact person of, and
    those without one whose customer they are the account manager of — who is mailed about
    a dossier's messages (``communication.notifications``). ``prefix`` is the path to the
    dossier (``"dossier__"`` from a message)."""
    return Q(**{f"{prefix}contact_person": user}) | Q(
        **{f"{prefix}contact_person__isnull": True, f"{prefix}customer__account_manager": user}
    )


# What the overview's search box looks in (besides product names), in Dossier.search_text
# (dossiers.overview_sql).
SEARCH_COLUMNS = ("number", "order_number", "reference", "warranty_numbers", "linked_order_number", "linked_reference")
SEARCH_SEPARATOR = "\n"
# Control characters (line breaks, tabs …) in a search are spaces: the text searched for
# then never holds SEARCH_SEPARATOR, and cannot match across two of the columns.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def search_words(text: str) -> str:
    """``text`` as the search box looks for it: control characters as one space, ends stripped."""
    return _CONTROL_CHARACTERS.sub(" ", text).strip()


class DossierQuerySet(models.QuerySet["Dossier"]):
    def for_customer(self, customer: Customer) -> DossierQuerySet:
        return self.filter(customer=customer)

    def in_care_of(self, user: User) -> DossierQuerySet:
        """The staff member's own dossiers (see :func:`in_care_of`)."""
        return self.filter(in_care_of(user))

    def with_list_columns(self) -> DossierQuerySet:
        return self.select_related("product", "product_group", "contact_person")

    def with_read_state(self, user: User) -> DossierQuerySet:
        """Annotate ``is_read``: ``user``'s read mark is past the last message (or there is
        none), what ``services.mark_dossier_seen`` would otherwise look up."""
        read_past = Exists(
            DossierSeen.objects.filter(user=user, dossier=OuterRef("pk"), seen_at__gte=OuterRef("last_message_at"))
        )
        return self.annotate(
            is_read=ExpressionWrapper(
                Q(last_message_at__isnull=True) | Q(read_past), output_field=models.BooleanField()
            )
        )


class Dossier(models.Model):
    number = models.CharField(_("numéro de dossier"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        "accounts.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="dossiers"
    )
    reference = models.CharField(_("Votre référence"), max_length=100, blank=True)
    product_group = models.ForeignKey(
        "catalogue.ProductGroup", verbose_name=_("groupe de produits"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, verbose_name=_("produit"), on_delete=models.PROTECT, related_name="+")
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne de contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_dossiers",
        limit_choices_to={"is_staff": True},
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    order_number = models.CharField(_("numéro de commande"), max_length=20, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Denormalised for the overview's sort and "last activity" column: bumped by every
    # service that touches the dossier (status change, message, order).
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    # Denormalised for the unread marker: compared with the reader's DossierSeen.seen_at
    # so the overview needs no subquery over the messages table.
    last_message_at = models.DateTimeField(_("dernier message"), null=True, blank=True, editable=False)
    # Denormalised for the overview's search: the warranty numbers of the dossier's order,
    # space-separated, written by dossiers.services.note_warranty_numbers.
    warranty_numbers = models.TextField(_("numéros de garantie"), blank=True, editable=False)
    # After-sales, the other order of a service order (dossiers.services.mark_service_ordered):
    # on the original dossier, the service order placed in it after a « Demande de service »;
    # on a « Service » dossier (its product is the Service product), the original order its
    # parts are for. The Information tab and the overview show both orders.
    linked_order_number = models.CharField(_("numéro de la commande liée"), max_length=20, blank=True, editable=False)
    linked_reference = models.CharField(_("référence de la commande liée"), max_length=100, blank=True, editable=False)
    # The overview's search box reads this one column (dossiers.overview_sql): the six
    # searched texts, one per line, computed by the database on every write. A search
    # text never holds a line break, so it can only match inside one of them.
    search_text = models.GeneratedField(
        expression=Concat(
            *[part for column in SEARCH_COLUMNS for part in (Value(SEARCH_SEPARATOR), F(column))][1:],
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-last_activity_at", "-id"], name="dossier_cust_activity"),
            models.Index(fields=["customer", "status", "-last_activity_at"], name="dossier_cust_status_activity"),
            # The overview's other sort orders, read 25 at a time from the index.
            models.Index(fields=["customer", "reference", "id"], name="dossier_cust_reference"),
            models.Index(fields=["customer", "number"], name="dossier_cust_number"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("dossiers:dossier-detail", kwargs={"pk": self.pk})


class DossierSeen(models.Model):
    """When a user last opened a dossier's Communication tab (drives the unread marker)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="seen_marks")
    seen_at = models.DateTimeField(_("vu le"))

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        constraints = [models.UniqueConstraint(fields=["user", "dossier"], name="dossier_seen_user_dossier_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.dossier_id} {self.seen_at:%Y-%m-%d %H:%M}"


class Favourite(models.Model):
    """A dossier starred by one user (favourites are personal, not shared with colleagues)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("favori")
        verbose_name_plural = _("favoris")
        constraints = [models.UniqueConstraint(fields=["user", "dossier"], name="favourite_user_dossier_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.dossier_id}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Dossier créé")
    STATUS_CHANGED = "status_changed", _("Statut modifié")
    ORDER_PLACED = "order_placed", _("Commande passée")
    MESSAGE_POSTED = "message_posted", _("Message ajouté")
    DOCUMENT_GENERATED = "document_generated", _("Document généré")
    ATTACHMENT_DEACTIVATED = "attachment_deactivated", _("Annexe désactivée")
    COPIED = "copied", _("Dossier copié")
    CONTACT_CHANGED = "contact_changed", _("Personne de contact modifiée")
    # Written by the configurator (and described by it, see dossiers.history).
    ITEMS_ORDERED = "items_ordered", _("Articles commandés")
    LINES_COPIED = "lines_copied", _("Configuration copiée")


class HistoryEventQuerySet(models.QuerySet["HistoryEvent"]):
    def visible_to(self, user: Any) -> HistoryEventQuerySet:
        """A dealer reads its own customer's events; staff every customer's but those about
        ``Interne`` messages, which exist for the customer's users only; others nothing."""
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=Q(internal=False))


class HistoryEvent(models.Model):
    """Append-only log of a dossier (Historique tab). Never updated, never deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Concerns an Interne message: hidden from every staff query.
    internal = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    objects = HistoryEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-created_at", "-id"], name="event_dossier_time")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def description(self) -> str:
        """One line for the Historique tab, in the reader's language (see :mod:`dossiers.history`)."""
        return history.describe(self.kind, self.data or {})
