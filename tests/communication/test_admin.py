"""The back-office: no Interne message for any staff member (superuser included), answers,
the complaint queue and file downloads."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication.models import Attachment, Audience, Complaint, ComplaintState, Message, MessageType
from dossiers.models import Dossier, EventKind, HistoryEvent
from mailer.models import OutboundMail
from tests.smtp import SmtpSink, body_text

from .conftest import upload

pytestmark = pytest.mark.django_db

SECRET = "Marge secrète 42%"


@pytest.fixture
def internal(post: Callable[..., Message], colleague: User) -> Message:
    return post(
        type=MessageType.ANNEX,
        audience=Audience.INTERNAL,
        author=colleague,
        title="Interne",
        body=SECRET,
        files=[upload("marges-internes.xlsx", b"secret")],
    )


@pytest.fixture
def public(post: Callable[..., Message]) -> Message:
    return post(body="Question pour Renson", files=[upload("visible.pdf")])


@pytest.fixture
def contact_client(staff: User) -> Client:
    """The contact person with the back-office rights of the communication app."""
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="communication"))
    client = Client()
    client.force_login(staff)
    return client


def _url(name: str, *args: object) -> str:
    return reverse(f"admin:communication_{name}", args=args)


@pytest.mark.parametrize("who", ["superuser_client", "contact_client"])
def test_no_staff_member_sees_internal_messages_anywhere_in_the_admin(
    request: pytest.FixtureRequest, who: str, internal: Message, public: Message, dossier: Dossier
) -> None:
    client: Client = request.getfixturevalue(who)
    internal_file = internal.attachments.get()

    # Changelists, with and without search, and their counts.
    response = client.get(_url("message_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].full_result_count == 1
    assert SECRET not in response.content.decode()
    for query in [SECRET, "Marge", dossier.number, dossier.customer.number, "Interne"]:
        found = client.get(_url("message_changelist"), {"q": query})
        assert internal.pk not in [m.pk for m in found.context["cl"].result_list]
    filtered = client.get(_url("message_changelist"), {"audience__exact": "internal"})
    assert filtered.context["cl"].result_count == 0
    files = client.get(_url("attachment_changelist"))
    assert "marges-internes.xlsx" not in files.content.decode()
    assert files.context["cl"].full_result_count == 1
    assert "marges-internes.xlsx" not in client.get(_url("attachment_changelist"), {"q": "marges"}).content.decode()

    # Change, history, delete pages and the answer form: 404.
    for url in [
        _url("message_change", internal.pk),
        _url("message_history", internal.pk),
        _url("message_delete", internal.pk),
        _url("message_answer", internal.pk),
        _url("attachment_change", internal_file.pk),
        _url("attachment_history", internal_file.pk),
        _url("attachment_download", internal_file.pk),
    ]:
        assert client.get(url).status_code == 404, url

    # Inlines of a visible message never list Interne replies or files.
    page = client.get(_url("message_change", public.pk))
    assert page.status_code == 200
    assert "visible.pdf" in page.content.decode()
    assert SECRET not in page.content.decode()

    # The dossier's history (admin and queryset) and the dossier page.
    dossier_page = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert SECRET not in dossier_page
    user = response.wsgi_request.user
    events = HistoryEvent.objects.visible_to(user).filter(dossier=dossier, kind=EventKind.MESSAGE_POSTED)
    assert [e.data["message_id"] for e in events] == [public.pk]

    # No mail to any staff member about it.
    staff_addresses = set(User.objects.filter(is_staff=True).values_list("email", flat=True))
    internal_mails = OutboundMail.objects.filter(related_message_id=internal.pk)
    assert not internal_mails.filter(recipient__in=staff_addresses).exists()


def test_interne_reply_under_a_public_message_is_not_an_inline(
    superuser_client: Client, public: Message, post: Callable[..., Message], colleague: User
) -> None:
    post(author=colleague, audience=Audience.INTERNAL, body=SECRET, parent=None)
    post(author=colleague, audience=Audience.RENSON, body="Réponse publique", parent=public)
    page = superuser_client.get(_url("message_change", public.pk)).content.decode()
    assert "Réponse publique" in page
    assert SECRET not in page


def test_complaint_queue_never_shows_internal(superuser_client: Client, post: Callable[..., Message]) -> None:
    post(type=MessageType.COMPLAINT, body="Plainte visible")
    # An Interne complaint cannot be posted; one forced into the table stays hidden anyway.
    hidden = post(audience=Audience.INTERNAL, body=SECRET)
    Complaint.objects.create(dossier=hidden.dossier, message=hidden)
    response = superuser_client.get(_url("complaint_changelist"))
    assert response.context["cl"].full_result_count == 1
    assert superuser_client.get(_url("complaint_change", hidden.complaint.pk)).status_code == 404


def test_bodies_are_text_in_the_admin(superuser_client: Client, post: Callable[..., Message]) -> None:
    message = post(body='<script>alert(1)</script> {{ x }} {% now "Y" %} <a href="javascript:alert(1)">x</a>')
    for url in [_url("message_changelist"), _url("message_change", message.pk), _url("message_answer", message.pk)]:
        html = superuser_client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
        assert 'href="javascript:' not in html, url


def test_contact_answers_a_remark_and_the_author_is_mailed(
    contact_client: Client,
    public: Message,
    owner: User,
    staff: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    change = contact_client.get(_url("message_change", public.pk)).content.decode()
    assert _url("message_answer", public.pk) in change
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(_url("message_answer", public.pk), {"body": "Livraison mardi."})
    assert response.status_code == 302
    answer = Message.objects.get(parent=public)
    assert (answer.author, answer.type, answer.audience) == (staff, MessageType.REMARK, Audience.RENSON)
    [mail] = smtp_sink.to(owner.email)
    assert "réponse à votre remarque" in body_text(mail)
    assert "Livraison mardi." in body_text(mail)


def test_complaint_actions_move_the_state_and_mail_the_dealer(
    contact_client: Client,
    post: Callable[..., Message],
    owner: User,
    staff: User,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    complaint = post(type=MessageType.COMPLAINT, body="Lamelle cassée").complaint
    changelist = _url("complaint_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        contact_client.post(changelist, {"action": "mark_in_progress", "_selected_action": [complaint.pk]})
    complaint.refresh_from_db()
    assert (complaint.state, complaint.handler) == (ComplaintState.IN_PROGRESS, staff)

    # Resolve: an intermediate page asks for the answer.
    page = contact_client.post(changelist, {"action": "mark_resolved", "_selected_action": [complaint.pk]})
    assert page.status_code == 200
    assert "Réponse au revendeur" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        contact_client.post(
            changelist,
            {"action": "mark_resolved", "_selected_action": [complaint.pk], "apply": "1", "answer": "Pièce envoyée."},
        )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answer) == (ComplaintState.RESOLVED, "Pièce envoyée.")
    mails = smtp_sink.to(owner.email)
    assert len(mails) == 2
    assert "Pièce envoyée." in body_text(mails[-1])
    # Filters and search of the queue.
    for params in [{"state__exact": "resolved"}, {"handler__id__exact": staff.pk}, {"q": "Lamelle"}]:
        assert contact_client.get(changelist, params).context["cl"].result_count == 1


def test_complaint_change_form_goes_through_the_service(
    contact_client: Client, post: Callable[..., Message], owner: User
) -> None:
    complaint = post(type=MessageType.COMPLAINT, body="Bruit").complaint
    OutboundMail.objects.all().delete()
    response = contact_client.post(
        _url("complaint_change", complaint.pk), {"state": "rejected", "answer": "Hors garantie."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answer) == (ComplaintState.REJECTED, "Hors garantie.")
    assert list(OutboundMail.objects.values_list("recipient", "template")) == [(owner.email, "complaint_state")]


def test_complaint_change_form_refuses_an_illegal_move_with_a_form_error(
    contact_client: Client, post: Callable[..., Message]
) -> None:
    from django.contrib.admin.models import LogEntry

    complaint = post(type=MessageType.COMPLAINT, body="Bruit").complaint
    complaint.state = ComplaintState.REJECTED
    complaint.save()
    OutboundMail.objects.all().delete()
    response = contact_client.post(_url("complaint_change", complaint.pk), {"state": "resolved", "answer": "Réglé."})
    assert response.status_code == 200  # the form again, not a redirect with "changed successfully"
    assert "ne peut pas passer à" in unescape(response.content.decode())
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answer) == (ComplaintState.REJECTED, "")
    assert not OutboundMail.objects.exists()
    assert not LogEntry.objects.exists()


def test_deactivated_attachments_stay_downloadable_in_the_admin(
    contact_client: Client, annex: Message, owner: User
) -> None:
    from communication.services import deactivate_attachment

    attachment: Attachment = deactivate_attachment(attachment=annex.attachments.get(), user=owner)
    listing = contact_client.get(_url("attachment_changelist"), {"is_active__exact": "0"}).content.decode()
    assert "plan.pdf" in listing
    response = contact_client.get(_url("attachment_download", attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_staff_posts_an_annex_from_the_admin_and_the_dealers_are_mailed(
    contact_client: Client, post: Callable[..., Message], dossier: Dossier, owner: User, staff: User
) -> None:
    post(body="question")
    OutboundMail.objects.all().delete()
    add = _url("message_add")
    assert contact_client.get(add).status_code == 200
    response = contact_client.post(
        add,
        {"dossier_number": dossier.number, "type": "annex", "title": "Plan révisé", "file": [upload("rev.pdf")]},
    )
    assert response.status_code == 302
    message = Message.objects.get(author=staff)
    assert (message.type, message.audience, message.dossier) == (MessageType.ANNEX, Audience.RENSON, dossier)
    assert message.attachments.get().original_name == "rev.pdf"
    assert list(OutboundMail.objects.values_list("recipient", flat=True)) == [owner.email]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"dossier_number": "nope", "type": "remark", "body": "x"}, "dossier_number"),
        ({"type": "annex", "title": "t"}, "file"),
        ({"type": "remark"}, "body"),
        ({"type": "complaint", "body": "x"}, "type"),
    ],
)
def test_staff_post_form_is_validated(contact_client: Client, dossier: Dossier, data: dict, field: str) -> None:
    data.setdefault("dossier_number", dossier.number)
    response = contact_client.post(_url("message_add"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Message.objects.exists()


def test_answer_with_a_file(contact_client: Client, public: Message, owner: User) -> None:
    response = contact_client.post(
        _url("message_answer", public.pk), {"body": "Voici le plan.", "file": [upload("reponse.pdf")]}
    )
    assert response.status_code == 302
    answer = Message.objects.get(parent=public)
    assert answer.attachments.get().original_name == "reponse.pdf"


def test_staff_without_rights_cannot_post_or_answer(staff_client: Client, public: Message) -> None:
    assert staff_client.get(_url("message_add")).status_code == 403
    assert staff_client.get(_url("message_answer", public.pk)).status_code == 404
    assert staff_client.get(_url("message_changelist")).status_code == 403


def test_admin_lists_query_count_does_not_grow(superuser_client: Client, post: Callable[..., Message]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> tuple[int, ...]:
        counts = []
        for name in ["message_changelist", "attachment_changelist", "complaint_changelist"]:
            with CaptureQueriesContext(connection) as ctx:
                assert superuser_client.get(_url(name)).status_code == 200
            counts.append(len(ctx.captured_queries))
        return tuple(counts)

    post(type=MessageType.COMPLAINT, body="x", files=[upload()])
    before = queries()
    for i in range(30):
        post(type=MessageType.COMPLAINT, body=f"x{i}", files=[upload(f"f{i}.pdf")])
    assert queries() == before


def test_view_only_staff_cannot_move_complaints_answer_or_post(
    backoffice_viewer: User, post: Callable[..., Message], public: Message, dossier: Dossier
) -> None:
    """Looking is all the view permissions allow: each write below once went through."""
    complaint = post(type=MessageType.COMPLAINT, body="Lamelle cassée").complaint
    OutboundMail.objects.all().delete()
    client = Client()
    client.force_login(backoffice_viewer)
    changelist = _url("complaint_changelist")

    page = client.get(changelist)
    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action offered
    client.post(changelist, {"action": "mark_in_progress", "_selected_action": [complaint.pk]})
    client.post(
        changelist,
        {"action": "mark_resolved", "_selected_action": [complaint.pk], "apply": "1", "answer": "Réglé."},
    )
    refused = client.post(_url("complaint_change", complaint.pk), {"state": "rejected", "answer": "Non."})
    assert refused.status_code == 403
    complaint.refresh_from_db()
    assert (complaint.state, complaint.handler, complaint.answer) == (ComplaintState.NEW, None, "")

    assert client.get(_url("message_answer", public.pk)).status_code == 403
    assert client.post(_url("message_answer", public.pk), {"body": "Réponse"}).status_code == 403
    assert (
        client.post(_url("message_add"), {"dossier_number": dossier.number, "type": "remark", "body": "x"}).status_code
        == 403
    )
    assert not Message.objects.filter(author=backoffice_viewer).exists()
    assert _url("message_answer", public.pk) not in client.get(_url("message_change", public.pk)).content.decode()
    assert _url("message_answer", public.pk) not in client.get(_url("message_changelist")).content.decode()
    assert not OutboundMail.objects.exists()


def test_answer_to_an_interne_message_is_404_even_for_view_only_staff(
    backoffice_viewer: User, internal: Message
) -> None:
    client = Client()
    client.force_login(backoffice_viewer)
    assert client.get(_url("message_answer", internal.pk)).status_code == 404  # not 403: nothing to confirm
