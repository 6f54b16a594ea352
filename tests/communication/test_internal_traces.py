"""An Interne message leaves no trace that staff can see: not in the dossier's last
activity, not in the dossier admin, not in the history inline, not in the outbox admin."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from communication.models import Audience, Message, MessageType
from dossiers.models import Dossier
from mailer.models import OutboundMail


def test_internal_message_moves_the_unread_marker_but_not_last_activity(
    dossier: Dossier, post: Callable[..., Message]
) -> None:
    dossier.refresh_from_db()
    before = dossier.last_activity_at
    message = post(type=MessageType.REMARK, audience=Audience.INTERNAL, body="Entre nous")
    dossier.refresh_from_db()
    assert dossier.last_activity_at == before
    assert dossier.last_message_at == message.created_at


def test_public_message_moves_last_activity(dossier: Dossier, post: Callable[..., Message]) -> None:
    message = post(type=MessageType.REMARK, body="Pour Renson")
    dossier.refresh_from_db()
    assert dossier.last_activity_at == message.created_at == dossier.last_message_at


def test_dossier_admin_shows_nothing_of_internal_messages(
    superuser_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    post(type=MessageType.REMARK, audience=Audience.INTERNAL, body="Marge confidentielle")
    page = superuser_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Marge confidentielle" not in page
    assert "last_message_at" not in page
    assert "Message ajouté" not in page  # the history inline hides the Interne event


def test_mails_about_internal_messages_are_marked_and_hidden_from_the_outbox_admin(
    superuser_client, post, owner, colleague, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False):
        note = post(type=MessageType.REMARK, audience=Audience.INTERNAL, author=owner, body="Marge 12 %")
        post(
            type=MessageType.REMARK,
            audience=Audience.INTERNAL,
            author=colleague,
            parent=note,
            body="Réponse interne confidentielle",
        )
    mails = OutboundMail.objects.filter(related_message_id__isnull=False)
    internal_mail = mails.get(recipient=owner.email)  # the colleague's answer notifies the author
    assert internal_mail.internal  # marked when queued
    changelist = superuser_client.get(reverse("admin:mailer_outboundmail_changelist"))
    assert changelist.status_code == 200
    assert owner.email not in changelist.content.decode()
    change = superuser_client.get(reverse("admin:mailer_outboundmail_change", args=[internal_mail.pk]))
    assert change.status_code == 302  # the admin's answer for an object it cannot find
    assert "confidentielle" not in superuser_client.get(change["Location"]).content.decode()
