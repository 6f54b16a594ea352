from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    return {"MANUFACTURER_NAME": settings.MANUFACTURER_NAME, "PORTAL_NAME": settings.PORTAL_NAME}
