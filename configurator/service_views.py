"""The service order in the Configurateur: find the delivered item « Selon numéro de garantie »
or « Selon mesures », see it as it was ordered, and add the parts chosen.

The search is a GET (a number looked up changes nothing); the parts are a POST that names
the item by its warranty number again, looked up again among the customer's own. The tab
and « Passer la commande » are :mod:`configurator.views`'.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.tenancy import DealerRequest, dealer_required, get_owned_or_404
from catalogue.definition import Severity
from catalogue.models import ProductVersion
from dossiers.models import Dossier

from . import lookup, services
from .forms import ServiceSearchForm
from .item_card import item_card
from .models import ServiceOrder, WarrantyItem
from .services.refusals import not_service_editable
from .services.service_orders import evaluate_service_line, scope_of, service_product

MAX_ACKNOWLEDGED = 10
# The search form's field for each field a lookup refusal names.
FIELDS = {"number": "number", "width": "width", "height": "height"}


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


def _tab_url(dossier: Dossier, anchor: str = "") -> str:
    url = reverse("configurator:line-list", kwargs={"pk": dossier.pk})
    return f"{url}#{anchor}" if anchor else url


def service_dossier_or_404(request: DealerRequest, pk: int) -> Dossier:
    """The customer's dossier ``pk`` with what its header and the service mode read, or 404."""
    return get_owned_or_404(request, Dossier.objects.select_related("product", "customer"), pk=pk)


def _reason_options(version: ProductVersion | None) -> list[tuple[str, str]]:
    if version is None:
        return []
    parameter = version.compiled().parameter("reason")
    return [(option.key, option.label.get(_language())) for option in parameter.options]


def _warnings(
    version: ProductVersion | None, dossier: Dossier, item: WarrantyItem, reason: str, acknowledged: list[str]
) -> list[dict[str, object]]:
    """The Service product's warnings for this item and reason, each with its box to tick."""
    if version is None:
        return []
    evaluated = evaluate_service_line(
        version=version, customer=dossier.customer, item=item, parts=[], reason=reason, acknowledged=acknowledged
    )
    seen: dict[str, dict[str, object]] = {}
    for message in evaluated.evaluation.messages:
        if message.severity is Severity.WARNING and message.id not in seen:
            seen[message.id] = {
                "id": message.id,
                "text": message.text.get(_language()),
                "acknowledged": message.id in evaluated.acknowledged,
            }
    return list(seen.values())


@require_http_methods(["GET", "POST"])
@dealer_required
def service_line_create(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = service_dossier_or_404(request, pk)
    if (refusal := not_service_editable(dossier)) is not None:
        messages.error(request, refusal.message)
        return redirect(_tab_url(dossier))
    order = ServiceOrder.objects.open().filter(dossier=dossier).select_related("original").first()
    scope = scope_of(dossier, order)
    today = timezone.localdate()
    searched = "number" in request.GET
    search = ServiceSearchForm(request.GET if searched else None, initial={"mode": request.GET.get("mode")})
    page: dict[str, Any] = {
        "dossier": dossier,
        "tab": "configurator",
        "search": search,
        "candidates": [],
        "order": order,
        "tolerance": settings.SERVICE_MEASUREMENT_TOLERANCE_MM,
    }
    item: WarrantyItem | None = None
    chosen: dict[str, str] = {}
    reason = ""
    acknowledged: list[str] = []
    refusal_text = ""

    if request.method == "POST":
        chosen = {key[:10]: request.POST.get(f"quantity-{key}", "")[:10] for key in request.POST.getlist("part")}
        reason = request.POST.get("reason", "")[:40]
        acknowledged = request.POST.getlist("acknowledged")[:MAX_ACKNOWLEDGED]
        number = request.POST.get("item", "")[:40]
        try:
            item = lookup.by_warranty_number(scope, number, today=today)
            line = services.add_service_line(
                dossier=dossier,
                user=request.user,
                number=number,
                chosen=chosen,
                reason=reason,
                acknowledged=acknowledged,
                today=today,
            )
        except services.ConfiguratorRefused as refused:
            if item is None:  # the item itself is refused now (a forged number): search again
                messages.error(request, refused.message)
                return redirect(reverse("configurator:service-line-create", kwargs={"pk": dossier.pk}))
            refusal_text = refused.message
        else:
            messages.success(
                request,
                _("Les pièces de l'article %(number)s ont été ajoutées à la commande de service.")
                % {"number": line.warranty_item.display_number if line.warranty_item else ""},
            )
            return redirect(_tab_url(dossier, f"line-{line.pk}"))
    elif searched and search.is_valid():
        data = search.cleaned_data
        try:
            if data["mode"] == ServiceSearchForm.MODE_WARRANTY:
                item = lookup.by_warranty_number(scope, data["number"], today=today)
            else:
                found = lookup.by_measurements(
                    scope,
                    data["number"],
                    data["width"],
                    data["height"],
                    tolerance=settings.SERVICE_MEASUREMENT_TOLERANCE_MM,
                )
                page["found_by_measurements"] = True
                if len(found) == 1:
                    item = found[0]
                else:
                    page["candidates"] = [
                        {"item": candidate, "summary": candidate.line.summary_text} for candidate in found
                    ]
        except lookup.LookupRefused as refused:
            search.add_error(FIELDS.get(refused.field, "number"), refused.message)

    if item is not None:
        card = item_card(item, language=_language(), today=today)
        try:
            _product, version = service_product(dossier)
        except services.ConfiguratorRefused:
            version = None  # the dealer is told so when saving
        page.update(
            {
                "card": card,
                # Each part with its box and number of pieces, as posted when the form comes back.
                "part_rows": [
                    {
                        "part": part,
                        "checked": part.key in chosen,
                        "pieces": chosen.get(part.key, str(part.default_pieces)),
                    }
                    for part in card.parts
                ],
                "reason": reason,
                "reasons": _reason_options(version),
                "warnings": _warnings(version, dossier, item, reason, acknowledged),
                "refusal": refusal_text,
            }
        )
    return render(request, "configurator/service_form.html", page)
