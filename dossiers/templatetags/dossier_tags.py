"""Template helpers for dossier pages: pure functions of the dossier, no queries."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

from ..models import Dossier
from ..workflow import Action, dealer_buttons

register = template.Library()


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    style: str


@register.filter
def workflow_buttons(dossier: Dossier) -> list[Button]:
    """The dealer's workflow buttons for the dossier's current status (the service decides anyway)."""
    labels = {
        Action.REQUEST_QUOTE: (_("Demander une offre"), "btn-outline-primary"),
        Action.REOPEN: (_("Retour au statut Actif"), "btn-outline-primary"),
        Action.CANCEL: (_("Annuler le dossier"), "btn-outline-danger"),
    }
    return [Button(t.action.value, *labels[t.action]) for t in dealer_buttons(dossier.status)]
