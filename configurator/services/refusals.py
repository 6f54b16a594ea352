"""Why a Configurateur write was refused: a code for the code, a message for the dealer.

The messages are rendered in the active language when the refusal is raised (a service
runs inside the dealer's request); views show them as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dossiers.models import Dossier, Status

from ..evaluation import Evaluated
from ..refused import ConfiguratorRefused

__all__ = ["ORDERED_STATUSES", "ConfiguratorRefused", "InputRefused", "LineConflict"]

# Statuses past « Commandé »: the order exists.
ORDERED_STATUSES = frozenset({Status.ORDERED, Status.IN_PRODUCTION, Status.DELIVERED, Status.COMPLETED})


class InputRefused(ConfiguratorRefused):
    """Values the portal cannot read: shown on their fields, nothing stored."""

    def __init__(self, evaluated: Evaluated) -> None:
        super().__init__(
            "input",
            _("Rien n'a été enregistré : corrigez les valeurs signalées."),
        )
        self.evaluated = evaluated


class LineConflict(ConfiguratorRefused):
    """The line changed since the form was opened (another tab, a colleague)."""

    def __init__(self, current_revision: int) -> None:
        super().__init__(
            "conflict",
            _(
                "Cette ligne a été modifiée entre-temps, dans un autre onglet ou par un collègue. "
                "Vos saisies sont conservées ci-dessous mais n'ont pas été enregistrées : vérifiez-les "
                "puis enregistrez à nouveau pour remplacer l'autre version."
            ),
        )
        self.current_revision = current_revision


def not_editable(dossier: Dossier) -> ConfiguratorRefused | None:
    """Why the configuration of ``dossier`` (as locked) cannot be changed, or None."""
    status = dossier.status
    if status == Status.ACTIVE:
        return None
    if status == Status.QUOTE:
        return ConfiguratorRefused(
            "quote",
            _("Ce dossier est au statut « Offre » : revenez au statut Actif pour modifier sa configuration."),
        )
    if status in ORDERED_STATUSES:
        return ConfiguratorRefused(
            "ordered",
            _("Ce dossier est commandé (numéro de commande %(number)s) : sa configuration ne peut plus être modifiée.")
            % {"number": dossier.order_number or "–"},
        )
    if status == Status.CANCELLED:
        return ConfiguratorRefused(
            "cancelled", _("Ce dossier est annulé : sa configuration ne peut plus être modifiée.")
        )
    return ConfiguratorRefused(
        "status",
        _("La configuration d'un dossier au statut « %(status)s » ne peut pas être modifiée ici.")
        % {"status": Status(status).label},
    )


def not_orderable(dossier: Dossier) -> ConfiguratorRefused | None:
    """Why « Passer la commande » is not possible for ``dossier`` (as locked), or None."""
    status = dossier.status
    if status in (Status.ACTIVE, Status.QUOTE):
        return None
    if status in ORDERED_STATUSES:
        return ConfiguratorRefused(
            "already_ordered",
            _("Ce dossier est déjà commandé (numéro de commande %(number)s).")
            % {"number": dossier.order_number or "–"},
        )
    if status == Status.CANCELLED:
        return ConfiguratorRefused("cancelled", _("Ce dossier est annulé : il ne peut plus être commandé."))
    return ConfiguratorRefused(
        "status",
        _("Un dossier au statut « %(status)s » ne peut pas être commandé ici.") % {"status": Status(status).label},
    )


def not_service_editable(dossier: Dossier) -> ConfiguratorRefused | None:
    """Why no part can be added to (or taken off) the service order of ``dossier`` (as locked,
    with its product), or None: after a « Demande de service », or in an Actif « Service » dossier."""
    if dossier.status == Status.SERVICE_REQUESTED:
        return None
    if dossier.product.is_service:
        return not_editable(dossier)
    if dossier.status == Status.COMPLETED:
        return ConfiguratorRefused(
            "service_request",
            _(
                "Pour une commande de service sur ce dossier, ajoutez d'abord une « Demande de service » "
                "dans l'onglet « Communication »."
            ),
        )
    return ConfiguratorRefused(
        "service_status",
        _(
            "Une commande de service n'est possible qu'après une « Demande de service », sur un dossier au "
            "statut « Terminé »."
        ),
    )
