"""Writes on order lines: add, edit, duplicate, remove.

Each locks the dossier row first (the same lock « Passer la commande » takes), so no line
changes while an order is being placed, and checks that the configuration may still be
changed. Every save evaluates the line again on the server from the values typed; prices,
components or a catalogue version sent by a browser are never read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.models import Product
from dossiers import services as dossier_services
from dossiers.models import Dossier

from ..context import can_be_parent, takes_parent
from ..evaluation import Evaluated, cache_on, current_product_version, evaluate_values
from ..models import MAX_QUANTITY, OrderLine
from .refusals import ConfiguratorRefused, InputRefused, LineConflict, not_editable


def lock_dossier(dossier: Dossier, user: User) -> Dossier:
    """The dossier row, locked until the end of the transaction, with its customer."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("customer").get(pk=dossier.pk)
    if user.is_staff or locked.customer_id != user.customer_id:
        # Views scope by customer first; a service called with a foreign dossier is a bug.
        raise ConfiguratorRefused("not_found", _("Ce dossier n'existe pas."))
    return locked


def _lock_editable(dossier: Dossier, user: User) -> Dossier:
    locked = lock_dossier(dossier, user)
    if (refusal := not_editable(locked)) is not None:
        raise refusal
    return locked


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ConfiguratorRefused("quantity", _("Saisissez une quantité de 1 à %(max)d.") % {"max": MAX_QUANTITY})


def _check_product(dossier: Dossier, product: Product) -> None:
    offered = Product.objects.active().filter(pk=product.pk, group_id=dossier.product_group_id).exists()
    if not offered:
        raise ConfiguratorRefused(
            "product", _("Ce produit n'est pas proposé dans le groupe de produits de ce dossier.")
        )
    if product.is_service:
        # Its lines are the parts of a delivered item: configurator.services.service_orders.
        raise ConfiguratorRefused(
            "service_product",
            _("Les pièces d'une commande de service se choisissent « Selon numéro de garantie » ou « Selon mesures »."),
        )


def _refuse_service_line(line: OrderLine) -> None:
    if line.warranty_item_id is not None:
        raise ConfiguratorRefused(
            "service_line",
            _(
                "Une ligne de la commande de service ne se modifie pas : supprimez-la, puis choisissez à nouveau "
                "les pièces de l'article."
            ),
        )


def _check_parent(dossier: Dossier, parent: OrderLine | None, line: OrderLine | None) -> None:
    if parent is None:
        return
    if (
        parent.dossier_id != dossier.pk
        or (line is not None and parent.pk == line.pk)
        or not can_be_parent(parent.evaluated_values)
    ):
        raise ConfiguratorRefused("parent", _("Choisissez une toiture de ce dossier."))


def _evaluate(
    dossier: Dossier,
    product: Product,
    values: Mapping[str, object],
    acknowledged: Sequence[str],
    parent: OrderLine | None,
) -> Evaluated:
    product_version = current_product_version(product)
    if product_version is None:
        raise ConfiguratorRefused("unavailable", _("Ce produit ne figure plus au catalogue actuel."))
    evaluated = evaluate_values(
        product_version, values, customer=dossier.customer, parent=parent, acknowledged=list(acknowledged)
    )
    if evaluated.refused_fields:
        raise InputRefused(evaluated)
    return evaluated


def _typed(evaluated: Evaluated, values: Mapping[str, object]) -> dict[str, object]:
    """What is stored of the values sent: the product's parameters only, as typed. A price,
    a component or a catalogue version in the request is not a parameter: never kept."""
    keys = {parameter.key for parameter in evaluated.definition.parameters}
    return {key: value for key, value in values.items() if key in keys}


def _next_position(dossier: Dossier) -> int:
    last = OrderLine.objects.filter(dossier=dossier).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def add_line(
    *,
    dossier: Dossier,
    user: User,
    product: Product,
    values: Mapping[str, object],
    quantity: int = 1,
    acknowledged: Sequence[str] = (),
    parent: OrderLine | None = None,
) -> OrderLine:
    """A new line at the end of the dossier's configuration, evaluated under the current catalogue."""
    locked = _lock_editable(dossier, user)
    _check_quantity(quantity)
    _check_product(locked, product)
    _check_parent(locked, parent, None)
    evaluated = _evaluate(locked, product, values, acknowledged, parent)
    line = OrderLine(
        dossier=locked,
        position=_next_position(locked),
        product=product,
        parent=parent if takes_parent(evaluated.definition) else None,
        quantity=quantity,
        values=_typed(evaluated, values),
    )
    cache_on(line, evaluated)
    line.save()
    dossier_services.note_activity(dossier=locked)
    return line


@transaction.atomic
def update_line(
    *,
    line: OrderLine,
    user: User,
    values: Mapping[str, object],
    quantity: int,
    acknowledged: Sequence[str],
    revision: int,
    parent: OrderLine | None = None,
) -> OrderLine:
    """Save the line as edited from ``revision``; refused if it changed since (two tabs)."""
    _refuse_service_line(line)
    locked = _lock_editable(line.dossier, user)
    _check_quantity(quantity)
    _check_parent(locked, parent, line)
    current = OrderLine.objects.filter(pk=line.pk, dossier=locked).values_list("revision", flat=True).first()
    if current is None:
        raise ConfiguratorRefused("not_found", _("Cette ligne n'existe plus."))
    if current != revision:
        raise LineConflict(current)
    evaluated = _evaluate(locked, line.product, values, acknowledged, parent)
    line.values = _typed(evaluated, values)
    line.quantity = quantity
    line.parent = parent if takes_parent(evaluated.definition) else None
    fields = cache_on(line, evaluated)
    OrderLine.objects.filter(pk=line.pk).update(
        values=line.values,
        quantity=quantity,
        parent=line.parent,
        revision=F("revision") + 1,
        **{name: getattr(line, name) for name in fields},
    )
    line.refresh_from_db()
    _refresh_children(locked, line)
    dossier_services.note_activity(dossier=locked)
    return line


@transaction.atomic
def duplicate_line(*, line: OrderLine, user: User) -> OrderLine:
    """A copy of the line at the end, re-evaluated under the current catalogue."""
    _refuse_service_line(line)
    locked = _lock_editable(line.dossier, user)
    source = OrderLine.objects.select_related("product", "parent__product").get(pk=line.pk, dossier=locked)
    evaluated = _evaluate_stored(locked, source)
    copy = OrderLine(
        dossier=locked,
        position=_next_position(locked),
        product=source.product,
        parent=source.parent,
        quantity=source.quantity,
        values=dict(source.values),
    )
    cache_on(copy, evaluated)
    copy.save()
    dossier_services.note_activity(dossier=locked)
    return copy


@transaction.atomic
def remove_line(*, line: OrderLine, user: User) -> None:
    locked = _lock_editable(line.dossier, user)
    children = list(OrderLine.objects.select_related("product").filter(dossier=locked, parent=line))
    OrderLine.objects.filter(pk=line.pk, dossier=locked).delete()
    for child in children:  # their roof is gone: they say so on the tab
        child.parent = None
        _save_evaluation(child, _evaluate_stored(locked, child))
    dossier_services.note_activity(dossier=locked)


def _evaluate_stored(dossier: Dossier, line: OrderLine) -> Evaluated:
    """A stored line under the current catalogue (its values were readable when saved;
    a catalogue change may refuse some now: shown on the tab, never a failure here)."""
    product_version = current_product_version(line.product)
    if product_version is None:
        raise ConfiguratorRefused("unavailable", _("Ce produit ne figure plus au catalogue actuel."))
    return evaluate_values(
        product_version, line.values, customer=dossier.customer, parent=line.parent, acknowledged=line.acknowledged
    )


def _save_evaluation(line: OrderLine, evaluated: Evaluated) -> None:
    fields = cache_on(line, evaluated)
    line.parent = line.parent if takes_parent(evaluated.definition) else None
    line.save(update_fields=[*fields, "parent", "updated_at"])


def _refresh_children(dossier: Dossier, line: OrderLine) -> None:
    """Accessories follow their roof's sizes: re-evaluate them when it changes."""
    children = list(OrderLine.objects.select_related("product").filter(dossier=dossier, parent=line))
    for child in children:
        child.parent = line
        try:
            evaluated = _evaluate_stored(dossier, child)
        except ConfiguratorRefused:
            continue  # its product left the catalogue: the order will say so
        _save_evaluation(child, evaluated)
