"""Writes on dossiers. Views, the admin, commands and other apps call these; nothing else writes a dossier.

``core`` holds creation, copy, history, read marks and favourites; ``status`` the workflow
transitions. Import from here: the split is an internal matter.
"""

from .core import (
    CopyLimitReached,
    change_contact_person,
    copy_dossier,
    create_dossier,
    mark_dossier_seen,
    next_number,
    note_activity,
    note_message_posted,
    note_warranty_numbers,
    record_event,
    set_favourite,
)
from .status import (
    TransitionRefused,
    advance_status,
    cancel_dossier,
    mark_ordered,
    mark_service_ordered,
    reopen_dossier,
    request_quote,
    request_service,
)

__all__ = [
    "CopyLimitReached",
    "TransitionRefused",
    "advance_status",
    "cancel_dossier",
    "change_contact_person",
    "copy_dossier",
    "create_dossier",
    "mark_dossier_seen",
    "mark_ordered",
    "mark_service_ordered",
    "next_number",
    "note_activity",
    "note_message_posted",
    "note_warranty_numbers",
    "record_event",
    "reopen_dossier",
    "request_quote",
    "request_service",
    "set_favourite",
]
