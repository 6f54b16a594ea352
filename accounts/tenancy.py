"""Tenant isolation, fail closed.

The customer always comes from the logged-in user: never from a URL, a form or the
session. Every dealer view is wrapped in :func:`dealer_required`, which puts the user's
customer on ``request.customer``; every customer-owned lookup goes through
:func:`get_owned_or_404`, which scopes a queryset with its ``for_customer`` method, so an
object of another customer is a plain 404, indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from .models import Customer, User


class DealerRequest(HttpRequest):
    """An ``HttpRequest`` after :func:`dealer_required` has let it through."""

    user: User
    customer: Customer


class CustomerScoped(Protocol):
    def for_customer(self, customer: Customer) -> models.QuerySet[Any]: ...


M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]


def dealer_required(view: View) -> View:
    """Anonymous → login page; staff or inactive → 404; a dealer gets ``request.customer``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_dealer or user.customer is None or not user.customer.is_active:
            raise Http404("This page is for dealer users.")
        request.customer = user.customer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapper.dealer_view = True  # type: ignore[attr-defined]  # read by the isolation test
    return wrapper


def get_owned_or_404(request: HttpRequest, queryset: CustomerScoped, **lookups: Any) -> Any:
    """The object matching ``lookups`` among the request's customer's objects, or 404."""
    customer = getattr(request, "customer", None)
    if customer is None:  # a view forgot @dealer_required: refuse rather than leak
        raise Http404
    return get_object_or_404(queryset.for_customer(customer), **lookups)
