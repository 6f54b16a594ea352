"""Service orders (FAQ: « Comment passer une demande de service ? »): open one, add the parts
chosen for a delivered item, take a line off, and « Passer la commande ».

Every write locks the dossier row first, like the other Configurateur writes, so parts are
never added while the service order is being placed, and two « Passer la commande » at once
place one order. The item is looked up again on every write among the customer's own
(configurator.lookup); the parts are checked against that item's components; prices come
from the Service product's engine under the current catalogue, never from the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Customer, User
from catalogue.definition import LANGUAGES, Severity
from catalogue.models import Product, ProductVersion
from communication.models import Message
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind

from .. import lookup, warranty
from ..after_sales import in_service_mode, in_warranty, is_service_dossier, service_context
from ..evaluation import Evaluated, cache_on, current_product_version, evaluate_values
from ..models import OrderLine, ServiceOrder, WarrantyItem
from ..parts import ChoiceRefused, as_components, parts_of, read_choice
from ..signals import order_placed
from .lines import lock_dossier
from .placing import PlacedOrder, refuse_unless_orderable, snapshot_of
from .refusals import ORDERED_STATUSES, ConfiguratorRefused, InputRefused, not_orderable, not_service_editable


def _lock(dossier: Dossier, user: User) -> Dossier:
    locked = lock_dossier(dossier, user)
    locked.product = Product.objects.get(pk=locked.product_id)  # in_service_mode reads it
    return locked


def service_product(dossier: Dossier) -> tuple[Product, ProductVersion]:
    """The Service product a service line is of (a « Service » dossier's own), as the current
    catalogue defines it."""
    if dossier.product.is_service and dossier.product.is_active:
        version = current_product_version(dossier.product)
        if version is not None:
            return dossier.product, version
    for product in Product.objects.active().filter(is_service=True).order_by("group__position", "position"):
        version = current_product_version(product)
        if version is not None:
            return product, version
    raise ConfiguratorRefused("unavailable", _("Le produit « Service » ne figure pas au catalogue actuel."))


def scope_of(dossier: Dossier, order: ServiceOrder | None) -> lookup.Scope:
    """Where the items of ``dossier``'s service order may come from: the dossier's own after a
    « Demande de service », every dossier of the customer in a « Service » dossier; all of one
    original order once the service order has a line."""
    return lookup.Scope(
        customer=dossier.customer,
        dossier=None if is_service_dossier(dossier) else dossier,
        original=order.original if order is not None else None,
    )


def evaluate_service_line(
    *,
    version: ProductVersion,
    customer: Customer,
    item: WarrantyItem,
    parts: Sequence[Mapping[str, object]],
    reason: str = "",
    acknowledged: Sequence[str] = (),
    today: date | None = None,
) -> Evaluated:
    """The Service product evaluated for the parts chosen of ``item`` (its line loaded)."""
    covered = in_warranty(timezone.localdate(item.created_at), today or timezone.localdate())
    return evaluate_values(
        version,
        {"reason": reason} if reason else {},
        customer=customer,
        acknowledged=list(acknowledged),
        context=service_context(family=item.line.product.code, covered=covered, parts=parts),
    )


def service_summary(item: WarrantyItem, parts: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """The line's one-line summary in every language: warranty number, product, pieces."""
    names = (item.line.snapshot or {}).get("product_name") or {}
    pieces = sum(int(str(part["pieces"])) for part in parts)
    summary = {}
    for language in LANGUAGES:
        with translation.override(language):
            count = ngettext("%(count)d pièce", "%(count)d pièces", pieces) % {"count": pieces}
        name = names.get(language) or names.get("fr") or item.line.product.name_fr
        summary[language] = f"{item.display_number} · {name} · {count}"
    return summary


@transaction.atomic
def open_service_order(*, dossier: Dossier, user: User, request: Message | None = None) -> ServiceOrder | None:
    """The dossier's open service order, opened now if it has none; None when the dossier takes
    no service order (any more). Idempotent: a signal received twice, two tabs, one order."""
    locked = _lock(dossier, user)
    if not in_service_mode(locked):
        return None
    order = ServiceOrder.objects.open().filter(dossier=locked).first()
    if order is None:
        return ServiceOrder.objects.create(dossier=locked, request=request, opened_by=user)
    if request is not None and order.request_id is None:
        order.request = request
        order.save(update_fields=["request"])
    return order


def _refuse_warnings(evaluated: Evaluated) -> None:
    errors = [m for m in evaluated.evaluation.messages if m.severity is Severity.ERROR]
    language = translation.get_language() or "fr"
    if errors:
        raise ConfiguratorRefused("errors", errors[0].text.get(language))
    if set(evaluated.evaluation.warnings) - set(evaluated.acknowledged):
        raise ConfiguratorRefused(
            "warnings", _("Rien n'a été enregistré : confirmez d'abord les avertissements ci-dessous.")
        )


@transaction.atomic
def add_service_line(
    *,
    dossier: Dossier,
    user: User,
    number: str,
    chosen: Mapping[str, str],
    reason: str = "",
    acknowledged: Sequence[str] = (),
    today: date | None = None,
) -> OrderLine:
    """The parts ``chosen`` (part key → pieces typed) of the item of warranty number ``number``,
    as a new line of the dossier's service order. Refused (nothing written) when the dossier
    takes no parts now, the number is not one of the customer's usable items (lookup), a part
    is not the item's or its number of pieces is not 1–99, no part is chosen, or a warning
    of the Service product is not confirmed."""
    today = today or timezone.localdate()
    locked = _lock(dossier, user)
    if (refusal := not_service_editable(locked)) is not None:
        raise refusal
    order = open_service_order(dossier=locked, user=user)
    assert order is not None  # not_service_editable said the dossier takes parts
    item = lookup.by_warranty_number(scope_of(locked, order), number, today=today)
    if OrderLine.objects.filter(service_order=order, warranty_item=item).exists():
        raise ConfiguratorRefused(
            "item_twice",
            _(
                "Les pièces de l'article %(number)s sont déjà dans cette commande de service : supprimez cette ligne "
                "pour les choisir à nouveau."
            )
            % {"number": item.display_number},
        )
    try:
        parts = read_choice(parts_of(item.line.snapshot or {}), chosen, item_number=item.display_number)
    except ChoiceRefused as refused:
        raise ConfiguratorRefused(refused.code, refused.message) from refused
    product, version = service_product(locked)
    evaluated = evaluate_service_line(
        version=version,
        customer=locked.customer,
        item=item,
        parts=parts,
        reason=reason,
        acknowledged=acknowledged,
        today=today,
    )
    if evaluated.refused_fields:
        raise InputRefused(evaluated)
    _refuse_warnings(evaluated)
    if order.original_id is None:
        order.original = item.dossier
        order.save(update_fields=["original"])
    position = (
        OrderLine.objects.filter(dossier=locked).order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    line = OrderLine(
        dossier=locked,
        position=position,
        product=product,
        quantity=1,
        values={key: value for key, value in {"reason": reason}.items() if value},
        service_order=order,
        warranty_item=item,
        parts=parts,
    )
    cache_on(line, evaluated)
    line.summary = service_summary(item, parts)
    line.save()
    dossier_services.note_activity(dossier=locked)
    return line


@transaction.atomic
def remove_service_line(*, line: OrderLine, user: User) -> None:
    """Take a line off the open service order (« Supprimer »)."""
    locked = _lock(line.dossier, user)
    if (refusal := not_service_editable(locked)) is not None:
        raise refusal
    deleted, _counts = OrderLine.objects.filter(
        pk=line.pk, dossier=locked, service_order__placed_at__isnull=True, snapshot__isnull=True
    ).delete()
    if not deleted:
        raise ConfiguratorRefused("not_found", _("Cette ligne n'existe plus."))
    dossier_services.note_activity(dossier=locked)


def already_placed(dossier: Dossier) -> ConfiguratorRefused | None:
    """A replayed « Passer la commande » of a dossier whose last order was a service order: its words."""
    if dossier.status not in ORDERED_STATUSES:
        return None
    last = ServiceOrder.objects.filter(dossier=dossier, placed_at__isnull=False).order_by("-placed_at").first()
    if last is None:
        return None
    return ConfiguratorRefused(
        "already_ordered",
        _("Cette commande de service est déjà passée (numéro de commande %(number)s).") % {"number": last.order_number},
    )


@transaction.atomic
def place_service_order(*, dossier: Dossier, user: User, reference: str = "", today: date | None = None) -> PlacedOrder:
    """« Passer la commande » of the dossier's service order, under its row lock.

    Every line is evaluated again under the current catalogue and snapshot with the parts it
    holds (article codes, cut lengths of the original); the status and the order number and
    reference go through :func:`dossiers.services.mark_service_ordered` (« Votre référence »:
    ``reference``); ``order_placed`` is sent once committed, as for any order, with
    ``service_order``. A repeated « Passer la commande » is refused as already placed.
    """
    today = today or timezone.localdate()
    locked = _lock(dossier, user)
    if not in_service_mode(locked):
        raise (
            already_placed(locked)
            or not_service_editable(locked)
            or not_orderable(locked)
            or ConfiguratorRefused("status", _("Ce dossier ne peut pas être commandé ici."))
        )
    order = ServiceOrder.objects.select_for_update().open().filter(dossier=locked).first()
    lines = (
        list(
            OrderLine.objects.select_for_update(of=("self",))
            .select_related("product", "warranty_item__line__product", "warranty_item__dossier")
            .filter(service_order=order, snapshot__isnull=True)
            .order_by("position", "pk")
        )
        if order is not None
        else []
    )
    if order is None or not lines:
        raise ConfiguratorRefused(
            "empty",
            _(
                "Aucune pièce n'a été choisie : choisissez d'abord les pièces « Selon numéro de garantie » ou "
                "« Selon mesures »."
            ),
        )
    originals = {line.warranty_item.dossier_id for line in lines if line.warranty_item is not None}
    if len(originals) != 1 or order.original_id not in originals:
        raise ConfiguratorRefused("other_order", _("Une commande de service ne concerne qu'une commande d'origine."))
    _product, version = service_product(locked)
    evaluated: dict[int, Evaluated] = {}
    for line in lines:
        assert line.warranty_item is not None
        evaluated[line.pk] = evaluate_service_line(
            version=version,
            customer=locked.customer,
            item=line.warranty_item,
            parts=line.parts,
            reason=str(line.values.get("reason") or ""),
            acknowledged=line.acknowledged,
            today=today,
        )
    refuse_unless_orderable(lines, evaluated)

    ordered_at = timezone.now()
    for line in lines:
        assert line.warranty_item is not None
        result = evaluated[line.pk]
        fields = cache_on(line, result)
        line.summary = service_summary(line.warranty_item, line.parts)
        snapshot = snapshot_of(line, result, ordered_at)
        snapshot["components"] = as_components(line.parts)
        snapshot["service"] = {
            "warranty_number": line.warranty_item.number,
            "original_order_number": line.warranty_item.dossier.order_number,
            "original_product": line.warranty_item.line.product.code,
            "parts": line.parts,
        }
        line.snapshot = snapshot
        line.save(update_fields=[*fields, "summary", "snapshot", "updated_at"])
    original = lines[0].warranty_item.dossier  # type: ignore[union-attr]
    ordered = dossier_services.mark_service_ordered(dossier=locked, user=user, original=original, reference=reference)
    same_dossier = ordered.pk == original.pk
    order.order_number = ordered.linked_order_number if same_dossier else ordered.order_number
    order.reference = ordered.linked_reference if same_dossier else ordered.reference
    order.placed_by, order.placed_at = user, ordered_at
    order.save(update_fields=["order_number", "reference", "placed_by", "placed_at"])
    net_total = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    dossier_services.record_event(
        dossier=ordered,
        kind=EventKind.ITEMS_ORDERED,
        actor=user,
        data={
            "service": True,
            "lines": len(lines),
            "pieces": sum(int(part["pieces"]) for line in lines for part in line.parts),
            "net_total": str(net_total),
        },
    )
    if not same_dossier:
        # A « Service » dossier is found by the warranty numbers of the items it is for.
        numbers = [line.warranty_item.number for line in lines if line.warranty_item is not None]
        dossier_services.note_warranty_numbers(
            dossier=ordered, numbers=numbers + [warranty.display(number) for number in numbers]
        )
    placed = PlacedOrder(ordered, lines, [], net_total, service_order=order)
    transaction.on_commit(
        lambda: order_placed.send(sender=OrderLine, dossier=ordered, user=user, items=[], service_order=order)
    )
    return placed


__all__ = [
    "add_service_line",
    "evaluate_service_line",
    "open_service_order",
    "place_service_order",
    "remove_service_line",
    "scope_of",
    "service_product",
    "service_summary",
]
