"""How the events this app writes read in the Historique (registered in ``DossiersConfig.ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from . import history
from .models import EventKind, Status


def _status_label(value: object) -> str:
    try:
        return str(Status(str(value)).label)
    except ValueError:
        return str(value or "–")


def status_changed(data: Mapping[str, Any]) -> str:
    return _("« %(old)s » → « %(new)s »") % {
        "old": _status_label(data.get("from")),
        "new": _status_label(data.get("to")),
    }


def order_placed(data: Mapping[str, Any]) -> str | None:
    if not data.get("order_number"):
        return None
    if data.get("service"):
        return _("Commande de service, numéro de commande : %(number)s (commande d'origine %(original)s)") % {
            "number": data["order_number"],
            "original": data.get("original") or "–",
        }
    return _("Numéro de commande : %(number)s") % {"number": data["order_number"]}


def copied(data: Mapping[str, Any]) -> str | None:
    if data.get("copied_from"):
        return _("Copie du dossier %(number)s") % {"number": data["copied_from"]}
    if data.get("copied_to"):
        return _("Copié vers le dossier %(number)s") % {"number": data["copied_to"]}
    return None


def contact_changed(data: Mapping[str, Any]) -> str:
    return _("« %(old)s » → « %(new)s »") % {
        "old": data.get("from_name") or "–",
        "new": data.get("to_name") or "–",
    }


def register() -> None:
    history.register_describer(EventKind.STATUS_CHANGED, status_changed)
    history.register_describer(EventKind.ORDER_PLACED, order_placed)
    history.register_describer(EventKind.COPIED, copied)
    history.register_describer(EventKind.CONTACT_CHANGED, contact_changed)
