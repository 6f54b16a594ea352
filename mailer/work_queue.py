"""Failed mails in « À traiter » (see :mod:`workqueue`): staff resend them from the outbox list.

Counted for everybody only: a mail is the back office's to resend, whoever's customer it
was for. Mails carrying an Interne message are never counted (staff never see them).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from workqueue import Line
from workqueue import register as add

from .models import MailStatus, OutboundMail


def failed_mails(request: Any) -> list[Line]:
    count = OutboundMail.objects.filter(status=MailStatus.FAILED, internal=False).count()
    url = f"{reverse('admin:mailer_outboundmail_changelist')}?status__exact={MailStatus.FAILED.value}"
    return [Line(_("E-mails en échec"), count, url, mine=False)]


def register() -> None:
    add("mailer.failed", failed_mails, permissions=("mailer.view_outboundmail", "mailer.change_outboundmail"), order=40)
