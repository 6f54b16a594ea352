from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.tenancy import dealer_required, get_owned_or_404
from configurator.models import ProductGroup

from . import services
from .forms import NewDossierForm
from .models import Dossier


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("dossiers:dossier-list")


@require_GET
@dealer_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    dossiers = Dossier.objects.for_customer(request.customer).with_list_columns()  # type: ignore[attr-defined]
    page = Paginator(dossiers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/dossier_list.html", {"page": page})


@require_GET
@dealer_required
def dossier_create_group(request: HttpRequest) -> HttpResponse:
    groups = ProductGroup.objects.active()
    return render(request, "dossiers/dossier_create_group.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@dealer_required
def dossier_create(request: HttpRequest, group: int) -> HttpResponse:
    product_group = get_object_or_404(ProductGroup.objects.active(), pk=group)
    form = NewDossierForm(request.POST or None, group=product_group)
    if request.method == "POST" and form.is_valid():
        dossier = services.create_dossier(
            customer=request.customer,  # type: ignore[attr-defined]
            user=request.user,  # type: ignore[arg-type]
            product=form.cleaned_data["product"],
            reference=form.cleaned_data["reference"],
        )
        messages.success(request, _("Le dossier %(number)s a été créé.") % {"number": dossier.number})
        return redirect("dossiers:dossier-detail", pk=dossier.pk)
    return render(request, "dossiers/dossier_create.html", {"form": form, "group": product_group})


def _dossier(request: HttpRequest, pk: int) -> Dossier:
    return get_owned_or_404(request, Dossier.objects.with_list_columns().select_related("customer"), pk=pk)


@require_GET
@dealer_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dossiers/dossier_detail.html", {"dossier": _dossier(request, pk), "tab": "information"})


@require_GET
@dealer_required
def dossier_configurator(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dossiers/dossier_configurator.html", {"dossier": _dossier(request, pk), "tab": "configurator"})


@require_GET
@dealer_required
def dossier_communication(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dossiers/dossier_communication.html", {"dossier": _dossier(request, pk), "tab": "communication"})


@require_GET
@dealer_required
def dossier_history(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dossiers/dossier_history.html", {"dossier": _dossier(request, pk), "tab": "history"})
