"""Writes on dossiers. Views and commands call these; nothing else writes a dossier."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Customer, User
from configurator.models import Product

from .models import Dossier, EventKind, HistoryEvent, Sequence


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
