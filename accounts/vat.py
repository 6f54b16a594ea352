"""VAT numbers of the customers the manufacturer invoices: Belgium, the Netherlands,
Germany, France and Luxembourg.

The number is printed on every invoice, so a typo must be caught when it is typed, not
by the customer's accountant. python-stdnum knows each country's format and check digits
(a maintained implementation, not hand-written tables). A number is stored compact, with
its country prefix (``BE0403019261``), whatever spaces or dots it was typed with.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

# Country prefix → python-stdnum's module for that country's VAT number.
COUNTRIES = {"BE": "vat", "NL": "btw", "DE": "vat", "FR": "tva", "LU": "tva"}


def normalise_vat_number(text: str) -> str:
    """The compact number (``BE0403019261``) or ``ValidationError`` with a message for the user.

    An empty text is no number ("").
    """
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if not compact:
        return ""
    prefix = compact[:2]
    if prefix not in COUNTRIES:
        raise ValidationError(
            _("Un numéro de TVA commence par le code de son pays : BE, NL, DE, FR ou LU (par exemple BE0403019261)."),
            code="vat_country",
        )
    module = get_cc_module(prefix.lower(), COUNTRIES[prefix])
    assert module is not None  # every country above has one
    try:
        module.validate(compact[2:])
    except StdnumError as exc:
        raise ValidationError(
            _("Ce numéro de TVA %(country)s n'est pas valable : vérifiez-le chiffre par chiffre.")
            % {"country": prefix},
            code="vat_invalid",
        ) from exc
    return prefix + module.compact(compact[2:])


def validate_vat_number(value: str) -> None:
    """The model field's validator: the same rules as :func:`normalise_vat_number`."""
    normalise_vat_number(value)
