"""The one way a dealer view gets a dossier: the request's customer's, or 404."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.tenancy import get_owned_or_404

from .models import Dossier


def get_dossier_or_404(request: HttpRequest, pk: int, *, columns: bool = True) -> Dossier:
    """The customer's dossier ``pk`` or 404; ``columns=False`` for pages that show only its header."""
    queryset = Dossier.objects.with_list_columns().select_related("customer") if columns else Dossier.objects.all()
    return get_owned_or_404(request, queryset, pk=pk)  # type: ignore[no-any-return]
