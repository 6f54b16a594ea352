"""How the author of a message is named, in the thread and in the mails about it."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from dossiers.models import Dossier


def author_name(author: User | None, *, dossier: Dossier | None = None) -> str:
    """The manufacturer for the system, a staff member with the manufacturer's name, a dealer by name.

    With ``dossier`` (mails, which leave the portal) a dealer's company follows their name;
    in the thread every dealer is a colleague of the reader, so it does not.
    """
    if author is None:
        return str(settings.MANUFACTURER_NAME)
    if author.is_staff:
        return f"{author.display_name} ({settings.MANUFACTURER_NAME})"
    if dossier is not None:
        return f"{author.display_name} ({dossier.customer.name})"
    return author.display_name
