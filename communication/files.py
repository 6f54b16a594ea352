"""File names of uploaded attachments: what we keep, what we show, where we store."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

MAX_NAME_LENGTH = 150
# Unicode categories that never belong in a file name: control characters (CR, LF, NUL…),
# format characters (the bidi overrides such as U+202E that make "exe.pdf" look like
# "fdp.exe", zero-width joiners), surrogates, private use and unassigned code points.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def sanitise_filename(name: str, *, default: str = "fichier") -> str:
    """A display-safe file name: no path, no control or bidi characters, extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _FORBIDDEN_CATEGORIES)
    # Browsers send "C:\\Users\\x\\plan.pdf" or "../../etc/passwd": keep the last part.
    name = re.split(r"[\\/]", name)[-1]
    name = " ".join(name.split())  # collapse every kind of whitespace
    name = name.strip(" .")  # no hidden files, no "..", no trailing dots (Windows)
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    elif not stem:  # ".bashrc" after stripping cannot happen, but "x." can
        stem, ext = ext, ""
    ext = ext[:20]
    room = MAX_NAME_LENGTH - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or default
    return f"{stem}.{ext}" if ext else stem


def storage_filename(name: str) -> str:
    """An ASCII, storage-portable form of a sanitised name (S3 keys, local files)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    try:
        safe = get_valid_filename(ascii_name.replace(" ", "_"))
    except SuspiciousFileOperation:
        safe = ""
    return safe[-100:].lstrip(".") or "fichier"


def attachment_upload_to(instance: Any, filename: str) -> str:
    """``dossiers/<dossier id>/<random>/<name>``: per dossier, never guessable, never clashing."""
    dossier_id = instance.message.dossier_id
    return f"dossiers/{dossier_id}/{uuid.uuid4().hex}/{storage_filename(sanitise_filename(filename))}"
