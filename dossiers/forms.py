from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from catalogue.models import Product, ProductGroup

from .models import Status
from .overview import DEFAULT_SORT, SORTS, OverviewFilters
from .workflow import DEALER_BUTTONS


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


class OverviewForm(forms.Form):
    """The overview's GET parameters. An invalid field is dropped, never the whole search."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("La recherche est limitée à %(limit_value)d caractères ; elle a été ignorée.")},
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Numéro de dossier, de commande, de garantie, référence, produit"),
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous les statuts")), *Status.choices]
    )
    # The active groups' ids, given by the view from the catalogue it reads anyway (one
    # query fewer than a ModelChoiceField's lookup); a group is filtered on by its id.
    group = forms.TypedChoiceField(label=_("Groupe de produits"), required=False, coerce=int, empty_value=None)
    created_from = forms.DateField(label=_("Créé du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    activity_from = forms.DateField(
        label=_("Dernière activité du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    activity_to = forms.DateField(label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    favourites = forms.BooleanField(label=_("Mes favoris uniquement"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args: Any, groups: Iterable[int], **kwargs: Any) -> None:
        """``groups``: the ids of the active product groups, the only ones the filter accepts."""
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", ""), *((pk, pk) for pk in groups)]  # type: ignore[attr-defined]

    def filters(self) -> OverviewFilters:
        """The valid parameters only; an unknown sort or a bad date is as if absent."""
        if not self.is_bound:
            return OverviewFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data.setdefault("sort", DEFAULT_SORT)
        return OverviewFilters(**data)

    def query_string(self, *, without: tuple[str, ...] = ()) -> str:
        """The valid parameters as a query string, for pagination and sort links (bookmarkable)."""
        params = QueryDict(mutable=True)
        if not self.is_bound:
            return ""
        self.is_valid()
        for name, value in self.cleaned_data.items():
            if name in without or value in (None, "", False) or (name == "sort" and value == DEFAULT_SORT):
                continue
            if value is True:
                value = "on"
            params[name] = str(value)
        return params.urlencode()


class TransitionForm(forms.Form):
    """A workflow button on the dossier page: which action, from which status the page showed."""

    action = forms.ChoiceField(choices=[(a.value, a.value) for a in DEALER_BUTTONS])
    expected = forms.ChoiceField(choices=Status.choices)


class FavouriteForm(forms.Form):
    starred = forms.BooleanField(required=False)
