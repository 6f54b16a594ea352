"""Messages of a dossier's Communication tab, their files and the complaints they register.

Visibility goes through the portal's one scoping mechanism,
:func:`accounts.tenancy.visible`: a dealer sees the messages of its own customer
(``Interne`` included), a staff member sees every customer's messages except ``Interne``
ones (:func:`staff_filter`) — superusers included. Every read goes through a ``visible_to``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import tenancy

from .files import attachment_upload_to


class MessageType(models.TextChoices):
    ANNEX = "annex", _("Annexe")
    EMAIL = "email", _("E-mail")
    REMARK = "remark", _("Remarque")
    COMPLAINT = "complaint", _("Plainte")
    SERVICE_REQUEST = "service_request", _("Demande de service")
    WARRANTY_DOCUMENT = "warranty_document", _("Document de garantie")
    # Documents the portal generates (documents app): posted by the system only.
    QUOTE = "quote", _("Offre")
    ORDER_CONFIRMATION = "order_confirmation", _("Confirmation de commande")
    INVOICE = "invoice", _("Facture")


# The types of a generated document's card: titled by its type, its PDF as its one file,
# « en cours de génération » until that file exists (communication.services.post_document_card).
DOCUMENT_TYPES = (
    MessageType.QUOTE,
    MessageType.ORDER_CONFIRMATION,
    MessageType.INVOICE,
    MessageType.WARRANTY_DOCUMENT,
)


class Audience(models.TextChoices):
    RENSON = "renson", settings.MANUFACTURER_NAME
    INTERNAL = "internal", _("Interne")


def staff_filter(message: str = "") -> models.Q:
    """The one Interne rule: staff — superusers included — never read an Interne message,
    nor what hangs on it. ``message`` is the path to the message (``"message__"`` for its
    attachments and complaints)."""
    return ~Q(**{f"{message}audience": Audience.INTERNAL})


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: Any) -> MessageQuerySet:
        """What ``user`` may read: staff never get ``Interne``; dealers only their customer's."""
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=staff_filter())

    def waiting_for_answer(self) -> MessageQuerySet:
        """A dealer's Remarque to the manufacturer that no staff member has answered yet.

        Answered means a staff reply to it (« Répondre » in the admin, which mails the
        dealer that it answers their remark). Interne remarks are not for staff at all.
        """
        return self.filter(type=MessageType.REMARK, audience=Audience.RENSON, author__is_staff=False).exclude(
            Exists(Message.objects.filter(parent=OuterRef("pk"), author__is_staff=True))
        )

    def in_thread(self) -> MessageQuerySet:
        """What the thread shows: every message but an Annexe whose files were all deactivated.

        An Annexe is its files: once the last one is deactivated (« Désactiver »), the annexe
        leaves the thread for everybody. It stays in the database, the admin and the
        Historique. A message of another type keeps its text when its files go.
        """
        return self.exclude(Q(type=MessageType.ANNEX), ~Exists(_active_files(OuterRef("pk"))))


# What a message of the thread reads (:func:`thread_rows`), in this order.
THREAD_COLUMNS = (
    "pk",
    "type",
    "audience",
    "author_id",
    "author__first_name",
    "author__last_name",
    "author__email",
    "author__is_staff",
    "created_at",
    "parent_id",
    "parent__type",
    "parent__author__first_name",
    "parent__author__last_name",
    "parent__author__email",
    "parent__author__is_staff",
    "parent_removed",
    "email_recipients",
    "title",
    "body",
    "document_pending",
    "complaint__state",
    "complaint__answer",
    # JSON text: the message's active files, and those it links to (an E-mail's), each
    # [id, name, size, uploader id], by id; NULL or [] for none (``_files_json``).
    "files",
    "linked_files",
)


def thread_rows(*, dossier_id: int, customer_id: int, limit: int, offset: int = 0) -> list[tuple[Any, ...]]:
    """A page of a dealer's thread, newest first: tuples of :data:`THREAD_COLUMNS` followed by the
    number of messages in the whole thread (the pagination needs no COUNT of its own).

    What the thread shows and nothing else, in one query and no model instances:
    ``Message.objects.visible_to(dealer).filter(dossier=…).in_thread()`` — the customer's
    messages, Interne included (the tab is the dealers'; staff read threads in the admin,
    through ``visible_to``), without an Annexe whose files were all deactivated — with
    the authors' names (not their customers), the complaint's state and answer, and
    whether the message answered is an Annexe since deactivated (no link to it then).

    Its files come in the same row, as JSON text (:func:`_files_json`), so the page is one
    query. Written in SQL: the same query built with the ORM took about 8 ms on every
    request of the Communication tab, 1.5 ms of it in PostgreSQL (``bench/README.md``).
    Portable SQL but for the files' JSON: the demo runs on SQLite. The tests compare it
    with the ORM's ``visible_to(...).in_thread()`` for every kind of message.
    """
    messages, files = Message._meta.db_table, Attachment._meta.db_table
    complaints = Complaint._meta.db_table
    users = Message._meta.get_field("author").related_model._meta.db_table  # type: ignore[union-attr]
    dossiers = Message._meta.get_field("dossier").related_model._meta.db_table  # type: ignore[union-attr]
    links = Message.linked_attachments.through._meta.db_table
    own_files = _files_json(f"{files} a", "a.message_id = m.id")
    linked_files = _files_json(f"{links} l JOIN {files} a ON a.id = l.attachment_id", "l.message_id = m.id")
    sql = (
        "SELECT m.id, m.type, m.audience, m.author_id, au.first_name, au.last_name, au.email, au.is_staff, "  # noqa: S608  (table names, placeholders)
        "m.created_at, m.parent_id, p.type, pa.first_name, pa.last_name, pa.email, pa.is_staff, "
        f"CASE WHEN p.type = %s AND NOT EXISTS (SELECT 1 FROM {files} pf WHERE pf.message_id = m.parent_id "
        "AND pf.is_active) THEN 1 ELSE 0 END, "
        "m.email_recipients, m.title, m.body, m.document_pending, c.state, c.answer, "
        f"{own_files}, {linked_files}, COUNT(*) OVER () "
        f"FROM {messages} m JOIN {dossiers} d ON d.id = m.dossier_id "
        f"LEFT JOIN {users} au ON au.id = m.author_id "
        f"LEFT JOIN {messages} p ON p.id = m.parent_id "
        f"LEFT JOIN {users} pa ON pa.id = p.author_id "
        f"LEFT JOIN {complaints} c ON c.message_id = m.id "
        "WHERE m.dossier_id = %s AND d.customer_id = %s "
        f"AND (m.type <> %s OR EXISTS (SELECT 1 FROM {files} f WHERE f.message_id = m.id AND f.is_active)) "
        "ORDER BY m.created_at DESC, m.id DESC LIMIT %s OFFSET %s"
    )
    params: list[str | int] = [MessageType.ANNEX.value, dossier_id, customer_id, MessageType.ANNEX.value, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # What the ORM's converters would do: PostgreSQL returns aware datetimes and JSON as
    # text (Django's setting); SQLite returns both as text.
    to_datetime = getattr(connection.ops, "convert_datetimefield_value", None)
    created, recipients = THREAD_COLUMNS.index("created_at"), THREAD_COLUMNS.index("email_recipients")
    converted = []
    for row in rows:
        values = list(row)
        if to_datetime is not None:
            values[created] = to_datetime(values[created], None, connection)
        if isinstance(values[recipients], str):
            values[recipients] = json.loads(values[recipients])
        converted.append(tuple(values))
    return converted


def _files_json(source: str, condition: str) -> str:
    """SQL for a JSON array, as text, of the active files ``a`` of ``source`` matching ``condition``:
    each ``[id, name, size, uploader id]``, by id.

    One correlated subquery per message instead of a second query for the page's files.
    The one place the thread's SQL differs between the databases: PostgreSQL's
    ``json_agg`` (NULL for no file), SQLite's ``json_group_array`` (``[]``), for the demo.
    """
    if connection.vendor == "postgresql":
        return (
            "(SELECT json_agg(json_build_array(a.id, a.original_name, a.size, a.uploaded_by_id) ORDER BY a.id)::text "  # noqa: S608  (table names from this module)
            f"FROM {source} WHERE {condition} AND a.is_active)"
        )
    return (
        "(SELECT json_group_array(json_array(a.id, a.original_name, a.size, a.uploaded_by_id)) FROM "  # noqa: S608  (table names from this module)
        f"(SELECT a.id, a.original_name, a.size, a.uploaded_by_id FROM {source} WHERE {condition} AND a.is_active "
        "ORDER BY a.id) a)"
    )


def _active_files(message: Any) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(message=message, is_active=True)


class Message(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="messages"
    )
    type = models.CharField(_("type"), max_length=20, choices=MessageType.choices)
    audience = models.CharField(_("Groupe-cible"), max_length=10, choices=Audience.choices, default=Audience.RENSON)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    title = models.CharField(_("titre"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    # E-mail type: the addresses it was sent to, as typed (validated, normalised).
    email_recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    # E-mail type: files of the dossier sent along with the mail.
    linked_attachments = models.ManyToManyField(
        "communication.Attachment", verbose_name=_("fichiers joints"), blank=True, related_name="+"
    )
    # A generated document's card while its PDF is being made (or remade): the thread
    # shows « en cours de génération » and none of its files.
    document_pending = models.BooleanField(_("en cours de génération"), default=False, editable=False)
    # One per form display: a double submit of the same form creates one message.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "-created_at", "-id"], name="message_dossier_thread"),
            models.Index(fields=["dossier", "audience", "author"], name="message_dossier_authors"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="message_author_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately content-free: admin pages that list related objects (e.g. a
        # dossier's deletion summary) must not show what an Interne message says.
        return f"{self.get_type_display()} #{self.pk}"

    @property
    def is_internal(self) -> bool:
        return self.audience == Audience.INTERNAL

    @property
    def is_annex(self) -> bool:
        return self.type == MessageType.ANNEX


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: Any) -> AttachmentQuerySet:
        return tenancy.visible(self, user, customer="message__dossier__customer_id", staff=staff_filter("message__"))

    def active(self) -> AttachmentQuerySet:
        return self.filter(is_active=True)


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("Fichier"), upload_to=attachment_upload_to, max_length=500)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille"))
    content_type = models.CharField(_("type de contenu"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now, editable=False)
    # « Désactiver »: hidden from the thread, kept in storage and in the admin.
    is_active = models.BooleanField(_("actif"), default=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("désactivé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("annexe")
        verbose_name_plural = _("annexes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ComplaintState(models.TextChoices):
    NEW = "new", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    RESOLVED = "resolved", _("Résolue")
    REJECTED = "rejected", _("Rejetée")


OPEN_STATES = (ComplaintState.NEW, ComplaintState.IN_PROGRESS)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        return tenancy.visible(self, user, customer="dossier__customer_id", staff=staff_filter("message__"))

    def open(self) -> ComplaintQuerySet:
        """New or in progress: staff still owe the dealer an answer."""
        return self.filter(state__in=OPEN_STATES)


class Complaint(models.Model):
    """Registered by a Plainte or a Demande de service; processed by staff in the admin."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="complaints"
    )
    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="complaint"
    )
    state = models.CharField(_("état"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.NEW)
    answer = models.TextField(_("réponse"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("plainte")
        verbose_name_plural = _("plaintes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="complaint_state_created")]

    def __str__(self) -> str:
        return f"{_('Plainte')} #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state in (ComplaintState.RESOLVED, ComplaintState.REJECTED)
