"""Where to send the browser back to after a POST: the page it names, if that page is ours."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, candidate: str, default: str) -> str:
    """``candidate`` (a ``next`` parameter) when it stays on this site, else ``default``.

    Refused: other hosts (``//evil.example``), other schemes (``javascript:``) and plain
    HTTP from an HTTPS page, so a crafted link cannot turn the portal into an open redirect.
    """
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
