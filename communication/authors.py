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


def author_label(first_name: str | None, last_name: str | None, email: str | None, is_staff: bool | None) -> str:
    """:func:`author_name` (without ``dossier``) from the columns of a ``values()`` row: no
    author (``email`` None) is the manufacturer. The same rule as ``User.display_name``."""
    if email is None:
        return str(settings.MANUFACTURER_NAME)
    display = f"{first_name} {last_name}".strip() or email
    return f"{display} ({settings.MANUFACTURER_NAME})" if is_staff else display
