"""The limits on the files of one message, checked by the service for every caller and
by the forms early (same function, so the dealer reads the same message either way)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .sizes import file_size


def check_uploads(files: Sequence[UploadedFile]) -> None:
    """How many files, none empty, none too large; the error names the files at fault."""
    max_files = settings.ATTACHMENT_MAX_FILES
    if len(files) > max_files:
        raise ValidationError(
            ngettext(
                "Au maximum %(max)d fichier par message (vous en avez choisi %(count)d).",
                "Au maximum %(max)d fichiers par message (vous en avez choisi %(count)d).",
                max_files,
            )
            % {"max": max_files, "count": len(files)},
            code="too_many_files",
        )
    if any(not upload.size for upload in files):
        raise ValidationError(_("Le fichier est vide."), code="empty_file")
    too_large = [str(upload.name) for upload in files if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES]
    if too_large:
        raise ValidationError(
            _("Fichier trop volumineux (maximum %(max)s par fichier) : %(names)s.")
            % {"max": file_size(settings.ATTACHMENT_MAX_BYTES), "names": ", ".join(too_large)},
            code="file_too_large",
        )
