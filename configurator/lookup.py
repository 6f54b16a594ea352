"""Finding the delivered item a service order is for: « Selon numéro de garantie » or « Selon
mesures » (the order number typed in « Numéro de garantie », with the item's dimensions).

Reads only, always among the request's customer's items (``WarrantyItem.for_customer``): a
number of another customer is « introuvable » in exactly the words of a number that does not
exist. Each refusal is a :class:`LookupRefused` naming the form field it belongs beside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Customer
from dossiers.models import Dossier, Status

from . import warranty
from .display import HEIGHT_KEYS, WIDTH_KEYS
from .models import WarrantyItem, WarrantyItemState
from .refused import ConfiguratorRefused

MAX_ORDER_NUMBER = 20
MAX_MILLIMETRES = 100_000


class LookupRefused(ConfiguratorRefused):
    """``field``: the search form's field the message belongs beside ("number", "width", "height")."""

    def __init__(self, code: str, message: str, field: str = "number") -> None:
        super().__init__(code, message)
        self.field = field


@dataclass(frozen=True)
class Scope:
    """Where to look: the customer's items, of ``dossier`` only (the service order of an
    original dossier is for its own items), and of ``original`` once the service order has
    its first line (one service order, one original order)."""

    customer: Customer
    dossier: Dossier | None = None
    original: Dossier | None = None


def _items(scope: Scope) -> QuerySet[WarrantyItem]:
    return WarrantyItem.objects.for_customer(scope.customer).select_related("dossier", "line__product")


def _not_found() -> LookupRefused:
    return LookupRefused(
        "not_found",
        _(
            "Numéro de garantie introuvable : vérifiez-le sur la confirmation de commande, la facture ou le "
            "document de garantie."
        ),
    )


def _is_cancelled(item: WarrantyItem) -> bool:
    return item.state == WarrantyItemState.CANCELLED or item.dossier.status == Status.CANCELLED


def _check_place(scope: Scope, dossier: Dossier) -> None:
    """The item's dossier may take part in this service order (same customer: no secret to keep)."""
    if scope.dossier is not None and dossier.pk != scope.dossier.pk:
        raise LookupRefused(
            "other_dossier",
            _(
                "Ce numéro appartient au dossier %(number)s (« %(reference)s ») : passez la commande de service "
                "de cet article dans ce dossier-là, ou par une « Nouvelle demande » du produit « Service »."
            )
            % {"number": dossier.number, "reference": dossier.reference or "–"},
        )
    if scope.original is not None and dossier.pk != scope.original.pk:
        raise LookupRefused(
            "other_order",
            _(
                "Cette commande de service porte déjà sur la commande %(order)s : une commande de service ne "
                "concerne qu'une commande d'origine. Passez celle de la commande %(other)s dans une autre "
                "« Nouvelle demande »."
            )
            % {"order": scope.original.order_number, "other": dossier.order_number},
        )


def by_warranty_number(scope: Scope, text: str, *, today: date) -> WarrantyItem:
    """The item of the warranty number ``text`` (typed with or without separators)."""
    try:
        number = warranty.normalise(text, today=today)
    except warranty.InvalidWarrantyNumber as invalid:
        raise LookupRefused(invalid.code, str(invalid.message)) from invalid
    item = _items(scope).filter(number=number).first()
    if item is None:
        raise _not_found()
    if _is_cancelled(item):
        raise LookupRefused(
            "cancelled",
            _("L'article %(number)s a été annulé : il ne peut pas faire l'objet d'une commande de service.")
            % {"number": item.display_number},
        )
    _check_place(scope, item.dossier)
    return item


def order_number(text: str) -> str:
    """An order number as typed (C2026000007, « c 2026 000007 »), in the form the portal prints."""
    return "".join(text.split()).upper()


def millimetres(text: str, field: str, *, required: bool) -> Decimal | None:
    """A dimension typed in millimetres (« 2130 », « 2 130 », « 2130,5 »); None when optional and empty."""
    cleaned = "".join(text.split()).replace(",", ".")
    if not cleaned and not required:
        return None
    try:
        value: Decimal | None = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is not None and value.is_finite() and 0 < value < MAX_MILLIMETRES:
        return value
    if field == "width":
        message = _("Saisissez la largeur en millimètres, par exemple 2130.")
    else:
        message = _("Saisissez la hauteur en millimètres, par exemple 2480, ou laissez-la vide.")
    raise LookupRefused("required" if not cleaned else "not_a_number", message, field)


def _size(values: dict[str, object], keys: tuple[str, ...]) -> Decimal | None:
    for key in keys:
        raw = values.get(key)
        if raw is None or isinstance(raw, bool):
            continue
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            continue
    return None


def item_size(item: WarrantyItem) -> tuple[Decimal | None, Decimal | None]:
    """The item's width and height (or projection) as ordered."""
    values = (item.line.snapshot or {}).get("values") or {}
    return _size(values, WIDTH_KEYS), _size(values, HEIGHT_KEYS)


def _mm(value: Decimal | None) -> str:
    return "–" if value is None else format(value.normalize(), "f")


def by_measurements(
    scope: Scope, order_text: str, width_text: str, height_text: str, *, tolerance: int
) -> list[WarrantyItem]:
    """The items of the order ``order_text`` whose width (and height, when typed) are within
    ``tolerance`` mm of the dimensions typed; refused when none is."""
    number = order_number(order_text)
    if not number:
        raise LookupRefused(
            "required", _("Selon mesures, saisissez le numéro de commande dans « Numéro de garantie ».")
        )
    width = millimetres(width_text, "width", required=True)
    height = millimetres(height_text, "height", required=False)
    if len(number) > MAX_ORDER_NUMBER:
        raise _order_not_found()
    items = list(_items(scope).filter(dossier__order_number=number).order_by("dossier_id", "line__position", "index"))
    if not items:
        raise _order_not_found()
    _check_place(scope, items[0].dossier)
    usable = [item for item in items if not _is_cancelled(item)]
    if not usable:
        raise LookupRefused(
            "cancelled",
            _("La commande %(order)s a été annulée : elle ne peut pas faire l'objet d'une commande de service.")
            % {"order": number},
        )
    allowed = Decimal(tolerance)
    matching = []
    for item in usable:
        item_width, item_height = item_size(item)
        if item_width is None or width is None or abs(item_width - width) > allowed:
            continue
        if height is not None and (item_height is None or abs(item_height - height) > allowed):
            continue
        matching.append(item)
    if not matching:
        sizes = sorted({" × ".join(_mm(v) for v in item_size(item) if v is not None) for item in usable})
        raise LookupRefused(
            "no_match",
            _(
                "Aucun article de la commande %(order)s ne mesure %(size)s mm, à %(tolerance)d mm près : vérifiez "
                "les dimensions. Les articles de cette commande mesurent : %(sizes)s mm."
            )
            % {
                "order": number,
                "size": " × ".join(_mm(v) for v in (width, height) if v is not None),
                "tolerance": tolerance,
                "sizes": ", ".join(size for size in sizes if size) or "–",
            },
            "width",
        )
    return matching


def _order_not_found() -> LookupRefused:
    return LookupRefused(
        "order_not_found",
        _(
            "Numéro de commande introuvable : vérifiez-le sur la confirmation de commande ou la facture "
            "(par exemple C2026000007)."
        ),
    )
