"""post_message and friends: one transaction, history, read marks, complaints, mails."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from communication import services
from communication.models import Attachment, Audience, Complaint, ComplaintState, Message, MessageType
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from mailer.models import OutboundMail
from tests.factories import DealerFactory, StaffFactory
from tests.smtp import SmtpSink, body_text

from .conftest import error_codes, upload

pytestmark = pytest.mark.django_db


def test_post_message_records_history_and_last_message(post: Callable[..., Message], dossier: Dossier) -> None:
    message = post(body="Pouvez-vous vérifier les cotes ?")
    dossier.refresh_from_db()
    assert dossier.last_message_at == message.created_at
    event = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.MESSAGE_POSTED)
    assert event.internal is False
    assert event.data["message_id"] == message.pk


def test_internal_message_history_event_is_internal(post: Callable[..., Message], dossier: Dossier) -> None:
    post(audience=Audience.INTERNAL, body="entre nous")
    event = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.MESSAGE_POSTED)
    assert event.internal is True
    assert not HistoryEvent.objects.visible_to(StaffFactory(is_superuser=True)).filter(pk=event.pk).exists()


def test_annex_files_are_stored_under_the_dossier_with_sanitised_names(
    post: Callable[..., Message], dossier: Dossier, owner: User
) -> None:
    message = post(
        type=MessageType.ANNEX,
        title="Plans",
        files=[upload("../../etc/passwd", b"root:x"), upload("r\u202egnp.exe", b"MZ")],
    )
    first, second = message.attachments.order_by("id")
    assert first.original_name == "passwd"
    assert second.original_name == "rgnp.exe"
    assert first.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert ".." not in str(first.file.name)
    assert first.file.read() == b"root:x"
    assert (first.size, first.uploaded_by) == (6, owner)


def test_same_form_token_posts_once(post: Callable[..., Message], dossier: Dossier) -> None:
    import uuid

    key = uuid.uuid4()
    first = post(body="une fois", idempotency_key=key)
    second = post(body="une fois", idempotency_key=key)
    assert first.pk == second.pk
    assert Message.objects.filter(dossier=dossier).count() == 1
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.MESSAGE_POSTED).count() == 1


def test_staff_cannot_post_internal(post: Callable[..., Message], staff: User) -> None:
    with pytest.raises(ValidationError) as refused:
        post(author=staff, audience=Audience.INTERNAL)
    assert error_codes(refused.value) == {"audience": ["internal_refused"]}


@pytest.mark.parametrize("kind", [MessageType.COMPLAINT, MessageType.SERVICE_REQUEST])
def test_complaints_cannot_be_internal(post: Callable[..., Message], dossier: Dossier, kind: str) -> None:
    dossier.status = Status.COMPLETED
    dossier.save()
    with pytest.raises(ValidationError) as refused:
        post(type=kind, audience=Audience.INTERNAL)
    assert error_codes(refused.value) == {"audience": ["internal_refused"]}


def test_who_may_post_which_types(dossier: Dossier, owner: User, staff: User, outsider: User) -> None:
    assert services.allowed_types(owner, dossier) == (
        MessageType.ANNEX,
        MessageType.EMAIL,
        MessageType.REMARK,
        MessageType.COMPLAINT,
        MessageType.SERVICE_REQUEST,
    )
    staff_types = (MessageType.ANNEX, MessageType.REMARK, MessageType.WARRANTY_DOCUMENT)
    assert services.allowed_types(staff, dossier) == staff_types
    assert services.allowed_types(None, dossier) == staff_types  # the system
    assert services.allowed_types(outsider, dossier) == ()


@pytest.mark.parametrize("kind", [MessageType.COMPLAINT, MessageType.SERVICE_REQUEST, MessageType.EMAIL, "not-a-type"])
def test_staff_may_post_only_annexes_remarks_and_warranty_documents(
    post: Callable[..., Message], dossier: Dossier, staff: User, kind: str
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.COMPLETED)
    dossier.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        post(author=staff, type=kind, title="t", body="Texte", recipients=["a@example.com"])
    assert error_codes(refused.value)["type"] == ["invalid" if kind == "not-a-type" else "type_refused"]
    assert not Message.objects.exists()


def test_staff_complaint_is_refused_on_the_type_alone(post: Callable[..., Message], staff: User) -> None:
    with pytest.raises(ValidationError) as refused:
        post(author=staff, type=MessageType.COMPLAINT, body="Plainte")
    assert error_codes(refused.value) == {"type": ["type_refused"]}
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": MessageType.ANNEX, "title": "", "files": []}, {"title": ["required"], "files": ["required"]}),
        ({"type": MessageType.REMARK, "body": "   "}, {"body": ["required"]}),
        (
            {"type": MessageType.EMAIL, "title": "", "body": "", "recipients": []},
            {"recipients": ["required"], "title": ["required"], "body": ["required"]},
        ),
        ({"type": MessageType.REMARK, "recipients": ["a@example.com"]}, {"recipients": ["not_email"]}),
    ],
)
def test_each_type_carries_its_own_fields(
    post: Callable[..., Message], fields: dict[str, object], expected: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as refused:
        post(**fields)
    assert error_codes(refused.value) == expected


def test_a_reply_to_an_internal_message_stays_internal(post: Callable[..., Message], colleague: User) -> None:
    note = post(audience=Audience.INTERNAL, body="entre nous")
    with pytest.raises(ValidationError) as refused:
        post(author=colleague, parent=note, audience=Audience.RENSON, body="pour Renson")
    assert error_codes(refused.value) == {"audience": ["internal_reply"]}


def test_an_internal_file_cannot_go_with_a_message_for_the_manufacturer(
    post: Callable[..., Message], internal_annex: Message
) -> None:
    with pytest.raises(ValidationError) as refused:
        post(
            type=MessageType.EMAIL,
            title="Plans",
            body="Voici.",
            recipients=["archi@example.com"],
            linked_attachments=[internal_annex.attachments.get()],
        )
    assert error_codes(refused.value) == {"linked_attachments": ["internal_attachment"]}


@pytest.mark.parametrize(
    ("files", "setting", "code"),
    [
        (lambda: [upload(f"f{i}.pdf") for i in range(3)], {"ATTACHMENT_MAX_FILES": 2}, "too_many_files"),
        (lambda: [upload("vide.pdf", b"")], {}, "empty_file"),
        (lambda: [upload("gros.pdf", b"x" * 2000)], {"ATTACHMENT_MAX_BYTES": 1000}, "file_too_large"),
    ],
)
def test_upload_limits_hold_for_every_caller(
    post: Callable[..., Message], settings, files, setting: dict[str, int], code: str
) -> None:  # type: ignore[no-untyped-def]
    for key, value in setting.items():
        setattr(settings, key, value)
    with pytest.raises(ValidationError) as refused:
        post(type=MessageType.ANNEX, title="Plans", files=files())
    assert error_codes(refused.value) == {"files": [code]}
    assert not Attachment.objects.exists()


def test_dealer_cannot_post_in_another_customers_dossier(post: Callable[..., Message], outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        post(author=outsider)


def test_complaint_registers_a_new_complaint(post: Callable[..., Message], dossier: Dossier) -> None:
    message = post(type=MessageType.COMPLAINT, body="Le moteur fait du bruit")
    complaint = Complaint.objects.get(message=message)
    assert (complaint.dossier, complaint.state) == (dossier, ComplaintState.NEW)


def test_service_request_refused_unless_completed(post: Callable[..., Message], dossier: Dossier) -> None:
    with pytest.raises(ValidationError, match="contactez votre personne de contact chez Renson") as refused:
        post(type=MessageType.SERVICE_REQUEST, body="Toile déchirée")
    assert error_codes(refused.value) == {"__all__": ["service_refused"]}
    assert not Message.objects.exists()


def test_service_request_on_completed_dossier_registers_complaint_and_changes_status(
    post: Callable[..., Message], dossier: Dossier
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.COMPLETED)
    dossier.refresh_from_db()
    message = post(type=MessageType.SERVICE_REQUEST, body="Toile déchirée")
    dossier.refresh_from_db()
    assert dossier.status == Status.SERVICE_REQUESTED
    assert Complaint.objects.get(message=message).state == ComplaintState.NEW


def test_deactivate_attachment_only_by_its_uploader(annex: Message, colleague: User, owner: User) -> None:
    attachment = annex.attachments.get()
    with pytest.raises(PermissionDenied):
        services.deactivate_attachment(attachment=attachment, user=colleague)
    services.deactivate_attachment(attachment=attachment, user=owner)
    services.deactivate_attachment(attachment=attachment, user=owner)  # double click
    attachment.refresh_from_db()
    assert (attachment.is_active, attachment.deactivated_by) == (False, owner)
    assert attachment.file.storage.exists(attachment.file.name)  # kept in storage
    assert HistoryEvent.objects.filter(kind=EventKind.ATTACHMENT_DEACTIVATED).count() == 1
    assert not Attachment.objects.active().filter(pk=attachment.pk).exists()


# --- notifications -------------------------------------------------------------------------


def _mails() -> list[tuple[str, str]]:
    return sorted(OutboundMail.objects.values_list("recipient", "template"))


def test_dealer_remark_mails_the_contact_person(
    post: Callable[..., Message], staff: User, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = post(body="<script>alert(1)</script> {{ x }} {% now 'Y' %} javascript:alert(1)")
    assert _mails() == [(staff.email, "message_posted")]
    [received] = smtp_sink.messages
    assert received["To"] == staff.email
    html = body_text(received, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }} {% now &#x27;Y&#x27; %} javascript:alert(1)" in html
    assert "<script>alert(1)</script> {{ x }} {% now 'Y' %}" in body_text(received)
    assert f"/admin/communication/message/{message.pk}/change/" in body_text(received)


def test_internal_message_never_mails_staff(post: Callable[..., Message], colleague: User) -> None:
    parent = post(audience=Audience.INTERNAL, body="interne")
    post(audience=Audience.INTERNAL, author=colleague, body="réponse interne", parent=parent)
    recipients = [r for r, _t in _mails()]
    assert recipients == ["marie@dupont.example"]  # the colleague answered the owner, nobody else


def test_staff_message_mails_the_dealers_who_wrote_in_the_thread_once(
    post: Callable[..., Message], staff: User, owner: User, colleague: User
) -> None:
    first = post(body="question")
    post(author=colleague, body="moi aussi")
    post(author=colleague, audience=Audience.INTERNAL, body="interne")
    DealerFactory(customer=owner.customer)  # never wrote: not mailed
    OutboundMail.objects.all().delete()
    services.answer_message(parent=first, author=staff, body="Voici la réponse")
    assert _mails() == [(colleague.email, "message_posted"), (owner.email, "message_answer")]


def test_staff_answer_mails_the_author_that_it_answers_their_remark(
    post: Callable[..., Message],
    staff: User,
    owner: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    remark = post(body="Quand livrez-vous ?")
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_message(parent=remark, author=staff, body="Mardi <b>matin</b>")
    assert answer.parent == remark
    [received] = smtp_sink.to(owner.email)
    assert "Réponse à votre remarque" in received["Subject"]
    text = body_text(received)
    assert "réponse à votre remarque" in text
    assert "Mardi <b>matin</b>" in text
    assert f"/dossiers/{remark.dossier_id}/communication/#message-{answer.pk}" in text
    assert "Mardi &lt;b&gt;matin&lt;/b&gt;" in body_text(received, "html")


def test_staff_cannot_answer_internal(post: Callable[..., Message], staff: User) -> None:
    message = post(audience=Audience.INTERNAL)
    with pytest.raises(PermissionDenied):
        services.answer_message(parent=message, author=staff, body="x")


def test_email_type_mails_only_its_recipients_with_reply_to_the_user(
    post: Callable[..., Message],
    annex: Message,
    owner: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    OutboundMail.objects.all().delete()
    attachment = annex.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        message = post(
            type=MessageType.EMAIL,
            title="Plans du chantier",
            body="Voici les plans.",
            recipients=["archi@example.com", "client@example.org"],
            linked_attachments=[attachment],
        )
    assert _mails() == [("archi@example.com", "message_email"), ("client@example.org", "message_email")]
    assert message.email_recipients == ["archi@example.com", "client@example.org"]
    received = smtp_sink.to("archi@example.com")[0]
    assert received["Reply-To"] == owner.email
    sender = received["From"].addresses[0]
    assert sender.addr_spec == "noreply@ereps.localhost"
    assert "Menuiserie Dupont" in sender.display_name
    assert received["Subject"] == "Plans du chantier"
    [part] = [p for p in received.iter_attachments()]
    assert part.get_filename() == "plan.pdf"
    assert [env[1] for env in smtp_sink.envelopes] == [["archi@example.com"], ["client@example.org"]]


@pytest.mark.parametrize(
    ("first_name", "shown"),
    [
        ("CEO Renson <ceo@renson.example>", "CEO Renson (Menuiserie Dupont)"),
        ("ceo@renson.example", "(Menuiserie Dupont)"),
        ("CEO \uff1cceo\uff20renson.example\uff1e Renson", "CEO Renson (Menuiserie Dupont)"),
        ("Marie <b>", "Marie b (Menuiserie Dupont)"),
    ],
)
def test_email_sender_name_cannot_pass_for_an_address(
    post: Callable[..., Message],
    owner: User,
    smtp_sink: SmtpSink,
    first_name: str,
    shown: str,
    django_capture_on_commit_callbacks,
) -> None:
    owner.first_name, owner.last_name = first_name, ""
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(type=MessageType.EMAIL, title="Offre", body="Voici.", recipients=["archi@example.com"])
    [received] = smtp_sink.to("archi@example.com")
    [sender] = received["From"].addresses
    assert (sender.addr_spec, sender.display_name) == ("noreply@ereps.localhost", shown)
    assert '"' + shown + '"' in received.as_string()  # quoted: the parentheses are plain text
    assert received["Reply-To"] == owner.email


def test_complaint_state_change_mails_the_dealer(
    post: Callable[..., Message],
    staff: User,
    owner: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    complaint = post(type=MessageType.COMPLAINT, body="Lamelles cassées").complaint
    OutboundMail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_complaint_state(complaint=complaint, state=ComplaintState.IN_PROGRESS, handler=staff)
        services.change_complaint_state(complaint=complaint, state=ComplaintState.IN_PROGRESS, handler=staff)
        services.change_complaint_state(
            complaint=complaint, state=ComplaintState.RESOLVED, handler=staff, answer="Remplacement envoyé"
        )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.handler) == (ComplaintState.RESOLVED, staff)
    assert complaint.answer == "Remplacement envoyé"
    assert complaint.closed_at is not None
    assert _mails() == [(owner.email, "complaint_state"), (owner.email, "complaint_state")]
    assert "Remplacement envoyé" in body_text(smtp_sink.messages[-1])
    with pytest.raises(services.ComplaintMoveRefused):
        services.change_complaint_state(complaint=complaint, state=ComplaintState.NEW, handler=staff)


@pytest.mark.parametrize(
    ("recipients", "code"),
    [
        ([], "required"),
        ([f"a{i}@example.com" for i in range(51)], "too_many"),
        (["a@x.be, b@y.be"], "invalid"),  # two addresses in one entry
        (["a@x.be\nBcc: spy@evil.example"], "line_break"),
    ],
)
def test_email_recipients_are_checked_by_the_service_too(
    post: Callable[..., Message], recipients: list[str], code: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        post(type=MessageType.EMAIL, title="Plans", body="Voici.", recipients=recipients)
    assert error_codes(refused.value) == {"recipients": [code]}
    assert not Message.objects.filter(type=MessageType.EMAIL).exists()
