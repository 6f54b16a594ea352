"""Template helpers for dossier pages: pure functions of the dossier, no queries."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Dossier, Status
from ..workflow import ACTION_LABELS, Action, dealer_buttons

register = template.Library()


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    style: str


@register.filter
def workflow_buttons(dossier: Dossier) -> list[Button]:
    """The dealer's workflow buttons for the dossier's current status (the service decides anyway)."""
    return [
        Button(
            t.action.value,
            str(ACTION_LABELS[t.action]),
            "btn-outline-danger" if t.action == Action.CANCEL else "btn-outline-primary",
        )
        for t in dealer_buttons(dossier.status)
    ]


_BADGE_STYLE = {
    Status.CANCELLED: "text-bg-secondary",
    Status.COMPLETED: "text-bg-success",
    Status.SERVICE_REQUESTED: "text-bg-warning",
    Status.ACTIVE: "text-bg-primary",
}


@register.filter
def status_badge(dossier: Dossier) -> SafeString:
    """The status pill. A filter, not an include."""
    return status_pill(dossier.status)


def status_pill(value: str) -> SafeString:
    """The pill of a status value (the overview calls it once per status shown on its page)."""
    status = Status(value)
    return format_html(
        '<span class="badge rounded-pill status-{} {}">{}</span>',
        status.value,
        _BADGE_STYLE.get(status, "text-bg-info"),
        str(status.label),
    )
