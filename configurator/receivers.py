"""What the Configurateur does when a lower app reports something (connected in ``ready()``)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from communication.models import Message
from dossiers.models import Dossier

from . import services


def copy_lines_of_copied_dossier(*, source: Dossier, copy: Dossier, user: User, **kwargs: Any) -> None:
    """« Copier le dossier »: the copy gets the configuration, inside the copy's transaction."""
    services.copy_lines(source=source, copy=copy, user=user)


def open_service_order(*, dossier: Dossier, message: Message, user: User, **kwargs: Any) -> None:
    """« Demande de service » posted (communication.signals.service_requested, after commit): the
    Configurateur of the dossier opens its service order (FAQ: « l'onglet Configurateur est
    libéré à nouveau »). Idempotent, in a transaction of its own."""
    services.open_service_order(dossier=dossier, user=user, request=message)
