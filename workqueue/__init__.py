"""« À traiter »: what waits for the manufacturer's staff, counted for the admin's index.

The bottom of the stack, below ``mailer``: each app registers, in its
``AppConfig.ready()``, a *provider* that counts what it knows (remarks waiting for an
answer, open complaints, failed mails), and the admin's index (``ereps``' ``work_queue``
template tag) shows every provider's lines. No app imports another for this, so each
stays in its layer.

A provider answers with :class:`Line` s, each a count and the link to the admin list
that shows exactly those rows. It runs a constant number of queries (one aggregate, as
a rule), so the index costs the same with ten rows or a million. It is only called for
staff who may see its list: ``permissions`` names the permissions of which one suffices
(Django's view-or-change rule for an admin list), so nobody gets a link to a list they
may not open.

Two scopes: ``mine`` lines count what concerns the staff member's own customers (the
dossiers they are the contact person of, see ``dossiers.models.in_care_of``), the others
count everybody's. The index shows the first before the second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Line:
    """One line of « À traiter »: ``count`` rows, listed at ``url``."""

    label: str
    count: int
    url: str
    mine: bool
    # A detail shown after the count (« la plus ancienne : … »), or nothing.
    note: str = ""


Provider = Callable[[Any], Sequence[Line]]


@dataclass(frozen=True)
class _Registration:
    provider: Provider
    permissions: tuple[str, ...]
    order: int


_PROVIDERS: dict[str, _Registration] = {}


def register(key: str, provider: Provider, *, permissions: Sequence[str], order: int) -> None:
    """Count with ``provider(request)`` for staff who hold one of ``permissions``.

    ``key`` names the registration (registering a key again replaces it); ``order``
    places its lines among the others'.
    """
    if not permissions:
        raise ValueError("A work queue provider names the permission its list needs.")
    _PROVIDERS[key] = _Registration(provider, tuple(permissions), order)


def lines_for(request: Any) -> list[Line]:
    """Every provider's lines that the request's user may follow, in order; nothing for non-staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return []
    lines: list[Line] = []
    for registration in sorted(_PROVIDERS.values(), key=lambda r: r.order):
        if any(user.has_perm(permission) for permission in registration.permissions):
            lines.extend(registration.provider(request))
    return lines
