from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.redirects import safe_next_url
from accounts.tenancy import DealerRequest, dealer_required, get_owned_or_404
from catalogue.models import ProductGroup

from . import overview_cache, services
from .access import get_dossier_or_404
from .forms import FavouriteForm, NewDossierForm, OverviewForm, TransitionForm
from .models import Dossier, HistoryEvent
from .overview import overview_catalogue, overview_rows, render_rows, sort_links
from .overview_sql import overview_page
from .paging import page_number
from .workflow import Action

HISTORY_PAGE_SIZE = 50

# The dealer's workflow buttons. Only these reach a service from this view; ordering and
# service requests go through the Configurateur and Communication, with their own data.
TRANSITION_SERVICES: dict[str, Callable[..., Dossier]] = {
    Action.REQUEST_QUOTE: services.request_quote,
    Action.REOPEN: services.reopen_dossier,
    Action.CANCEL: services.cancel_dossier,
}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("dossiers:dossier-list")


def _page(items: QuerySet[Any], raw_number: str | None, per_page: int) -> Page:
    """A page of ``items``; a missing, negative or non-numeric number is page 1, too high the last."""
    return Paginator(items, per_page).get_page(page_number(raw_number))


@require_GET
@dealer_required
def dossier_list(request: DealerRequest) -> HttpResponse:
    return overview_cache.cached_page(
        request, lambda csrf_token, catalogue_stamp: _render_dossier_list(request, csrf_token, catalogue_stamp)
    )


def _render_dossier_list(request: DealerRequest, csrf_token: str | None, catalogue_stamp: str | None) -> HttpResponse:
    # The filter's groups, the products a search names and the rows' products: one query,
    # or none while the catalogue has not changed since this process last read it.
    catalogue = overview_catalogue(catalogue_stamp)
    form = OverviewForm(request.GET or None, groups=[pk for pk, _names in catalogue.groups])
    filters = form.filters()
    # The page and its count in one statement (overview_sql: the ORM cost more than the query).
    page = overview_page(
        customer_id=request.customer.pk,
        user_id=request.user.pk,
        filters=filters,
        products=catalogue.products_named(filters.q) if filters.q else [],
        number=page_number(request.GET.get("page")),
        per_page=settings.PAGE_SIZE,
    )
    query_string = form.query_string()
    if any(value.product_id not in catalogue.products for value in page.object_list):
        catalogue = overview_catalogue(catalogue_stamp, reread=True)  # a product newer than the catalogue read
    rows = overview_rows(page.object_list, catalogue)
    context = {
        "page": page,
        "rows": rows,
        "rows_html": render_rows(rows),
        "form": form,
        "filters": filters,
        "status_options": [
            (value, label, value == filters.status)
            for value, label in form.fields["status"].choices  # type: ignore[attr-defined]
        ],
        "group_options": [(pk, name, pk == filters.group) for pk, name in catalogue.group_choices()],
        "date_fields": [
            {
                "name": name,
                "label": form.fields[name].label,
                # What BoundField.value() gives a date input: the text as typed, invalid or not.
                "value": (form.data.get(name) or "") if form.is_bound else "",
                "invalid": name in form.errors,
            }
            for name in ("created_from", "created_to", "activity_from", "activity_to")
        ],
        "query_string": query_string,
        "sort_links": sort_links(filters.sort, form.query_string(without=("sort", "page"))),
        "filtered": bool(form.query_string(without=("sort",))),
    }
    if csrf_token is not None:  # printed by {% csrf_token %} instead of the request's own
        context["csrf_token"] = csrf_token
    return render(request, "dossiers/dossier_list.html", context)


@require_GET
@dealer_required
def dossier_create_group(request: DealerRequest) -> HttpResponse:
    groups = ProductGroup.objects.active()
    return render(request, "dossiers/dossier_create_group.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@dealer_required
def dossier_create(request: DealerRequest, group: int) -> HttpResponse:
    product_group = get_object_or_404(ProductGroup.objects.active(), pk=group)
    form = NewDossierForm(request.POST or None, group=product_group)
    if request.method == "POST" and form.is_valid():
        dossier = services.create_dossier(
            customer=request.customer,
            user=request.user,
            product=form.cleaned_data["product"],
            reference=form.cleaned_data["reference"],
        )
        messages.success(request, _("Le dossier %(number)s a été créé.") % {"number": dossier.number})
        return redirect("dossiers:dossier-detail", pk=dossier.pk)
    return render(request, "dossiers/dossier_create.html", {"form": form, "group": product_group})


def _tab(request: DealerRequest, pk: int, template: str, tab: str) -> HttpResponse:
    return render(request, template, {"dossier": get_dossier_or_404(request, pk), "tab": tab})


@require_GET
@dealer_required
def dossier_detail(request: DealerRequest, pk: int) -> HttpResponse:
    return _tab(request, pk, "dossiers/dossier_detail.html", "information")


@require_GET
@dealer_required
def dossier_history(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_or_404(request, pk, columns=False)
    events = HistoryEvent.objects.filter(dossier=dossier).visible_to(request.user).select_related("actor")
    page = _page(events, request.GET.get("page"), HISTORY_PAGE_SIZE)
    return render(request, "dossiers/dossier_history.html", {"dossier": dossier, "tab": "history", "page": page})


def _post_only(request: HttpRequest) -> HttpResponse | None:
    """405 unless POST. Called *after* the ownership lookup, so another customer's dossier
    is a 404 whatever the method, like every other dossier URL."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@dealer_required
def dossier_transition(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_or_404(request, pk, columns=False)  # the service reloads it, locked
    if refused := _post_only(request):
        return refused
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cette action n'est pas disponible pour ce dossier."))
        return redirect("dossiers:dossier-detail", pk=dossier.pk)
    service = TRANSITION_SERVICES[form.cleaned_data["action"]]
    try:
        dossier = service(dossier=dossier, user=request.user, expected=form.cleaned_data["expected"])
    except services.TransitionRefused as refusal:
        (messages.info if refusal.already else messages.error)(request, str(refusal))
    else:
        messages.success(
            request,
            _("Le dossier %(number)s est maintenant au statut « %(status)s ».")
            % {"number": dossier.number, "status": dossier.get_status_display()},
        )
    return redirect("dossiers:dossier-detail", pk=dossier.pk)


@dealer_required
def dossier_copy(request: DealerRequest, pk: int) -> HttpResponse:
    source = get_dossier_or_404(request, pk)
    if refused := _post_only(request):
        return refused
    try:
        copy = services.copy_dossier(dossier=source, user=request.user)
    except services.CopyLimitReached as refusal:
        messages.error(request, str(refusal))
        return redirect("dossiers:dossier-detail", pk=source.pk)
    messages.success(
        request,
        _("Le dossier %(number)s a été créé, copie du dossier %(source)s.")
        % {"number": copy.number, "source": source.number},
    )
    return redirect("dossiers:dossier-detail", pk=copy.pk)


@dealer_required
def dossier_favourite(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = get_owned_or_404(request, Dossier.objects.only("pk", "customer_id"), pk=pk)
    if refused := _post_only(request):
        return refused
    form = FavouriteForm(request.POST)
    form.is_valid()  # a BooleanField that is not required is always valid
    services.set_favourite(user=request.user, dossier=dossier, starred=form.cleaned_data["starred"])
    # Back to the overview page the star was clicked on, filters included.
    return redirect(safe_next_url(request, request.POST.get("next", ""), reverse("dossiers:dossier-list")))
