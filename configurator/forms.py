"""The line form's fixed fields (quantity, the edited revision, a Loggia's roof).

The product's own parameters are read by :func:`configurator.editor.read_values`: the
engine checks them and words its refusals, in the dealer's language, beside each field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import MAX_QUANTITY, OrderLine

QUANTITY_MESSAGE = _("Saisissez une quantité de 1 à 99.")


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrderLine) -> str:  # type: ignore[override]
        return _("Ligne %(position)d – %(product)s %(summary)s") % {
            "position": obj.position,
            "product": obj.product.name,
            "summary": obj.summary_text,
        }


class LineForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantité"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_QUANTITY, "inputmode": "numeric"}),
        error_messages={
            "required": QUANTITY_MESSAGE,
            "invalid": QUANTITY_MESSAGE,
            "min_value": QUANTITY_MESSAGE,
            "max_value": QUANTITY_MESSAGE,
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    parent = ParentChoiceField(
        label=_("Toiture"),
        queryset=OrderLine.objects.none(),
        required=False,
        empty_label=_("— Choisissez la toiture —"),
        help_text=_("Les panneaux suivent la largeur et l'avancée de cette toiture."),
        error_messages={"invalid_choice": _("Choisissez une toiture de ce dossier.")},
    )

    def __init__(self, *args: Any, parents: QuerySet[OrderLine] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class ServiceSearchForm(forms.Form):
    """Finding the item of a service order: the FAQ's two ways, one « Numéro de garantie » field.

    « Selon mesures » takes the order number in that same field, as the FAQ says, with the
    dimensions measured on site. What was typed is checked by configurator.lookup.
    """

    MODE_WARRANTY = "warranty"
    MODE_MEASUREMENTS = "measurements"

    mode = forms.ChoiceField(
        label=_("Rechercher l'article"),
        choices=[(MODE_WARRANTY, _("Selon numéro de garantie")), (MODE_MEASUREMENTS, _("Selon mesures"))],
        initial=MODE_WARRANTY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez comment rechercher l'article."),
            "invalid_choice": _("Choisissez comment rechercher l'article."),
        },
    )
    number = forms.CharField(
        label=_("Numéro de garantie"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "« Selon numéro de garantie » : le numéro imprimé sur la confirmation de commande, la facture ou "
            "le document de garantie, avec ou sans tirets. « Selon mesures » : le numéro de commande, par "
            "exemple C2026000007."
        ),
        error_messages={"max_length": _("Ce numéro est trop long : relisez-le.")},
    )
    width = forms.CharField(
        label=_("Largeur (mm)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    height = forms.CharField(
        label=_("Hauteur (mm)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ServiceOrderForm(forms.Form):
    """« Passer la commande » of a service order, with « Votre référence » (FAQ)."""

    reference = forms.CharField(
        label=_("Votre référence"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("« Votre référence » compte au plus %(limit_value)d caractères.")},
        help_text=_(
            "Complétée, la commande de service reçoit cette référence et un numéro de commande propre ; laissée "
            "vide, elle est reprise sous le numéro et la référence de la commande d'origine."
        ),
    )
