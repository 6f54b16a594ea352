"""Middleware of the portal's operations: health probes, request ids, hardening headers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from . import request_id, views

logger = logging.getLogger("ops.request")

Handler = Callable[[HttpRequest], HttpResponseBase]

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/healthz/": views.healthz,
    "/readyz": views.readyz,
    "/readyz/": views.readyz,
}


class ProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before anything else runs. First in MIDDLEWARE.

    A load balancer probes each node by its own address, over plain HTTP, without a
    session: the host check (``ALLOWED_HOSTS``), the HTTPS redirect, sessions and the
    language would turn its probe into a 400 or a 301, or make a liveness probe touch
    the database. The URLs (``ops.urls``) exist too, for ``reverse()`` and the tests.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """The request's id (:mod:`ops.request_id`) for its log lines and tasks; one log line per request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request_id.from_header(request.META.get(request_id.META_KEY))
        token = request_id.set_current(value)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[request_id.HEADER] = value
            user = getattr(request, "user", None)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id.reset(token)


class HardeningMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: private, no-store`` on
    every response to a logged-in user, so that no shared cache, nor the browser's back
    button after logging out, keeps a page with a customer's data."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        policy: dict[str, str] = settings.PERMISSIONS_POLICY
        self.permissions_policy = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response
