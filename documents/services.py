"""Writes of the documents: issue one, regenerate one, and the worker's two steps (make it, or record a failure).

A document is issued in the transaction of what causes it (the move to Offre or to Livré;
right after an order commits): its row with the data frozen (:mod:`documents.contents`),
its card « en cours de génération » in Communication, and its generation queued once that
transaction commits. An invoice takes its number there, from a gapless sequence per year:
a rolled-back move takes no number.

Generation (:mod:`documents.generation`, run by :mod:`documents.tasks`) locks the document row and
does nothing unless it is pending, so a task run twice, late, or beside a second
regeneration makes the file once. In one transaction it stores the PDF, hands it to the
card, marks the document ready, writes the Historique and queues the mail with the PDF
attached: the dealer gets the card's file and the mail together, or neither.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communication import document_cards
from configurator.models import WarrantyItem, WarrantyItemState
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind, HistoryEvent, Status

from .kinds import spec
from .models import Document, DocumentKind, DocumentState
from .tasks import enqueue_generation


class DocumentRefused(Exception):
    """A document that cannot be made as asked; ``str(exc)`` is for the user, in their language."""


def _queue(document_id: int) -> None:
    transaction.on_commit(lambda: enqueue_generation(document_id=document_id))


def _mailable(user: User | None) -> User | None:
    return user if user is not None and user.is_active and not user.is_staff and user.email else None


@transaction.atomic
def issue_document(
    *,
    dossier: Dossier,
    kind: str,
    caused_by: User | None,
    recipient: User | None,
    key: str = "",
    number: str = "",
    today: date | None = None,
) -> Document:
    """A document of ``kind`` for ``dossier``, frozen now, its card posted and its generation queued.

    Issued again with the same ``key`` (a quote asked for again after the dossier went back
    to Actif), the same document and card are frozen anew and made again.
    """
    kind_spec = spec(kind)
    recipient = _mailable(recipient)
    language = recipient.language if recipient is not None else dossier.customer.language
    data = kind_spec.freeze(dossier, language=language, today=today or timezone.localdate(), number=number)
    existing = Document.objects.select_for_update().filter(dossier=dossier, kind=kind, key=key).first()
    if existing is not None:
        existing.data = data
        existing.language = language
        existing.caused_by = caused_by
        existing.recipient = recipient
        return _make_again(existing, user=caused_by)
    message = document_cards.post_document_card(dossier=dossier, type=kind_spec.message_type)
    document = Document.objects.create(
        dossier=dossier,
        kind=kind,
        key=key,
        number=number,
        language=language,
        caused_by=caused_by,
        recipient=recipient,
        requested_by=caused_by,
        storage_token=uuid.uuid4().hex,
        message=message,
        data=data,
    )
    _queue(document.pk)
    return document


def _make_again(document: Document, *, user: User | None) -> Document:
    document.state = DocumentState.PENDING
    document.attempts = 0
    document.last_error = ""
    document.requested_by = user
    document.save()
    if document.message is not None:
        document_cards.mark_document_pending(message=document.message)
    _queue(document.pk)
    return document


@transaction.atomic
def regenerate_document(*, document: Document, user: User | None) -> Document:
    """Make ``document`` again from its frozen data (same amounts, same numbers); one card, one file.

    Its card shows « en cours de génération » until the new file replaces the old one.
    Two regenerations at once queue two tasks; the first makes the file, the second finds
    the document ready and does nothing.
    """
    locked = Document.objects.select_for_update(of=("self",)).select_related("message").get(pk=document.pk)
    return _make_again(locked, user=user)


def has_delivered_items(dossier: Dossier) -> bool:
    """Whether the dossier's order was delivered (it went to Livré; a later service order moves it
    on again) and it has items not cancelled: what a warranty document lists."""
    delivered = HistoryEvent.objects.filter(
        dossier=dossier, kind=EventKind.STATUS_CHANGED, data__to=Status.DELIVERED.value
    ).exists()
    return delivered and WarrantyItem.objects.filter(dossier=dossier, state=WarrantyItemState.ACTIVE).exists()


@transaction.atomic
def issue_warranty_document(
    *, dossier: Dossier, caused_by: User | None, recipient: User | None, request_id: int | None = None
) -> Document | None:
    """The dossier's « Document de garantie », frozen now and queued; None without a delivered item.

    Under the dossier's row lock, so two at once make one document (one card, one file). A
    dossier has one: issued again (a later « Demande de service », staff), it is frozen anew
    and made again. Issued twice for the same « Demande de service » (``request_id``), the
    second does nothing: one document, one mail.
    """
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if not has_delivered_items(dossier):
        return None
    existing = Document.objects.filter(dossier=dossier, kind=DocumentKind.WARRANTY, key="").first()
    if existing is not None and request_id is not None and existing.data.get("request_id") == request_id:
        return existing
    document = issue_document(dossier=dossier, kind=DocumentKind.WARRANTY, caused_by=caused_by, recipient=recipient)
    if request_id is not None:
        document.data["request_id"] = request_id
        document.save(update_fields=["data", "updated_at"])
    return document


def find_document(*, dossier_number: str, kind: str, customer_number: str | None = None) -> Document:
    """The newest document of ``kind`` of the dossier numbered ``dossier_number``, or :class:`DocumentRefused`.

    With ``customer_number`` (ops naming whose document they mean), a dossier of another
    customer is refused: a mistyped dossier number must not regenerate and re-mail
    someone else's invoice.
    """
    if kind not in DocumentKind.values:
        raise DocumentRefused(
            _("Type de document inconnu « %(kind)s » : choisissez parmi %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(DocumentKind.values)}
        )
    dossier = Dossier.objects.filter(number=dossier_number).select_related("customer").first()
    if dossier is None:
        raise DocumentRefused(_("Aucun dossier ne porte le numéro « %(number)s ».") % {"number": dossier_number})
    if customer_number is not None and dossier.customer.number != customer_number:
        raise DocumentRefused(
            _("Le dossier %(number)s n'est pas un dossier du client %(customer)s.")
            % {"number": dossier_number, "customer": customer_number}
        )
    document = Document.objects.of_dossier_kind(dossier_number, kind).first()
    if document is None:
        raise DocumentRefused(
            _("Le dossier %(number)s n'a pas de document « %(kind)s ».")
            % {"number": dossier_number, "kind": DocumentKind(kind).label}
        )
    return document


def order_event_key(dossier: Dossier) -> str:
    """The order an order confirmation confirms: its « Commande passée » event (one per order)."""
    event = HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ORDER_PLACED).order_by("-pk").first()
    return str(event.pk) if event is not None else ""


def orderer(dossier: Dossier) -> User | None:
    """The dealer who placed the dossier's last order (who is mailed its invoice), else who opened it."""
    event = (
        HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ORDER_PLACED, actor__is_staff=False)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    if event is not None and event.actor is not None:
        return event.actor
    return dossier.created_by


def invoice_number(*, today: date) -> str:
    """The next invoice number of the year, « F2026000001 »: gapless, in the caller's transaction."""
    prefix = spec(DocumentKind.INVOICE).number_prefix
    return f"{prefix}{today.year}{dossier_services.next_number(f'invoice-{today.year}'):06d}"
