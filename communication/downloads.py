"""Serving an attachment: always as a download, never rendered by the browser.

Whatever the file claims to be (an HTML page, an SVG with a script), the response says
``application/octet-stream`` + ``Content-Disposition: attachment`` + ``nosniff``, and a
sandboxing CSP in case a browser renders it anyway. With S3, the user is redirected to
a short-lived signed URL that makes S3 answer with the same headers.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .models import Attachment

SAFE_CONTENT_TYPE = "application/octet-stream"
MAX_SIGNED_URL_SECONDS = 300


def _is_s3(storage: object) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


def attachment_response(attachment: Attachment) -> HttpResponseBase:
    disposition = content_disposition_header(as_attachment=True, filename=attachment.original_name)
    storage = attachment.file.storage
    if _is_s3(storage):
        url = storage.url(  # type: ignore[call-arg]
            attachment.file.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": SAFE_CONTENT_TYPE},
            expire=min(int(getattr(storage, "querystring_expire", 60)), MAX_SIGNED_URL_SECONDS),
        )
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "no-store"
        return redirect
    response = FileResponse(attachment.file.open("rb"), content_type=SAFE_CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
