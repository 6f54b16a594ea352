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
