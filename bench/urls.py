"""The portal's URLs plus the floor: the cheapest page a logged-in dealer can get."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    # Session and user lookups, middleware, no template: what every page pays at least.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("ereps.urls")),
]
