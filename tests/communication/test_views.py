"""The Communication tab in the portal: thread, « Ajouter », replies, files, bad input."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication.models import Attachment, Audience, Complaint, Message, MessageType
from dossiers.models import Dossier, DossierSeen, EventKind, HistoryEvent, Status
from mailer.models import OutboundMail
from tests.factories import DossierFactory

from .conftest import upload

pytestmark = pytest.mark.django_db


def _thread(dossier: Dossier) -> str:
    return reverse("communication:message-list", kwargs={"pk": dossier.pk})


def _add(dossier: Dossier) -> str:
    return reverse("communication:message-create", kwargs={"pk": dossier.pk})


def _token(client: Client, dossier: Dossier) -> str:
    form = client.get(_add(dossier)).context["form"]
    return str(form.initial["form_token"])


def _post(client: Client, in_dossier: Dossier, **data: object) -> object:
    data.setdefault("form_token", _token(client, in_dossier))
    data.setdefault("audience", Audience.RENSON)
    return client.post(_add(in_dossier), data)


# --- thread ----------------------------------------------------------------------------------


def test_thread_lists_messages_newest_first_with_type_author_audience_and_files(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message], annex: Message
) -> None:
    later = post(body="Deuxième message")
    response = owner_client.get(_thread(dossier))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'id="message-{later.pk}"') < html.index(f'id="message-{annex.pk}"')
    assert "Annexe" in html and "Remarque" in html
    assert "Groupe-cible\u00a0: Renson" in html
    assert "plan.pdf" in html
    assert "Ajouter" in html
    assert 'aria-label="Actions de l&#x27;annexe Plans"' in html
    assert "Désactiver" in html


def test_opening_the_tab_marks_the_dossier_seen(
    owner_client: Client, owner: User, colleague: User, dossier: Dossier, post: Callable[..., Message]
) -> None:
    post(body="Les lames sont livrées mardi.", author=colleague)  # unread for the owner
    owner_client.get(_thread(dossier))
    assert DossierSeen.objects.filter(user=owner, dossier=dossier).exists()


def test_bodies_are_shown_as_text(owner_client: Client, dossier: Dossier, post: Callable[..., Message]) -> None:
    post(body='<script>alert(1)</script> {{ secret }} {% debug %} <a href="javascript:alert(1)">x</a>')
    html = owner_client.get(_thread(dossier)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ secret }} {% debug %}" in html
    assert 'href="javascript:' not in html


def test_gear_menu_only_on_own_attachments(colleague_client: Client, dossier: Dossier, annex: Message) -> None:
    html = colleague_client.get(_thread(dossier)).content.decode()
    assert "plan.pdf" in html
    assert "Actions de l&#x27;annexe Plans" not in html
    assert "Désactiver" not in html


def test_colleague_sees_internal_messages(
    colleague_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    post(audience=Audience.INTERNAL, body="Marge à revoir")
    html = colleague_client.get(_thread(dossier)).content.decode()
    assert "Marge à revoir" in html
    assert 'data-audience="internal"' in html


def test_thread_query_count_does_not_grow_with_messages(
    owner_client: Client,
    dossier: Dossier,
    post: Callable[..., Message],
    staff: User,
    django_assert_max_num_queries,
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(_thread(dossier)).status_code == 200
        return len(ctx.captured_queries)

    first = post(type=MessageType.ANNEX, title="Plans", files=[upload()])
    one = count()
    for i in range(49):
        kind = [MessageType.REMARK, MessageType.ANNEX, MessageType.COMPLAINT][i % 3]
        post(
            type=kind,
            title="t" if kind == MessageType.ANNEX else "",
            body=f"message {i}",
            files=[upload(f"f{i}.pdf")] if kind == MessageType.ANNEX else [],
            parent=first if i % 5 == 0 else None,
        )
    assert Message.objects.filter(dossier=dossier).count() == 50
    fifty = count()
    assert fifty == one
    with django_assert_max_num_queries(one):
        owner_client.get(_thread(dossier))


# --- « Ajouter » ------------------------------------------------------------------------------


def test_add_form_labels_are_the_faqs(owner_client: Client, dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.COMPLETED)  # « Demande de service » offered
    html = owner_client.get(_add(dossier)).content.decode()
    for label in ["Annexe", "E-mail", "Remarque", "Plainte", "Demande de service", "Groupe-cible", "Renson"]:
        assert label in html
    assert "Interne" in html
    assert "Fichier" in html
    assert "Enregistrer" in html
    assert "Document de garantie" not in html  # the system's, not the dealer's


def test_annex_is_saved_with_its_files_and_history(owner_client: Client, dossier: Dossier, owner: User) -> None:
    response = _post(
        owner_client,
        dossier,
        type="annex",
        title="Plans façade",
        file=[upload("plan.pdf"), upload("photo.jpg", b"\xff\xd8jpeg", "image/jpeg")],
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.type, message.title, message.author) == ("annex", "Plans façade", owner)
    assert sorted(message.attachments.values_list("original_name", flat=True)) == ["photo.jpg", "plan.pdf"]
    assert HistoryEvent.objects.filter(kind=EventKind.MESSAGE_POSTED, dossier=dossier).exists()


def test_double_submit_of_one_form_saves_one_message(owner_client: Client, dossier: Dossier) -> None:
    token = _token(owner_client, dossier)
    for _ in range(2):
        response = _post(owner_client, dossier, type="remark", body="Une seule fois", form_token=token)
        assert response.status_code == 302
    assert Message.objects.count() == 1
    assert OutboundMail.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"type": "annex", "title": "Sans fichier"}, {"file": ["required"]}),
        ({"type": "annex"}, {"title": ["required"], "file": ["required"]}),
        ({"type": "remark"}, {"body": ["required"]}),
        ({"type": "email", "subject": "x", "body": "y"}, {"recipients": ["required"]}),
        ({"type": "email", "recipients": "a@example.com", "body": "y"}, {"subject": ["required"]}),
        (
            {"type": "email", "recipients": "a@example.com, faux", "subject": "x", "body": "y"},
            {"recipients": ["invalid"]},
        ),
        ({"type": "complaint", "audience": "internal", "body": "x"}, {"audience": ["internal_refused"]}),
        ({"type": "warranty_document", "body": "x"}, {"type": ["invalid_choice"]}),
        ({"type": "remark", "audience": "everyone", "body": "x"}, {"audience": ["invalid_choice"]}),
        ({"type": "service_request", "body": "x"}, {"__all__": ["service_refused"]}),
    ],
)
def test_each_type_is_validated_by_the_server(
    owner_client: Client, dossier: Dossier, data: dict, errors: dict[str, list[str]]
) -> None:
    response = _post(owner_client, dossier, **data)
    assert response.status_code == 200
    found = response.context["form"].errors.as_data()
    assert {field: [error.code for error in found[field]] for field in found} == errors
    assert not Message.objects.exists()


def test_fields_of_other_types_are_ignored(owner_client: Client, dossier: Dossier) -> None:
    _post(owner_client, dossier, type="remark", body="Texte", title="titre", recipients="x@example.com", subject="s")
    message = Message.objects.get()
    assert (message.title, message.email_recipients) == ("", [])


def test_mass_assignment_is_ignored(
    owner_client: Client, dossier: Dossier, owner: User, colleague: User, outsider: User, staff: User
) -> None:
    other = DossierFactory(customer=outsider.customer)
    _post(
        owner_client,
        dossier,
        type="remark",
        body="Texte",
        author=staff.pk,
        author_id=colleague.pk,
        dossier=other.pk,
        dossier_id=other.pk,
        customer=outsider.customer_id,
        idempotency_key="00000000-0000-0000-0000-000000000000",
    )
    message = Message.objects.get()
    assert (message.author, message.dossier, message.audience) == (owner, dossier, Audience.RENSON)


def test_reply_audience_comes_from_the_parent_not_the_post(
    colleague_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    parent = post(audience=Audience.INTERNAL, body="interne")
    url = reverse("communication:message-reply", kwargs={"pk": dossier.pk, "message": parent.pk})
    token = str(colleague_client.get(url).context["form"].initial["form_token"])
    response = colleague_client.post(url, {"body": "ok", "form_token": token, "audience": "renson"})
    assert response.status_code == 302
    reply = Message.objects.get(parent=parent)
    assert reply.audience == Audience.INTERNAL
    # The answered colleague is told, staff are not.
    assert list(OutboundMail.objects.values_list("recipient", "template")) == [
        ("marie@dupont.example", "message_answer")
    ]


def test_email_recipients_are_validated_one_by_one(owner_client: Client, dossier: Dossier) -> None:
    response = _post(owner_client, dossier, type="email", recipients="ok@example.com, faux, a@b", subject="s", body="b")
    errors = " ".join(response.context["form"].errors["recipients"])
    assert "«\u00a0faux\u00a0»" in errors and "«\u00a0a@b\u00a0»" in errors and "ok@example.com" not in errors


@pytest.mark.parametrize(
    "recipients",
    ["a@b.c\r\nBcc: x@y.z", ", ".join(f"user{i}@example.com" for i in range(500))],
)
def test_email_header_injection_and_too_many_recipients_refused(
    owner_client: Client, dossier: Dossier, recipients: str
) -> None:
    response = _post(owner_client, dossier, type="email", recipients=recipients, subject="s", body="b")
    assert response.status_code == 200
    assert "recipients" in response.context["form"].errors
    assert not OutboundMail.objects.exists()


def test_email_subject_with_line_break_cannot_inject_headers(
    owner_client: Client, dossier: Dossier, smtp_sink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _post(owner_client, dossier, type="email", recipients="a@example.com", subject="Hi\r\nBcc: x@y.z", body="b")
    for message in smtp_sink.messages:
        assert message["Bcc"] is None
    assert all(rcpts == ["a@example.com"] for _sender, rcpts in smtp_sink.envelopes)


def test_email_with_files_of_the_dossier(owner_client: Client, dossier: Dossier, annex: Message) -> None:
    attachment = annex.attachments.get()
    OutboundMail.objects.all().delete()
    response = _post(
        owner_client,
        dossier,
        type="email",
        recipients="archi@example.com, bureau@example.org",
        subject="Plans",
        body="Ci-joint",
        attachments=[attachment.pk],
    )
    assert response.status_code == 302
    message = Message.objects.get(type="email")
    assert list(message.linked_attachments.all()) == [attachment]
    mails = OutboundMail.objects.order_by("recipient")
    assert [m.recipient for m in mails] == ["archi@example.com", "bureau@example.org"]
    assert mails[0].attachments[0]["name"] == "plan.pdf"
    assert "archi@example.com, bureau@example.org" in owner_client.get(_thread(dossier)).content.decode()


def test_email_cannot_attach_a_file_of_another_dossier(
    owner_client: Client, dossier: Dossier, customer, owner: User, post: Callable[..., Message]
) -> None:
    other = DossierFactory(customer=customer)
    foreign = post(dossier=other, type=MessageType.ANNEX, title="x", files=[upload()]).attachments.get()
    response = _post(
        owner_client, dossier, type="email", recipients="a@example.com", subject="s", body="b", attachments=[foreign.pk]
    )
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors


@pytest.mark.parametrize(
    ("files", "setting", "message"),
    [
        (lambda: [upload("gros.pdf", b"x" * 2000)], {"ATTACHMENT_MAX_BYTES": 1000}, "gros.pdf"),
        (lambda: [upload(f"f{i}.pdf") for i in range(3)], {"ATTACHMENT_MAX_FILES": 2}, "Au maximum 2 fichiers"),
        (lambda: [upload("vide.pdf", b"")], {}, "vide"),
    ],
)
def test_upload_limits_give_a_clear_form_error(
    owner_client: Client, dossier: Dossier, settings, files, setting: dict, message: str
) -> None:
    for key, value in setting.items():
        setattr(settings, key, value)
    response = _post(owner_client, dossier, type="annex", title="t", file=files())
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert not Attachment.objects.exists()


def test_service_request_refused_unless_completed(owner_client: Client, dossier: Dossier) -> None:
    response = _post(owner_client, dossier, type="service_request", body="Toile déchirée")
    assert response.status_code == 200
    assert "contactez votre personne de contact chez Renson" in response.content.decode()
    assert not Message.objects.exists()


def test_service_request_on_completed_dossier(owner_client: Client, dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.COMPLETED)
    response = _post(owner_client, dossier, type="service_request", body="Toile déchirée")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SERVICE_REQUESTED
    complaint = Complaint.objects.get()
    html = Client()
    html.force_login(complaint.message.author)
    assert "Plainte\u00a0: Nouvelle" in html.get(_thread(dossier)).content.decode()


# --- files -----------------------------------------------------------------------------------


def _download(dossier: Dossier, attachment: Attachment) -> str:
    return reverse("communication:attachment-download", kwargs={"pk": dossier.pk, "attachment": attachment.pk})


def _deactivate(dossier: Dossier, attachment: Attachment) -> str:
    return reverse("communication:attachment-deactivate", kwargs={"pk": dossier.pk, "attachment": attachment.pk})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("../../etc/passwd", b"root:x:0:0"),
        ("factu\u202eexe.pdf", b"MZ"),
        ("écran été.js", b"alert(1)"),
    ],
)
def test_download_is_always_an_attachment_never_inline(
    owner_client: Client, colleague_client: Client, dossier: Dossier, post: Callable[..., Message], name, content
) -> None:
    message = post(type=MessageType.ANNEX, title="t", files=[upload(name, content, "text/html")])
    attachment = message.attachments.get()
    response = colleague_client.get(_download(dossier, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in unquote(disposition) and "\u202e" not in unquote(disposition)
    assert "sandbox" in response["Content-Security-Policy"]
    if not attachment.original_name.isascii():
        assert "filename*=utf-8''" in disposition


def test_deactivate_from_the_gear_menu(owner_client: Client, dossier: Dossier, annex: Message) -> None:
    attachment = annex.attachments.get()
    assert owner_client.get(_deactivate(dossier, attachment)).status_code == 200  # confirmation without JS
    response = owner_client.post(_deactivate(dossier, attachment))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert not attachment.is_active
    html = owner_client.get(_thread(dossier)).content.decode()  # shows the flash message once
    html = owner_client.get(_thread(dossier)).content.decode()
    assert f'id="attachment-{attachment.pk}"' not in html
    assert "plan.pdf" not in html
    assert owner_client.get(_download(dossier, attachment)).status_code == 404
    assert HistoryEvent.objects.filter(kind=EventKind.ATTACHMENT_DEACTIVATED).count() == 1


def test_only_the_uploader_can_deactivate(colleague_client: Client, dossier: Dossier, annex: Message) -> None:
    attachment = annex.attachments.get()
    assert colleague_client.post(_deactivate(dossier, attachment)).status_code == 404
    attachment.refresh_from_db()
    assert attachment.is_active


# --- wrong ids, wrong methods ------------------------------------------------------------------


def test_ids_of_another_dossier_or_customer_are_404(
    owner_client: Client,
    outsider_client: Client,
    dossier: Dossier,
    customer,
    outsider: User,
    annex: Message,
    post: Callable[..., Message],
) -> None:
    attachment = annex.attachments.get()
    same_customer_other_dossier = DossierFactory(customer=customer)
    foreign_dossier = DossierFactory(customer=outsider.customer)
    foreign = post(dossier=foreign_dossier, author=outsider, type=MessageType.ANNEX, title="x", files=[upload()])
    foreign_attachment = foreign.attachments.get()
    # (url, what a POST gets: 405 from the GET-only download before any lookup, else 404)
    for url, post_status in [
        (_download(same_customer_other_dossier, attachment), 405),
        (_deactivate(same_customer_other_dossier, attachment), 404),
        (
            reverse("communication:message-reply", kwargs={"pk": same_customer_other_dossier.pk, "message": annex.pk}),
            404,
        ),
        (_download(dossier, foreign_attachment), 405),
        (_deactivate(dossier, foreign_attachment), 404),
        (reverse("communication:message-reply", kwargs={"pk": dossier.pk, "message": foreign.pk}), 404),
    ]:
        assert owner_client.get(url).status_code == 404, url
        assert owner_client.post(url).status_code == post_status, url
    # Through a form: a foreign attachment id in the E-mail's files is not a choice.
    response = _post(
        owner_client,
        dossier,
        type="email",
        recipients="a@example.com",
        subject="s",
        body="b",
        attachments=[foreign_attachment.pk],
    )
    assert "attachments" in response.context["form"].errors
    for url in [_download(dossier, attachment), _deactivate(dossier, attachment), _thread(dossier), _add(dossier)]:
        assert outsider_client.get(url).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods_are_405(owner_client: Client, dossier: Dossier, annex: Message, method: str) -> None:
    attachment = annex.attachments.get()
    for url in [_thread(dossier), _add(dossier), _download(dossier, attachment), _deactivate(dossier, attachment)]:
        assert getattr(owner_client, method)(url).status_code == 405, url
    assert owner_client.post(_thread(dossier)).status_code == 405
    assert owner_client.post(_download(dossier, attachment)).status_code == 405


def test_anonymous_is_sent_to_login(dossier: Dossier, annex: Message) -> None:
    attachment = annex.attachments.get()
    for url in [_thread(dossier), _add(dossier), _download(dossier, attachment), _deactivate(dossier, attachment)]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_add_and_reply_pages_query_count_does_not_grow_with_files(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    first = post(type=MessageType.ANNEX, title="t", files=[upload()])
    reply = reverse("communication:message-reply", kwargs={"pk": dossier.pk, "message": first.pk})
    before = (_queries(owner_client, _add(dossier)), _queries(owner_client, reply))
    for i in range(20):
        post(type=MessageType.ANNEX, title="t", files=[upload(f"f{i}.pdf"), upload(f"g{i}.pdf")])
    assert (_queries(owner_client, _add(dossier)), _queries(owner_client, reply)) == before
