"""The one way a dealer view gets a dossier: the request's customer's, or 404."""

from __future__ import annotations

from accounts.tenancy import DealerRequest, get_owned_or_404

from .models import Dossier


def get_dossier_or_404(request: DealerRequest, pk: int, *, columns: bool = True) -> Dossier:
    """The customer's dossier ``pk`` or 404; ``columns=False`` for pages that show only its header."""
    queryset = Dossier.objects.with_list_columns().select_related("customer") if columns else Dossier.objects.all()
    return get_owned_or_404(request, queryset, pk=pk)
