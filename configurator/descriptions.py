"""How the events this app writes read in the Historique (registered in ``ConfiguratorConfig.ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dossiers import history
from dossiers.models import EventKind

from .display import money


def items_ordered(data: Mapping[str, Any]) -> str | None:
    if data.get("service"):
        return _service_ordered(data)
    if "items" not in data:
        return None
    items = int(data["items"])
    lines = int(data.get("lines", 0))
    text = ngettext("%(count)d article commandé", "%(count)d articles commandés", items) % {"count": items}
    text += ", " + ngettext("%(count)d ligne", "%(count)d lignes", lines) % {"count": lines}
    if data.get("net_total"):
        language = translation.get_language() or "fr"
        text += ", " + _("total net %(amount)s") % {"amount": money(str(data["net_total"]), language)}
    return text


def _service_ordered(data: Mapping[str, Any]) -> str:
    pieces = int(data.get("pieces", 0))
    lines = int(data.get("lines", 0))
    text = _("Commande de service : %(parts)s pour %(items)s") % {
        "parts": ngettext("%(count)d pièce", "%(count)d pièces", pieces) % {"count": pieces},
        "items": ngettext("%(count)d article", "%(count)d articles", lines) % {"count": lines},
    }
    if data.get("net_total"):
        language = translation.get_language() or "fr"
        text += ", " + _("total net %(amount)s") % {"amount": money(str(data["net_total"]), language)}
    return text


def lines_copied(data: Mapping[str, Any]) -> str | None:
    if "lines" not in data:
        return None
    lines = int(data["lines"])
    text = ngettext(
        "%(count)d ligne recalculée au catalogue actuel",
        "%(count)d lignes recalculées au catalogue actuel",
        lines,
    ) % {"count": lines}
    errors = int(data.get("with_errors", 0))
    if errors:
        text += ", " + ngettext("dont %(count)d avec erreur", "dont %(count)d avec erreurs", errors) % {"count": errors}
    return text


def register() -> None:
    history.register_describer(EventKind.ITEMS_ORDERED, items_ordered)
    history.register_describer(EventKind.LINES_COPIED, lines_copied)
