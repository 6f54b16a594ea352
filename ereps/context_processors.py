from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    return {
        "MANUFACTURER_NAME": settings.MANUFACTURER_NAME,
        "PORTAL_NAME": settings.PORTAL_NAME,
        # Each language named in itself (« English » on a French page too): the names of
        # settings.LANGUAGES as they are, never through the catalogue the way Django's
        # {% get_available_languages %} does.
        "PORTAL_LANGUAGES": settings.LANGUAGES,
    }
