"""The one way a dealer view gets a dossier: the request's customer's, or 404."""

from __future__ import annotations

from accounts.tenancy import DealerRequest, get_owned_or_404

from .models import Dossier


def get_dossier_or_404(request: DealerRequest, pk: int, *, columns: bool = True, read_state: bool = False) -> Dossier:
    """The customer's dossier ``pk`` or 404; ``columns=False`` for pages that show only its header,
    ``read_state`` to know in the same query whether the reader has read its last message
    (``is_read``, for ``services.mark_dossier_seen``)."""
    queryset = Dossier.objects.with_list_columns().select_related("customer") if columns else Dossier.objects.all()
    if read_state:
        queryset = queryset.with_read_state(request.user)
    return get_owned_or_404(request, queryset, pk=pk)
