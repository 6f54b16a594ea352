"""The status transitions: one named service per move of PRODUCT.md §3.

Each service locks the dossier row (``select_for_update``), checks the move against
:mod:`dossiers.workflow` for the acting user's role and the status *as locked*, changes
the status and writes one history event, all in one transaction. Two requests racing on
the same dossier are serialised by the lock: the second one sees the first one's result
and is refused (or told the dossier is already there), so both can never succeed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import workflow
from ..models import Dossier, EventKind, Status
from ..signals import status_changed
from ..workflow import Action, Role
from .core import next_number, record_event


class TransitionRefused(Exception):
    """An illegal or stale move; ``str(exc)`` is the message for the user, in their language."""

    def __init__(self, message: str, *, already: bool = False) -> None:
        super().__init__(message)
        self.already = already  # the dossier is already where the user wanted it


def _action_label(action: Action) -> str:
    return str(workflow.ACTION_LABELS[action])


def _label(status: str) -> str:
    return str(Status(status).label)


def _transition(
    *,
    dossier: Dossier,
    user: User,
    action: Action,
    target: Status | None = None,
    expected: str | None = None,
) -> tuple[Dossier, str]:
    """Lock, check and apply ``action``; returns the locked dossier and its previous status."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    role = workflow.role_of(is_staff=user.is_staff)
    if role is Role.DEALER and locked.customer_id != user.customer_id:
        # Views already scope by customer; a service called with a foreign dossier is a bug.
        raise TransitionRefused(_("Ce dossier n'existe pas."))
    if role not in workflow.action_roles(action):
        if role is Role.DEALER:
            raise TransitionRefused(
                _("L'action « %(action)s » est réservée aux collaborateurs de %(manufacturer)s.")
                % {"action": _action_label(action), "manufacturer": settings.MANUFACTURER_NAME}
            )
        raise TransitionRefused(
            _("L'action « %(action)s » est réservée au revendeur.") % {"action": _action_label(action)}
        )
    wanted = {target} if target is not None else workflow.targets_of(action)
    if locked.status in wanted and (expected is None or expected != locked.status):
        # A double click, or a colleague was quicker: nothing to do, and no second event.
        raise TransitionRefused(
            _("Le dossier est déjà au statut « %(status)s ».") % {"status": _label(locked.status)}, already=True
        )
    if expected is not None and expected != locked.status:
        raise TransitionRefused(
            _("Le statut du dossier a changé entre-temps ; il est maintenant « %(status)s ». Vérifiez puis réessayez.")
            % {"status": _label(locked.status)}
        )
    move = workflow.find_transition(action, locked.status, target)
    if move is None:
        raise TransitionRefused(
            _("L'action « %(action)s » n'est pas possible pour un dossier au statut « %(status)s ».")
            % {"action": _action_label(action), "status": _label(locked.status)}
        )
    if role not in move.roles:
        if role is Role.DEALER:
            raise TransitionRefused(
                _(
                    "Un dossier au statut « %(status)s » ne peut être modifié ainsi que par votre personne "
                    "de contact chez %(manufacturer)s."
                )
                % {"status": _label(locked.status), "manufacturer": settings.MANUFACTURER_NAME}
            )
        raise TransitionRefused(
            _("L'action « %(action)s » sur un dossier au statut « %(status)s » est réservée au revendeur.")
            % {"action": _action_label(action), "status": _label(locked.status)}
        )
    previous = locked.status
    locked.status = move.target
    locked.save(update_fields=["status", "updated_at"])
    return locked, previous


def _status_event(*, dossier: Dossier, user: User, previous: str, action: Action) -> None:
    record_event(
        dossier=dossier,
        kind=EventKind.STATUS_CHANGED,
        actor=user,
        data={"from": previous, "to": dossier.status, "action": action.value},
    )
    status_changed.send(sender=Dossier, dossier=dossier, user=user, previous=previous, action=action.value)


@transaction.atomic
def request_quote(*, dossier: Dossier, user: User, expected: str | None = None) -> Dossier:
    """Actif → Offre (dealer)."""
    locked, previous = _transition(dossier=dossier, user=user, action=Action.REQUEST_QUOTE, expected=expected)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.REQUEST_QUOTE)
    return locked


@transaction.atomic
def reopen_dossier(*, dossier: Dossier, user: User, expected: str | None = None) -> Dossier:
    """Offre → Actif, « Retour au statut Actif » so the dealer can edit the quote (dealer)."""
    locked, previous = _transition(dossier=dossier, user=user, action=Action.REOPEN, expected=expected)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.REOPEN)
    return locked


@transaction.atomic
def mark_ordered(*, dossier: Dossier, user: User, expected: str | None = None) -> Dossier:
    """Actif, Offre or Demande de service → Commandé (dealer), giving the dossier its order number.

    The status half of « Passer la commande »: the configurator's order service calls it
    in its own transaction, after writing the order lines. A service order after a
    « Demande de service » keeps the original order number, as the FAQ describes.
    """
    locked, previous = _transition(dossier=dossier, user=user, action=Action.ORDER, expected=expected)
    if not locked.order_number:
        locked.order_number = _new_order_number(locked.created_at.year)
        locked.save(update_fields=["order_number", "updated_at"])
    _status_event(dossier=locked, user=user, previous=previous, action=Action.ORDER)
    record_event(dossier=locked, kind=EventKind.ORDER_PLACED, actor=user, data={"order_number": locked.order_number})
    return locked


def _new_order_number(year: int) -> str:
    return f"C{year}{next_number(f'order-{year}'):06d}"


@transaction.atomic
def mark_service_ordered(
    *, dossier: Dossier, user: User, original: Dossier, reference: str = "", expected: str | None = None
) -> Dossier:
    """The status half of a service order's « Passer la commande » (dealer): Demande de service →
    Commandé on the ``original`` dossier itself, or Actif → Commandé on a « Service » dossier.

    « Votre référence » as the FAQ says: filled in, the service order gets that reference and
    an order number of its own; left empty, it is recorded under the original order's number
    and reference. The original dossier keeps its own number and reference and names the
    service order beside them; a « Service » dossier takes the service order's and names the
    original beside them (``linked_order_number``, ``linked_reference``).
    """
    if not original.order_number:
        raise ValueError("A service order is for an order that was placed.")
    locked, previous = _transition(dossier=dossier, user=user, action=Action.ORDER, expected=expected)
    reference = reference.strip()
    number = _new_order_number(timezone.localdate().year) if reference else original.order_number
    recorded = reference or original.reference
    if locked.pk == original.pk:
        locked.linked_order_number, locked.linked_reference = number, recorded
        fields = ["linked_order_number", "linked_reference", "updated_at"]
    else:
        locked.order_number, locked.reference = number, recorded
        locked.linked_order_number, locked.linked_reference = original.order_number, original.reference
        fields = ["order_number", "reference", "linked_order_number", "linked_reference", "updated_at"]
    locked.save(update_fields=fields)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.ORDER)
    record_event(
        dossier=locked,
        kind=EventKind.ORDER_PLACED,
        actor=user,
        data={"order_number": number, "reference": recorded, "service": True, "original": original.order_number},
    )
    return locked


@transaction.atomic
def advance_status(*, dossier: Dossier, user: User, to: Status, expected: str | None = None) -> Dossier:
    """Commandé → En production → Livré → Terminé (staff), one step at a time.

    The caller names the step (``to``) rather than "next": a repeated request then
    says "already there" instead of skipping a status.
    """
    locked, previous = _transition(dossier=dossier, user=user, action=Action.ADVANCE, target=to, expected=expected)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.ADVANCE)
    return locked


@transaction.atomic
def request_service(*, dossier: Dossier, user: User, expected: str | None = None) -> Dossier:
    """Terminé → Demande de service (dealer); the message posting it is the communication app's."""
    locked, previous = _transition(dossier=dossier, user=user, action=Action.REQUEST_SERVICE, expected=expected)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.REQUEST_SERVICE)
    return locked


@transaction.atomic
def cancel_dossier(*, dossier: Dossier, user: User, expected: str | None = None) -> Dossier:
    """Actif/Offre → Annulé (dealer or staff); Commandé → Annulé (staff only)."""
    locked, previous = _transition(dossier=dossier, user=user, action=Action.CANCEL, expected=expected)
    _status_event(dossier=locked, user=user, previous=previous, action=Action.CANCEL)
    return locked
