"""When documents are issued: what the apps below report (connected in ``DocumentsConfig.ready()``).

* « Offre » when the dealer asks for a quote (Actif → Offre), in that transaction.
* « Confirmation de commande » once an order has committed (``order_placed``).
* « Facture » when staff mark the dossier Livré, in that transaction: its number is
  taken with the move, so a move that rolls back takes none.

A dossier without a line gets none of them: there is nothing to quote or to bill.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from accounts.models import User
from communication.models import Message
from configurator.models import OrderLine
from dossiers.models import Dossier, Status

from . import services
from .models import DocumentKind

logger = logging.getLogger(__name__)


def status_changed(*, dossier: Dossier, user: User, previous: str, **kwargs: Any) -> None:
    if dossier.status == Status.QUOTE and OrderLine.objects.filter(dossier=dossier).exists():
        services.issue_document(dossier=dossier, kind=DocumentKind.QUOTE, caused_by=user, recipient=user)
    elif (
        dossier.status == Status.DELIVERED
        and OrderLine.objects.filter(dossier=dossier, snapshot__isnull=False).exists()
    ):
        today = timezone.localdate()
        number = services.invoice_number(today=today)
        services.issue_document(
            dossier=dossier,
            kind=DocumentKind.INVOICE,
            caused_by=user,
            recipient=services.orderer(dossier),
            key=number,
            number=number,
            today=today,
        )


def order_placed(*, dossier: Dossier, user: User, **kwargs: Any) -> None:
    """Once the order has committed: an error here must not turn the dealer's placed order
    into an error page, so it is logged for staff (the order stands, its number is shown)."""
    try:
        _issue_order_confirmation(dossier=dossier, user=user)
    except Exception:
        logger.exception("Dossier %s: the order confirmation could not be issued", dossier.pk)


def _issue_order_confirmation(*, dossier: Dossier, user: User) -> None:
    services.issue_document(
        dossier=dossier,
        kind=DocumentKind.ORDER_CONFIRMATION,
        caused_by=user,
        recipient=user,
        key=services.order_event_key(dossier),
    )


def service_requested(*, dossier: Dossier, message: Message, user: User | None, **kwargs: Any) -> None:
    """Once the « Demande de service » has committed: the dossier's warranty document, for who
    posted it. Idempotent (the same request twice makes one document); an error is logged for
    staff, who generate it from the admin, and the request stands."""
    try:
        services.issue_warranty_document(dossier=dossier, caused_by=user, recipient=user, request_id=message.pk)
    except Exception:
        logger.exception("Dossier %s: the warranty document could not be issued", dossier.pk)
