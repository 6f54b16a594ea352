"""What the Communication tab leaves for staff, in « À traiter » (see :mod:`workqueue`):
remarks waiting for an answer, open complaints by age, new service requests.

One aggregate query per provider, whatever the number of rows; every count goes through
``visible_to`` (no Interne message is ever counted) and each line links to the admin
list filtered on exactly what it counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dossiers.models import in_care_of
from workqueue import Line
from workqueue import register as add

from .admin_filters import AGES, age_filter
from .models import OPEN_STATES, Complaint, ComplaintState, Message, MessageType

MINE = {"mine": "yes"}


def _link(changelist: str, params: dict[str, str]) -> str:
    return f"{reverse(changelist)}?{urlencode(params)}"


def _oldest(at: datetime | None) -> str:
    if at is None:
        return ""
    return _("la plus ancienne : %(date)s") % {"date": date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")}


def remarks_waiting(request: Any) -> list[Line]:
    """Dealers' remarks no staff member has answered, the oldest first in the list."""
    mine = in_care_of(request.user, "dossier__")
    row = (
        Message.objects.visible_to(request.user)
        .waiting_for_answer()
        .aggregate(
            everyone=Count("pk"),
            oldest=Min("created_at"),
            mine=Count("pk", filter=mine),
            mine_oldest=Min("created_at", filter=mine),
        )
    )
    label = _("Remarques en attente d'une réponse")
    params = {"waiting": "yes"}
    changelist = "admin:communication_message_changelist"
    return [
        Line(label, row["mine"], _link(changelist, {**params, **MINE}), mine=True, note=_oldest(row["mine_oldest"])),
        Line(label, row["everyone"], _link(changelist, params), mine=False, note=_oldest(row["oldest"])),
    ]


def complaints(request: Any) -> list[Line]:
    """Open complaints (Plainte) by age, and new service requests."""
    now = timezone.now()
    mine = in_care_of(request.user, "dossier__")
    open_complaint = Q(message__type=MessageType.COMPLAINT, state__in=OPEN_STATES)
    new_service_request = Q(message__type=MessageType.SERVICE_REQUEST, state=ComplaintState.NEW)
    counts: dict[str, Any] = {}
    for key, *_rest in AGES:
        condition = open_complaint & age_filter(key, now)
        counts[f"everyone_{key}"] = Count("pk", filter=condition)
        counts[f"mine_{key}"] = Count("pk", filter=condition & mine)
    counts["everyone_service"] = Count("pk", filter=new_service_request)
    counts["mine_service"] = Count("pk", filter=new_service_request & mine)
    row = Complaint.objects.visible_to(request.user).aggregate(**counts)

    changelist = "admin:communication_complaint_changelist"
    labels = {
        "week": _("Plaintes ouvertes depuis moins de 7 jours"),
        "month": _("Plaintes ouvertes depuis 7 à 30 jours"),
        "older": _("Plaintes ouvertes depuis plus de 30 jours"),
    }
    service_label = _("Nouvelles demandes de service")
    service_params = {"type": MessageType.SERVICE_REQUEST.value, "state__exact": ComplaintState.NEW.value}
    lines = []
    for scope, extra in (("mine", MINE), ("everyone", {})):
        for key, *_rest in AGES:
            params = {"type": MessageType.COMPLAINT.value, "open": "yes", "age": key, **extra}
            lines.append(Line(labels[key], row[f"{scope}_{key}"], _link(changelist, params), mine=scope == "mine"))
        lines.append(
            Line(
                service_label, row[f"{scope}_service"], _link(changelist, {**service_params, **extra}), scope == "mine"
            )
        )
    return lines


def register() -> None:
    add(
        "communication.remarks",
        remarks_waiting,
        permissions=("communication.view_message", "communication.change_message"),
        order=10,
    )
    add(
        "communication.complaints",
        complaints,
        permissions=("communication.view_complaint", "communication.change_complaint"),
        order=20,
    )
