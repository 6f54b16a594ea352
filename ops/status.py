"""The staff page « État du service » is a list of panels; each app registers its own.

An app that has something for staff to watch (the mail outbox's backlog and failures,
documents waiting or failed) registers a :class:`Panel` in its ``AppConfig.ready()``.
This app, the bottom of the stack, knows none of them: it draws whichever are
registered, in ``order``, each only for staff holding its ``permission``.

A panel's ``context`` runs a fixed number of queries, whatever the data: the page has a
query budget (``tests/ops/test_status_page.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    key: str  # unique, e.g. "mailer.outbox"
    title: str | Promise
    template: str  # rendered with the context's dict
    context: Callable[[HttpRequest], dict[str, Any]]
    permission: str | None = None  # e.g. "mailer.view_outboundmail"; None: any staff member
    order: int = 100


@dataclass(frozen=True)
class DrawnPanel:
    key: str
    title: str | Promise
    html: SafeString
    alert: bool  # something needs attention (the page lists these first)


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, on a second ``ready()``) a panel."""
    _panels[panel.key] = panel


def registered() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def draw(request: HttpRequest) -> list[DrawnPanel]:
    """The panels ``request.user`` may see, rendered. A context may say ``alert: True``."""
    drawn = []
    for panel in registered():
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = panel.context(request)
        html = render_to_string(panel.template, context, request=request)
        drawn.append(DrawnPanel(panel.key, panel.title, SafeString(html), bool(context.get("alert"))))
    return drawn
