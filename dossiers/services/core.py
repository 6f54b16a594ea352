"""Writes on dossiers outside the status workflow: creation, copy, contact person, history, read marks,
favourites."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, User
from accounts.throttling import take_user_allowance
from catalogue.models import Product

from .. import overview_cache
from ..models import Dossier, DossierSeen, EventKind, Favourite, HistoryEvent, Sequence
from ..signals import dossier_copied


def next_number(name: str, count: int = 1) -> int:
    """The next value of counter ``name``; must run inside the caller's transaction.

    With ``count``, reserves that many values at once and returns the last of them (the
    block is ``last - count + 1 … last``): an order of many items takes one lock, not one each.
    """
    Sequence.objects.get_or_create(name=name)
    Sequence.objects.filter(name=name).update(value=F("value") + count)
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


class CopyLimitReached(Exception):
    """« Copier le dossier » refused: the user's hourly budget is spent (the message says so)."""


def _take_copy_allowance(user: User) -> None:
    limit: int = settings.COPY_DOSSIER_LIMIT_PER_HOUR
    if not take_user_allowance(user_id=user.pk, action="copy-dossier", limit=limit).allowed:
        raise CopyLimitReached(
            _("Limite atteinte : au maximum %(limit)d copies de dossier par heure. Réessayez plus tard.")
            % {"limit": limit}
        )


@transaction.atomic
def copy_dossier(*, dossier: Dossier, user: User) -> Dossier:
    """A new ``Actif`` dossier with the information of ``dossier``; never its messages or history.

    Order data (order number, warranty numbers) belongs to the original order and stays
    behind. The configuration is the configurator's: it copies its lines on the
    ``dossier_copied`` signal, sent here inside this transaction, so a copy never exists
    without them. At most COPY_DOSSIER_LIMIT_PER_HOUR copies per user per hour
    (``CopyLimitReached``).
    """
    _take_copy_allowance(user)
    copy = create_dossier(customer=dossier.customer, user=user, product=dossier.product, reference=dossier.reference)
    if dossier.contact_person_id != copy.contact_person_id:
        copy.contact_person_id = dossier.contact_person_id
        copy.save(update_fields=["contact_person", "updated_at"])
    record_event(dossier=copy, kind=EventKind.COPIED, actor=user, data={"copied_from": dossier.number})
    record_event(dossier=dossier, kind=EventKind.COPIED, actor=user, data={"copied_to": copy.number})
    dossier_copied.send(sender=Dossier, source=dossier, copy=copy, user=user)
    return copy


@transaction.atomic
def change_contact_person(*, dossier: Dossier, contact_person: User, user: User) -> Dossier:
    """Staff hand a dossier to another contact person (admin action); the Historique says who and when.

    The new contact person is an active staff member: they receive the dossier's remarks.
    Choosing the one it already has changes nothing and writes nothing.
    """
    if not user.is_staff:
        raise PermissionDenied("Staff choose a dossier's contact person.")
    if not (contact_person.is_staff and contact_person.is_active):
        raise ValidationError(_("La personne de contact est un collaborateur actif du fabricant."), code="not_staff")
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    previous = locked.contact_person
    if previous is not None and previous.pk == contact_person.pk:
        return locked
    locked.contact_person = contact_person
    locked.save(update_fields=["contact_person", "updated_at"])
    # Names as they were: the event reads the same after someone is renamed or leaves.
    record_event(
        dossier=locked,
        kind=EventKind.CONTACT_CHANGED,
        actor=user,
        data={
            "from": previous.pk if previous else None,
            "from_name": previous.display_name if previous else "",
            "to": contact_person.pk,
            "to_name": contact_person.display_name,
        },
    )
    return locked


def record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor: User | None,
    internal: bool = False,
    data: dict[str, object] | None = None,
) -> HistoryEvent:
    """Append to the dossier's Historique and bump its last activity (caller's transaction).

    An event about an Interne message leaves "last activity" alone: staff see that column,
    and it must not reveal that the dealer's colleagues talked among themselves.
    """
    event = HistoryEvent.objects.create(dossier=dossier, kind=kind, actor=actor, internal=internal, data=data or {})
    if not internal:
        Dossier.objects.filter(pk=dossier.pk).update(last_activity_at=event.created_at)
        dossier.last_activity_at = event.created_at
        overview_cache.touch_customer(dossier.customer_id)
    return event


def note_activity(*, dossier: Dossier) -> None:
    """Bump the dossier's last activity to now, for a change that writes no Historique event
    (a line of the Configurateur saved); runs in the writer's transaction."""
    now = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(last_activity_at=now)
    dossier.last_activity_at = now
    overview_cache.touch_customer(dossier.customer_id)


def note_message_posted(*, dossier: Dossier, at: datetime, internal: bool = False) -> None:
    """Mark the dossier as having a new message at ``at`` (runs in the poster's transaction).

    The overview's unread marker and "last activity" sort read these two columns, so
    they must move in the same transaction as the message itself. An Interne message
    only moves the unread marker (dealers only): "last activity" is shown to staff.
    """
    if internal:
        Dossier.objects.filter(pk=dossier.pk).update(last_message_at=at)
    else:
        Dossier.objects.filter(pk=dossier.pk).update(last_message_at=at, last_activity_at=at)
        dossier.last_activity_at = at
    dossier.last_message_at = at
    overview_cache.touch_customer(dossier.customer_id)


def mark_dossier_seen(*, user: User, dossier: Dossier, read: bool | None = None) -> None:
    """Record that ``user`` has read the dossier's messages up to now (upsert, one row per user).

    Only when there is something unread: a read mark already past the last message would
    change nothing the user sees, and leaving it alone keeps their cached overview pages
    (dossiers.overview_cache) valid. ``read``: whether it is, when the caller read it with
    the dossier (``DossierQuerySet.with_read_state``); looked up otherwise.
    """
    if dossier.last_message_at is None:
        return
    if read is None:
        read = DossierSeen.objects.filter(user=user, dossier=dossier, seen_at__gte=dossier.last_message_at).exists()
    if read:
        return
    # One INSERT … ON CONFLICT DO UPDATE: two tabs opened at once cannot collide on the
    # unique (user, dossier) constraint the way get-then-create would.
    DossierSeen.objects.bulk_create(
        [DossierSeen(user=user, dossier=dossier, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "dossier"],
        update_fields=["seen_at"],
    )
    overview_cache.touch_user(user.pk)


def note_warranty_numbers(*, dossier: Dossier, numbers: list[str]) -> None:
    """Make the dossier findable by its warranty numbers (called where warranty items are written)."""
    text = " ".join(sorted({n.strip() for n in numbers if n.strip()}))
    Dossier.objects.filter(pk=dossier.pk).update(warranty_numbers=text)
    dossier.warranty_numbers = text
    overview_cache.touch_customer(dossier.customer_id)


def set_favourite(*, user: User, dossier: Dossier, starred: bool) -> None:
    """Star or unstar; setting the same state twice is harmless (a double click does nothing more)."""
    if starred:
        Favourite.objects.bulk_create([Favourite(user=user, dossier=dossier)], ignore_conflicts=True)
    else:
        Favourite.objects.filter(user=user, dossier=dossier).delete()
    overview_cache.touch_user(user.pk)
