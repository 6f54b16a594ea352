"""Warranty documents, replies between dealers and staff, and a Redis outage while posting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication import services
from communication.models import Message, MessageType
from dossiers.models import Dossier
from mailer.models import MailStatus, OutboundMail
from tests.celery_publishing import celery_publishing
from tests.smtp import SmtpSink, body_text, free_port

from .conftest import error_codes, upload

pytestmark = pytest.mark.django_db


def _mails() -> list[tuple[str, str]]:
    return sorted(OutboundMail.objects.values_list("recipient", "template"))


def test_warranty_document_is_in_the_thread_and_mailed_with_its_file(
    post: Callable[..., Message],
    owner: User,
    owner_client: Client,
    dossier: Dossier,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    post(body="question")  # the owner wrote in the thread
    OutboundMail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        document = post(
            author=None,
            type=MessageType.WARRANTY_DOCUMENT,
            title="Document de garantie",
            body="",
            files=[upload("garantie.pdf", b"%PDF warranty")],
        )
    assert _mails() == [(owner.email, "message_posted")]
    [mail] = smtp_sink.to(owner.email)
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("garantie.pdf", b"%PDF warranty")
    html = owner_client.get(reverse("communication:message-list", kwargs={"pk": dossier.pk})).content.decode()
    assert f'id="message-{document.pk}"' in html
    assert "Document de garantie" in html


def test_dealer_cannot_post_a_warranty_document(post: Callable[..., Message]) -> None:
    with pytest.raises(ValidationError) as refused:
        post(type=MessageType.WARRANTY_DOCUMENT, files=[upload()])
    assert error_codes(refused.value) == {"type": ["type_refused"]}


def test_dealer_reply_to_the_contacts_answer_mails_the_contact_once(
    post: Callable[..., Message], staff: User, owner: User, colleague: User
) -> None:
    remark = post(body="Quand ?")
    answer = services.answer_message(parent=remark, author=staff, body="Mardi")
    OutboundMail.objects.all().delete()
    post(author=colleague, body="Merci, mardi convient.", parent=answer)
    # The contact is both "author of the answered message" and "contact person": one mail.
    assert _mails() == [(staff.email, "message_answer")]


def test_reply_in_the_portal_mails_the_answered_colleague(
    post: Callable[..., Message],
    owner: User,
    colleague: User,
    staff: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    parent = post(author=colleague, body="Qui passe sur chantier ?")
    OutboundMail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        post(body="Moi, jeudi.", parent=parent)
    assert _mails() == sorted([(colleague.email, "message_answer"), (staff.email, "message_posted")])
    [mail] = smtp_sink.to(colleague.email)
    assert mail["Content-Language"] == "nl"  # the colleague's language


def test_redis_down_when_posting_saves_the_message_and_queues_the_mail(
    owner_client: Client, dossier: Dossier, staff: User, django_capture_on_commit_callbacks
) -> None:
    add = reverse("communication:message-create", kwargs={"pk": dossier.pk})
    token = str(owner_client.get(add).context["form"].initial["form_token"])
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    with celery_publishing(broker_url=dead_broker), django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            add, {"form_token": token, "type": "remark", "audience": "renson", "body": "Redis est en panne"}
        )
    assert response.status_code == 302
    assert Message.objects.get().body == "Redis est en panne"
    mail = OutboundMail.objects.get()
    assert (mail.recipient, mail.status) == (staff.email, MailStatus.QUEUED)  # the sweep sends it later
    assert "Redis est en panne" in mail.body_text
    page = owner_client.get(response["Location"])
    assert page.status_code == 200


def test_french_mail_body_for_a_french_contact(
    post: Callable[..., Message], staff: User, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(type=MessageType.COMPLAINT, body="Lamelles cassées")
    [mail] = smtp_sink.to(staff.email)
    assert mail["Content-Language"] == "fr"
    assert "Plainte" in mail["Subject"]
    assert "Lamelles cassées" in body_text(mail)


def test_dossier_without_contact_person_mails_the_account_manager(
    post: Callable[..., Message], dossier: Dossier, staff: User
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(contact_person=None)
    dossier.refresh_from_db()
    post(body="Personne ?")
    assert _mails() == [(staff.email, "message_posted")]
