"""``/healthz`` (alive) and ``/readyz`` (ready to serve), outside the login.

Both are served by :class:`ops.middleware.ProbeMiddleware` ahead of the host check and
the HTTPS redirect, and never cached. ``/readyz`` answers 503 naming what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from . import health


def _never_cached(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database, no Redis."""
    return _never_cached(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, migrations, cache, broker and storage answer (503 names the failing ones)."""
    checks, workers = health.readiness()
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {check.name: check.detail for check in checks},
        # Reported, not required (see ops.health).
        "workers": {"ok": workers.ok, "detail": workers.detail},
    }
    return _never_cached(JsonResponse(body, status=503 if failing else 200))
