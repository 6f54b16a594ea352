"""The status workflow as data (PRODUCT.md §3): who may move a dossier from where to where.

Pure: no ORM, no request. The services in :mod:`dossiers.services.status` lock the row
and consult this table; views and the admin only ask it which buttons to offer. Hiding
a button is a courtesy, the check in the service is the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .models import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(StrEnum):
    DEALER = "dealer"
    STAFF = "staff"


class Action(StrEnum):
    REQUEST_QUOTE = "request_quote"
    REOPEN = "reopen_dossier"
    ORDER = "mark_ordered"
    ADVANCE = "advance_status"
    REQUEST_SERVICE = "request_service"
    CANCEL = "cancel_dossier"


# What each action is called on buttons and in refusal messages.
ACTION_LABELS: dict[Action, StrOrPromise] = {
    Action.REQUEST_QUOTE: _("Demander une offre"),
    Action.REOPEN: _("Retour au statut Actif"),
    Action.ORDER: _("Passer la commande"),
    Action.ADVANCE: _("Faire avancer le statut"),
    Action.REQUEST_SERVICE: _("Demande de service"),
    Action.CANCEL: _("Annuler le dossier"),
}


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status
    target: Status
    roles: frozenset[Role]


DEALER = frozenset({Role.DEALER})
STAFF = frozenset({Role.STAFF})
ANYONE = frozenset({Role.DEALER, Role.STAFF})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.REQUEST_QUOTE, Status.ACTIVE, Status.QUOTE, DEALER),
    Transition(Action.REOPEN, Status.QUOTE, Status.ACTIVE, DEALER),
    Transition(Action.ORDER, Status.ACTIVE, Status.ORDERED, DEALER),
    # A quote the dealer accepts is ordered as it stands (« Passer la commande » on an Offre).
    Transition(Action.ORDER, Status.QUOTE, Status.ORDERED, DEALER),
    # The service order placed in the Configurateur after a « Demande de service ».
    Transition(Action.ORDER, Status.SERVICE_REQUESTED, Status.ORDERED, DEALER),
    Transition(Action.ADVANCE, Status.ORDERED, Status.IN_PRODUCTION, STAFF),
    Transition(Action.ADVANCE, Status.IN_PRODUCTION, Status.DELIVERED, STAFF),
    Transition(Action.ADVANCE, Status.DELIVERED, Status.COMPLETED, STAFF),
    Transition(Action.REQUEST_SERVICE, Status.COMPLETED, Status.SERVICE_REQUESTED, DEALER),
    Transition(Action.CANCEL, Status.ACTIVE, Status.CANCELLED, ANYONE),
    Transition(Action.CANCEL, Status.QUOTE, Status.CANCELLED, ANYONE),
    # Once ordered, production may have started: only the manufacturer can call it off.
    Transition(Action.CANCEL, Status.ORDERED, Status.CANCELLED, STAFF),
)

# What a dealer can do with a button on the dossier page. Ordering happens in the
# Configurateur and the service request in Communication, each with its own data.
DEALER_BUTTONS: tuple[Action, ...] = (Action.REQUEST_QUOTE, Action.REOPEN, Action.CANCEL)

# Position of each status along the flow, for sorting the overview by status.
STATUS_ORDER: dict[str, int] = {status.value: position for position, status in enumerate(Status)}


def role_of(*, is_staff: bool) -> Role:
    return Role.STAFF if is_staff else Role.DEALER


def find_transition(action: Action, source: str, target: str | None = None) -> Transition | None:
    """The transition ``action`` allows from ``source`` (to ``target`` when several exist)."""
    for transition in TRANSITIONS:
        if transition.action == action and transition.source == source and target in (None, transition.target):
            return transition
    return None


def targets_of(action: Action) -> frozenset[Status]:
    return frozenset(t.target for t in TRANSITIONS if t.action == action)


def action_roles(action: Action) -> frozenset[Role]:
    """Every role that may perform ``action`` from at least one status."""
    roles: set[Role] = set()
    for transition in TRANSITIONS:
        if transition.action == action:
            roles |= transition.roles
    return frozenset(roles)


def available(source: str, role: Role) -> list[Transition]:
    """The transitions ``role`` may perform on a dossier in status ``source``."""
    return [t for t in TRANSITIONS if t.source == source and role in t.roles]


def dealer_buttons(source: str) -> list[Transition]:
    return [t for t in available(source, Role.DEALER) if t.action in DEALER_BUTTONS]
