"""The documents' panel on the staff page (« État du service », ``ops.status``).

Documents waiting for a worker (pending), those whose task is overdue (it was lost and the
sweep has not queued it again yet), and the failed ones staff can regenerate.
Two queries whatever the table holds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ops.status import Panel

from .models import Document, DocumentState
from .tasks import lost

FAILED_LISTED = 10


def context(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    # Later than this and a pending document's task was lost, and the sweep has not taken it yet.
    overdue = timedelta(seconds=settings.DOCUMENTS_SWEEP_GRACE_SECONDS + settings.DOCUMENTS_SWEEP_INTERVAL_SECONDS)
    pending = Q(state=DocumentState.PENDING)
    counts = Document.objects.aggregate(
        pending=Count("pk", filter=pending),
        retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
        overdue=Count("pk", filter=lost(now=now, late=overdue)),
        failed=Count("pk", filter=Q(state=DocumentState.FAILED)),
        oldest_pending=Min("created_at", filter=pending),
    )
    failed = list(
        Document.objects.filter(state=DocumentState.FAILED)
        .select_related("dossier")
        .order_by("-updated_at", "-pk")
        .only("pk", "kind", "number", "attempts", "last_error", "updated_at", "dossier__number")[:FAILED_LISTED]
    )
    changelist = reverse("admin:documents_document_changelist")
    oldest = counts["oldest_pending"]
    return {
        **counts,
        "oldest_pending_seconds": round((now - oldest).total_seconds()) if oldest else None,
        "grace": round(overdue.total_seconds()),
        "failed_documents": [
            {"document": document, "url": reverse("admin:documents_document_change", args=[document.pk])}
            for document in failed
        ],
        "pending_url": f"{changelist}?state__exact={DocumentState.PENDING}",
        "failed_url": f"{changelist}?state__exact={DocumentState.FAILED}",
        "alert": bool(counts["failed"] or counts["overdue"]),
    }


PANEL = Panel(
    key="documents.documents",
    title=_("Documents générés"),
    template="admin/documents/panel_documents.html",
    context=context,
    permission="documents.view_document",
    order=30,
)
