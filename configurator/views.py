"""The Configurateur tab of a dossier: its order lines, the line form (live with htmx, or by
submitting without JavaScript) and « Passer la commande ».

Every view takes the dossier among the request's customer's (``service_dossier_or_404``)
and a line among that dossier's, so another customer's dossier or another dossier's line is
a 404. After a « Demande de service », or in a « Service » dossier, the tab shows the service
order instead (:mod:`configurator.service_views` finds the item and takes its parts).
Writes go through :mod:`configurator.services`, which evaluate on the server again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.tenancy import DealerRequest, dealer_required, get_owned_or_404
from catalogue.models import CatalogueVersion, Product, ProductVersion
from dossiers.models import Dossier, Status

from . import editor, services
from .after_sales import in_service_mode, is_service_dossier
from .context import takes_parent
from .display import money
from .evaluation import Evaluated, current_product_version, evaluate_values
from .forms import LineForm, ServiceOrderForm
from .listing import line_rows
from .models import OrderLine, ServiceOrder, WarrantyItem
from .service_views import service_dossier_or_404
from .services.refusals import not_editable, not_service_editable

MAX_ACKNOWLEDGED = 50  # more warnings than any product has; a longer list is not read


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


def _list_url(dossier: Dossier, line: OrderLine | None = None) -> str:
    url = reverse("configurator:line-list", kwargs={"pk": dossier.pk})
    return f"{url}#line-{line.pk}" if line is not None else url


def _post_only(request: DealerRequest) -> HttpResponse | None:
    """405 unless POST, checked after the ownership lookup (a foreign id is a 404 whatever the method)."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _line_or_404(request: DealerRequest, pk: int, line: int) -> OrderLine:
    """Line ``line`` of dossier ``pk`` among the request customer's, with both, in one query.

    Without its roof: only an accessory reads it (one query more, for those lines only).
    """
    return get_owned_or_404(request, OrderLine.objects.select_related("dossier", "product"), pk=line, dossier_id=pk)


@require_GET
@dealer_required
def line_list(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = service_dossier_or_404(request, pk)
    lines = list(
        OrderLine.objects.of_dossier(dossier).select_related("product_version").defer("product_version__definition")
    )
    service_mode = in_service_mode(dossier)
    own = [line for line in lines if line.service_order_id is None]
    ordered = any(line.is_ordered for line in own)
    items = list(WarrantyItem.objects.filter(dossier=dossier).order_by("line_id", "index")) if ordered else []
    current = CatalogueVersion.objects.current() if lines and not (ordered and len(own) == len(lines)) else None
    language = _language()
    context: dict[str, Any] = {
        "dossier": dossier,
        "tab": "configurator",
        "rows": line_rows(own, items, language=language, current_version=current),
        "total": money(sum((line.net_amount or Decimal(0) for line in own), Decimal(0)), language),
        "editable": dossier.status == Status.ACTIVE and not service_mode,
        "orderable": dossier.status in (Status.ACTIVE, Status.QUOTE) and bool(own) and not service_mode,
        "ordered": ordered,
        "service_mode": service_mode,
    }
    if service_mode or len(own) < len(lines):
        context.update(_service_context(dossier, lines, service_mode, language, current))
    return render(request, "configurator/line_list.html", context)


def _service_context(
    dossier: Dossier, lines: list[OrderLine], service_mode: bool, language: str, current: CatalogueVersion | None
) -> dict[str, Any]:
    """The service orders of the tab: the open one (its lines, « Votre référence », « Passer la
    commande ») and those placed, each with its number, reference and lines."""
    orders = list(ServiceOrder.objects.filter(dossier=dossier).select_related("original").order_by("opened_at", "pk"))
    by_order: dict[int, list[OrderLine]] = {}
    for line in lines:
        if line.service_order_id is not None:
            by_order.setdefault(line.service_order_id, []).append(line)
    open_order = next((order for order in orders if not order.is_placed), None) if service_mode else None
    open_lines = by_order.get(open_order.pk, []) if open_order is not None else []
    original = open_order.original if open_order is not None and open_order.original_id else None
    if original is None and service_mode and not is_service_dossier(dossier):
        original = dossier
    return {
        "service_editable": not_service_editable(dossier) is None,
        "service_rows": line_rows(open_lines, [], language=language, current_version=current),
        "service_total": money(sum((line.net_amount or Decimal(0) for line in open_lines), Decimal(0)), language),
        "service_orderable": service_mode and bool(open_lines),
        "service_original": original,
        "reference_form": ServiceOrderForm(
            initial={"reference": dossier.reference if is_service_dossier(dossier) else ""}
        ),
        "placed_orders": [
            (order, line_rows(by_order.get(order.pk, []), [], language=language, current_version=None))
            for order in orders
            if order.is_placed
        ],
    }


def _offered_products(dossier: Dossier) -> list[Product]:
    """The active products of the dossier's group that the current catalogue defines."""
    defined = ProductVersion.objects.current().filter(product=OuterRef("pk"))
    return list(Product.objects.active().filter(group_id=dossier.product_group_id).filter(Exists(defined)))


@require_http_methods(["GET", "POST"])
@dealer_required
def line_create(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = service_dossier_or_404(request, pk)
    if in_service_mode(dossier):  # parts are chosen for a delivered item, not configured
        return redirect(reverse("configurator:service-line-create", kwargs={"pk": dossier.pk}))
    if (refusal := not_editable(dossier)) is not None:
        messages.error(request, refusal.message)
        return redirect(_list_url(dossier))
    offered = [product for product in _offered_products(dossier) if not product.is_service]
    wanted = request.POST.get("product") if request.method == "POST" else request.GET.get("product")
    product = next((p for p in offered if str(p.pk) == str(wanted or dossier.product_id)), None)
    if product is None and request.method == "POST":
        # A product of another group, withdrawn, or made up: nothing is saved.
        messages.error(request, _("Ce produit n'est pas proposé dans le groupe de produits de ce dossier."))
        return redirect(reverse("configurator:line-create", kwargs={"pk": dossier.pk}))
    if product is None and offered:
        product = offered[0]
    product_version = current_product_version(product) if product is not None else None
    return _editor(request, dossier, offered, product, product_version, line=None)


@require_http_methods(["GET", "POST"])
@dealer_required
def line_update(request: DealerRequest, pk: int, line: int) -> HttpResponse:
    found = _line_or_404(request, pk, line)
    dossier = found.dossier
    refusal = not_editable(dossier)
    if found.is_service_line:
        refusal = services.ConfiguratorRefused(
            "service_line",
            _(
                "Une ligne de la commande de service ne se modifie pas : supprimez-la, puis choisissez à nouveau "
                "les pièces de l'article."
            ),
        )
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect(_list_url(dossier, found))
    product_version = current_product_version(found.product)
    return _editor(request, dossier, [found.product], found.product, product_version, line=found)


def _editor(
    request: DealerRequest,
    dossier: Dossier,
    offered: list[Product],
    product: Product | None,
    product_version: ProductVersion | None,
    *,
    line: OrderLine | None,
) -> HttpResponse:
    page: dict[str, Any] = {
        "dossier": dossier,
        "tab": "configurator",
        "line": line,
        "offered": offered,
        "product": product,
    }
    if product is None or product_version is None:
        return render(request, "configurator/line_form.html", page)
    definition = product_version.compiled()
    parents = None
    if takes_parent(definition):
        parents = OrderLine.objects.filter(dossier=dossier).roofs().select_related("product").order_by("position")
        if line is not None:
            parents = parents.exclude(pk=line.pk)
    if request.method == "GET":
        form = LineForm(
            initial={
                "quantity": line.quantity if line else 1,
                "revision": line.revision if line else None,
                "parent": line.parent_id if line else None,
            },
            parents=parents,
        )
        raw: dict[str, object] = dict(line.values) if line else {}
        evaluated = evaluate_values(
            product_version,
            raw,
            customer=request.customer,
            parent=line.parent if line else None,
            acknowledged=line.acknowledged if line else [],
        )
        return _render(request, page, form, evaluated, raw, show_required=line is not None)

    form = LineForm(request.POST, parents=parents)
    form.is_valid()
    raw = editor.read_values(definition, request.POST)
    acknowledged = request.POST.getlist("acknowledged")[:MAX_ACKNOWLEDGED]
    parent = form.cleaned_data.get("parent")
    evaluated = evaluate_values(
        product_version, raw, customer=request.customer, parent=parent, acknowledged=acknowledged
    )
    if request.POST.get("action") != "save":
        if request.htmx:  # type: ignore[attr-defined]  # django_htmx.middleware.HtmxMiddleware
            return _render(request, page, form, evaluated, raw, show_required=False, live=True)
        return _render(request, page, form, evaluated, raw, show_required=True)
    if not form.is_valid():
        return _render(request, page, form, evaluated, raw, show_required=True)
    quantity = form.cleaned_data["quantity"]
    try:
        if line is None:
            saved = services.add_line(
                dossier=dossier,
                user=request.user,
                product=product,
                values=raw,
                quantity=quantity,
                acknowledged=acknowledged,
                parent=parent,
            )
        else:
            saved = services.update_line(
                line=line,
                user=request.user,
                values=raw,
                quantity=quantity,
                acknowledged=acknowledged,
                revision=form.cleaned_data["revision"] or 0,
                parent=parent,
            )
    except services.InputRefused as refused:
        return _render(request, page, form, refused.evaluated, raw, show_required=True, refusal=refused.message)
    except services.LineConflict as conflict:
        # The dealer's input stays on screen; saving again now replaces the other version.
        data = request.POST.copy()
        data["revision"] = str(conflict.current_revision)
        form = LineForm(data, parents=parents)
        form.is_valid()
        return _render(request, page, form, evaluated, raw, show_required=True, refusal=conflict.message)
    except services.ConfiguratorRefused as refusal:
        return _render(request, page, form, evaluated, raw, show_required=True, refusal=refusal.message)
    messages.success(request, _("La ligne %(position)d a été enregistrée.") % {"position": saved.position})
    return redirect(_list_url(dossier, saved))


def _render(
    request: DealerRequest,
    page: dict[str, Any],
    form: LineForm,
    evaluated: Evaluated,
    raw: dict[str, object],
    *,
    show_required: bool,
    live: bool = False,
    refusal: str = "",
) -> HttpResponse:
    language = _language()
    quantity = form.cleaned_data.get("quantity") if form.is_bound and hasattr(form, "cleaned_data") else None
    context = {
        **page,
        "form": form,
        "refusal": refusal,
        "fields": editor.fields(
            evaluated.definition, raw, evaluated.evaluation, language=language, show_required=show_required, live=live
        ),
        "result": editor.result(
            evaluated.definition,
            evaluated.evaluation,
            acknowledged=evaluated.acknowledged,
            quantity=quantity or (form.initial.get("quantity") if not form.is_bound else 1) or 1,
            language=language,
            drawing_id=f"drawing-{page['line'].pk if page['line'] else 'new'}",
        ),
    }
    template = "configurator/fragment_live.html" if live else "configurator/line_form.html"
    return render(request, template, context)


@dealer_required
def line_duplicate(request: DealerRequest, pk: int, line: int) -> HttpResponse:
    found = _line_or_404(request, pk, line)
    dossier = found.dossier
    if refused := _post_only(request):
        return refused
    try:
        copy = services.duplicate_line(line=found, user=request.user)
    except services.ConfiguratorRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(_list_url(dossier))
    messages.success(
        request,
        _("La ligne %(source)d a été dupliquée en ligne %(copy)d.") % {"source": found.position, "copy": copy.position},
    )
    return redirect(_list_url(dossier, copy))


@dealer_required
def line_delete(request: DealerRequest, pk: int, line: int) -> HttpResponse:
    found = _line_or_404(request, pk, line)
    dossier = found.dossier
    if refused := _post_only(request):
        return refused
    try:
        if found.is_service_line:
            services.remove_service_line(line=found, user=request.user)
        else:
            services.remove_line(line=found, user=request.user)
    except services.ConfiguratorRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("La ligne %(position)d a été supprimée.") % {"position": found.position})
    return redirect(_list_url(dossier))


@dealer_required
def order_place(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = service_dossier_or_404(request, pk)  # the service locks it again
    if refused := _post_only(request):
        return refused
    if in_service_mode(dossier):
        return _place_service_order(request, dossier)
    try:
        placed = services.place_order(dossier=dossier, user=request.user)
    except services.ConfiguratorRefused as refusal:
        # A replayed POST (the order exists): information, not an error.
        (messages.info if refusal.code == "already_ordered" else messages.error)(request, refusal.message)
        for problem in refusal.problems:
            messages.error(request, problem)
        return redirect(_list_url(dossier))
    messages.success(
        request,
        ngettext(
            "Commande passée : numéro de commande %(number)s, %(count)d numéro de garantie.",
            "Commande passée : numéro de commande %(number)s, %(count)d numéros de garantie.",
            len(placed.items),
        )
        % {"number": placed.dossier.order_number, "count": len(placed.items)},
    )
    return redirect(_list_url(dossier))


def _place_service_order(request: DealerRequest, dossier: Dossier) -> HttpResponse:
    form = ServiceOrderForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reference", []):
            messages.error(request, str(error))
        return redirect(_list_url(dossier))
    try:
        placed = services.place_service_order(
            dossier=dossier, user=request.user, reference=form.cleaned_data["reference"]
        )
    except services.ConfiguratorRefused as refusal:
        (messages.info if refusal.code == "already_ordered" else messages.error)(request, refusal.message)
        for problem in refusal.problems:
            messages.error(request, problem)
        return redirect(_list_url(dossier))
    order = placed.service_order
    assert order is not None
    messages.success(
        request,
        _("Commande de service passée : numéro de commande %(number)s, référence « %(reference)s ».")
        % {"number": order.order_number, "reference": order.reference or "–"},
    )
    return redirect(_list_url(dossier))
