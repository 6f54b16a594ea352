"""The mail outbox's panel on the staff page (« État du service », ``ops.status``).

The backlog (mails waiting, being sent, overdue) and the failed mails staff can resend.
Two queries whatever the outbox holds. Mails that carry an Interne message are counted in
the backlog but never listed (staff never read them, see ``mailer.admin``).
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

from .delivery import stale_before
from .models import MailStatus, OutboundMail

FAILED_LISTED = 10


def context(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    # Later than this and a queued mail is overdue: its task was lost and the sweep has not taken it yet.
    overdue = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + settings.OUTBOX_SWEEP_INTERVAL_SECONDS)
    queued = Q(status=MailStatus.QUEUED)
    counts = OutboundMail.objects.aggregate(
        queued=Count("pk", filter=queued),
        due=Count("pk", filter=queued & Q(next_attempt_at__lte=now)),
        overdue=Count("pk", filter=queued & Q(next_attempt_at__lte=overdue)),
        sending=Count("pk", filter=Q(status=MailStatus.SENDING)),
        stale=Count("pk", filter=Q(status=MailStatus.SENDING, claimed_at__lte=stale_before(now))),
        failed=Count("pk", filter=Q(status=MailStatus.FAILED, internal=False)),
        oldest_due=Min("next_attempt_at", filter=queued & Q(next_attempt_at__lte=now)),
    )
    failed = list(
        OutboundMail.objects.filter(status=MailStatus.FAILED, internal=False)
        .order_by("-created_at", "-pk")
        .only("pk", "recipient", "subject", "created_at", "attempts", "last_error")[:FAILED_LISTED]
    )
    changelist = reverse("admin:mailer_outboundmail_changelist")
    oldest = counts["oldest_due"]
    return {
        **counts,
        "oldest_due_seconds": round((now - oldest).total_seconds()) if oldest else None,
        "failed_mails": [
            {"mail": mail, "url": reverse("admin:mailer_outboundmail_change", args=[mail.pk])} for mail in failed
        ],
        "failed_url": f"{changelist}?status__exact={MailStatus.FAILED}",
        "queued_url": f"{changelist}?status__exact={MailStatus.QUEUED}",
        "grace": settings.OUTBOX_SWEEP_GRACE_SECONDS + settings.OUTBOX_SWEEP_INTERVAL_SECONDS,
        "alert": bool(counts["failed"] or counts["overdue"] or counts["stale"]),
    }


PANEL = Panel(
    key="mailer.outbox",
    title=_("E-mails sortants"),
    template="admin/mailer/panel_outbox.html",
    context=context,
    permission="mailer.view_outboundmail",
    order=20,
)
