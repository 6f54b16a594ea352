"""System checks for what the dossiers app needs from the deployment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.caches, deploy=True)
def overview_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Cached overview pages need one cache for all web processes (dossiers.overview_cache)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.OVERVIEW_CACHE_SECONDS and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The overview is cached per process: with several web processes a change made "
                "through one leaves stale pages in the others for OVERVIEW_CACHE_SECONDS.",
                hint="Set CACHE_URL (or REDIS_URL) to a Redis shared by all web processes, "
                "or OVERVIEW_CACHE_SECONDS=0.",
                id="dossiers.W001",
            )
        ]
    return []
