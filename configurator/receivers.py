"""What the Configurateur does when a lower app reports something (connected in ``ready()``)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from dossiers.models import Dossier

from . import services


def copy_lines_of_copied_dossier(*, source: Dossier, copy: Dossier, user: User, **kwargs: Any) -> None:
    """« Copier le dossier »: the copy gets the configuration, inside the copy's transaction."""
    services.copy_lines(source=source, copy=copy, user=user)
