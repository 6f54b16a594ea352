"""Tenant isolation, fail closed.

The customer always comes from the logged-in user: never from a URL, a form or the
session. Every dealer view is wrapped in :func:`dealer_required`, which puts the user's
customer on ``request.customer`` and hands the view a :class:`DealerRequest`. Reads are
scoped one way, by what the user may see (:func:`visible_filter`): a dealer gets its own
customer's rows, staff what their rule allows, anybody else nothing. A view looks an
object up with :func:`get_owned_or_404`, so an object of another customer is a plain
404, indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from .models import Customer, User


class DealerRequest(HttpRequest):
    """An ``HttpRequest`` after :func:`dealer_required` has let it through: a dealer and its customer."""

    user: User
    customer: Customer


M = TypeVar("M", bound=models.Model)
M_co = TypeVar("M_co", bound=models.Model, covariant=True)
QS = TypeVar("QS", bound=models.QuerySet[Any])
P = ParamSpec("P")


class CustomerScoped(Protocol[M_co]):
    def for_customer(self, customer: Customer) -> models.QuerySet[M_co]: ...


def dealer_required(
    view: Callable[Concatenate[DealerRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous → login page; staff or inactive → 404; a dealer gets ``request.customer``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_dealer or user.customer is None or not user.customer.is_active:
            raise Http404("This page is for dealer users.")
        dealer_request = cast(DealerRequest, request)
        dealer_request.customer = user.customer
        return view(dealer_request, *args, **kwargs)

    wrapper.dealer_view = True  # type: ignore[attr-defined]  # read by the isolation test
    return wrapper


def get_owned_or_404(request: DealerRequest, queryset: CustomerScoped[M], **lookups: Any) -> M:
    """The object matching ``lookups`` among the request's customer's objects, or 404."""
    customer = getattr(request, "customer", None)
    if customer is None:  # a view forgot @dealer_required: refuse rather than leak
        raise Http404
    return get_object_or_404(queryset.for_customer(customer), **lookups)


def visible_filter(user: Any, *, customer: str, staff: Q) -> Q | None:
    """What ``user`` may read of a customer-owned table, as a filter; ``None``: nothing at all.

    ``customer`` is the path to the owning customer's id, ``staff`` what the manufacturer's
    staff (superusers included) may read of the table. A dealer reads its own customer's
    rows; anonymous, inactive or other users read nothing.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_staff", False):
        return staff
    customer_id = getattr(user, "customer_id", None)
    if customer_id is None:
        return None
    return Q(**{customer: customer_id})


def visible(queryset: QS, user: Any, *, customer: str, staff: Q) -> QS:
    """``queryset`` narrowed by :func:`visible_filter` (empty when ``user`` may read nothing)."""
    condition = visible_filter(user, customer=customer, staff=staff)
    return queryset.none() if condition is None else queryset.filter(condition)
