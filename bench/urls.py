"""The portal's URLs plus the floor: the cheapest dossier page a logged-in dealer can get."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from dossiers.models import Dossier


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """A bare Django page: the session and user lookups, the middleware, and a 25-row table
    of the dealer's latest dossiers from one indexed query (``dossier_cust_activity``),
    printed by a template without includes, tags or model methods. What any page that
    lists something pays at least."""
    customer: int = getattr(request.user, "customer_id", 0)
    dossiers = Dossier.objects.filter(customer_id=customer).order_by("-last_activity_at", "-id")[:25]
    rows = dossiers.values("number", "reference", "status", "last_activity_at")
    return render(request, "bench/floor.html", {"dossiers": rows})


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("ereps.urls")),
]
