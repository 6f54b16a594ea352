"""Writes on dossiers. Views and commands call these; nothing else writes a dossier."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Customer, User
from configurator.models import Product

from .models import Dossier, DossierSeen, EventKind, HistoryEvent, Sequence


def next_number(name: str) -> int:
    """The next value of counter ``name``; must run inside the caller's transaction."""
    Sequence.objects.get_or_create(name=name)
    Sequence.objects.filter(name=name).update(value=F("value") + 1)
    return Sequence.objects.select_for_update().get(name=name).value


@transaction.atomic
def create_dossier(*, customer: Customer, user: User | None, product: Product, reference: str = "") -> Dossier:
    year = timezone.localdate().year
    number = f"{year}{next_number(f'dossier-{year}'):06d}"
    dossier = Dossier.objects.create(
        number=number,
        customer=customer,
        reference=reference.strip(),
        product_group=product.group,
        product=product,
        contact_person=customer.account_manager,
        created_by=user,
    )
    record_event(dossier=dossier, kind=EventKind.CREATED, actor=user)
    return dossier


def record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor: User | None,
    internal: bool = False,
    data: dict[str, object] | None = None,
) -> HistoryEvent:
    """Append to the dossier's Historique and bump its last activity (caller's transaction)."""
    event = HistoryEvent.objects.create(dossier=dossier, kind=kind, actor=actor, internal=internal, data=data or {})
    Dossier.objects.filter(pk=dossier.pk).update(last_activity_at=event.created_at)
    return event


def note_message_posted(*, dossier: Dossier, at: datetime) -> None:
    """Mark the dossier as having a new message at ``at`` (runs in the poster's transaction).

    The overview's unread marker and "last activity" sort read these two columns, so
    they must move in the same transaction as the message itself.
    """
    Dossier.objects.filter(pk=dossier.pk).update(last_message_at=at, last_activity_at=at)
    dossier.last_message_at = at
    dossier.last_activity_at = at


def mark_dossier_seen(*, user: User, dossier: Dossier) -> None:
    """Record that ``user`` has read the dossier's messages up to now (upsert, one row per user)."""
    # One INSERT … ON CONFLICT DO UPDATE: two tabs opened at once cannot collide on the
    # unique (user, dossier) constraint the way get-then-create would.
    DossierSeen.objects.bulk_create(
        [DossierSeen(user=user, dossier=dossier, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "dossier"],
        update_fields=["seen_at"],
    )
