from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from configurator.models import Product, ProductGroup


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:  # type: ignore[override]
        return obj.name


class NewDossierForm(forms.Form):
    product = ProductChoiceField(
        label=_("Produit"),
        queryset=Product.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez un produit."),
            "invalid_choice": _("Ce produit n'existe pas ou n'est plus disponible dans ce groupe."),
        },
    )
    reference = forms.CharField(label=_("Votre référence"), max_length=100, required=False)

    def __init__(self, *args: Any, group: ProductGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.active().filter(group=group)  # type: ignore[attr-defined]
