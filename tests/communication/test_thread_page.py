"""The Communication tab as each reader sees it, and what it costs: a real thread (files of
one's own and a colleague's, linked files, a complaint answered by staff, Interne messages,
replies, a deactivated annex) printed the same for every viewer, in a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication import services
from communication.models import Audience, ComplaintState, Message, MessageType
from dossiers.models import Dossier

from .conftest import upload

pytestmark = pytest.mark.django_db


def _thread(dossier: Dossier) -> str:
    return reverse("communication:message-list", kwargs={"pk": dossier.pk})


def _card(html: str, message: Message) -> str:
    """The ``<li>`` of one message."""
    start = html.index(f'id="message-{message.pk}"')
    end = html.find('<li class="card', start)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def real_thread(
    post: Callable[..., Message], owner: User, colleague: User, staff: User, dossier: Dossier
) -> dict[str, Message]:
    own_annex = post(type=MessageType.ANNEX, title="Plans d'exécution", body="", files=[upload("plan.pdf")])
    their_annex = post(type=MessageType.ANNEX, title="Photos", body="", author=colleague, files=[upload("photo.jpg")])
    remark = post(body="Voici le métré", files=[upload("metre.pdf")])
    linked = post(body="Voir le plan", linked_attachments=list(own_annex.attachments.all()))
    complaint = post(type=MessageType.COMPLAINT, title="Toile déchirée", body="À la livraison")
    services.change_complaint_state(
        complaint=complaint.complaint,
        state=ComplaintState.IN_PROGRESS,
        handler=staff,
        answer="Nous remplaçons la toile.",
    )
    internal = post(audience=Audience.INTERNAL, body="Marge à revoir", author=colleague)
    internal_reply = post(audience=Audience.INTERNAL, body="D'accord", parent=internal)
    answer = services.answer_message(parent=remark, author=staff, body="Bien reçu")
    gone = post(type=MessageType.ANNEX, title="Ancien plan", body="", files=[upload("ancien.pdf")])
    reply_to_gone = post(body="Ceci remplace", parent=gone)
    services.deactivate_annex(message=gone, user=owner)
    return {
        "own_annex": own_annex,
        "their_annex": their_annex,
        "remark": remark,
        "linked": linked,
        "complaint": complaint,
        "internal": internal,
        "internal_reply": internal_reply,
        "answer": answer,
        "gone": gone,
        "reply_to_gone": reply_to_gone,
    }


def test_the_gear_and_desactiver_are_on_the_readers_own_files_only(
    owner_client: Client, colleague_client: Client, dossier: Dossier, real_thread: dict[str, Message]
) -> None:
    mine = owner_client.get(_thread(dossier)).content.decode()
    theirs = colleague_client.get(_thread(dossier)).content.decode()  # in Dutch: the colleague's language
    own_annex, their_annex, remark = real_thread["own_annex"], real_thread["their_annex"], real_thread["remark"]
    base = f"/dossiers/{dossier.pk}/communication"

    def gear_of_annex(message: Message) -> str:
        return f'action="{base}/{message.pk}/deactivate/"'

    def gear_of_file(message: Message) -> str:
        return f'action="{base}/files/{message.attachments.get().pk}/deactivate/"'

    # The owner: a gear on their annex (Django's escaping: &#x27;), one on their remark's file,
    # none on the colleague's annex, none on a linked file.
    assert 'aria-label="Actions de l&#x27;annexe Plans d&#x27;exécution"' in _card(mine, own_annex)
    assert gear_of_annex(own_annex) in mine and gear_of_annex(their_annex) not in mine
    assert gear_of_file(remark) in _card(mine, remark)
    assert "deactivate/" not in _card(mine, their_annex) + _card(mine, real_thread["linked"])
    # The files of an own annex have no gear of their own: the annex's one is for all.
    assert gear_of_file(own_annex) not in mine
    # The colleague: the other way round.
    assert gear_of_annex(their_annex) in _card(theirs, their_annex)
    assert "deactivate/" not in _card(theirs, own_annex) + _card(theirs, remark)


def test_files_sizes_links_complaint_and_replies_are_printed(
    owner_client: Client, dossier: Dossier, real_thread: dict[str, Message]
) -> None:
    html = owner_client.get(_thread(dossier)).content.decode()
    remark, linked, complaint = real_thread["remark"], real_thread["linked"], real_thread["complaint"]
    file = remark.attachments.get()
    assert f'href="/dossiers/{dossier.pk}/communication/files/{file.pk}/download/" download>metre.pdf</a>' in _card(
        html, remark
    )
    assert "13\u00a0o" in _card(html, remark)  # b"%PDF-1.4 plan", as the reader's language writes it
    assert "Fichiers joints\u00a0:" in _card(html, linked) and "plan.pdf" in _card(html, linked)
    card = _card(html, complaint)
    assert 'data-complaint-state="in_progress"' in card
    assert "Plainte\u00a0: En cours de traitement" in card
    assert "Nous remplaçons la toile." in card
    # A reply links to what it answers, unless that was an annex since deactivated.
    answer = _card(html, real_thread["answer"])
    assert f'<a href="#message-{remark.pk}">Remarque</a>' in answer and "(Renson)" in answer
    gone = _card(html, real_thread["reply_to_gone"])
    assert "En réponse à Annexe" in gone and f"#message-{real_thread['gone'].pk}" not in gone
    assert f'id="message-{real_thread["gone"].pk}"' not in html  # the deactivated annex left the thread
    # Interne: for the customer's users, marked; its reply in its audience.
    for key in ("internal", "internal_reply"):
        card = _card(html, real_thread[key])
        assert 'data-audience="internal"' in card and "text-bg-warning" in card and "Interne" in card
    assert f'<li class="card mb-3 border-warning" id="message-{real_thread["internal"].pk}"' in html
    # « Répondre » on others' messages only.
    assert "Répondre" not in _card(html, remark)
    assert "Répondre" in _card(html, real_thread["answer"])


def test_staff_have_no_portal_thread_and_never_read_interne(
    staff_client: Client, staff: User, dossier: Dossier, real_thread: dict[str, Message]
) -> None:
    assert staff_client.get(_thread(dossier)).status_code in (302, 403, 404)  # the portal's tab is the dealers'
    seen = set(Message.objects.visible_to(staff).filter(dossier=dossier).in_thread().values_list("pk", flat=True))
    assert real_thread["remark"].pk in seen
    assert real_thread["internal"].pk not in seen and real_thread["internal_reply"].pk not in seen


@pytest.mark.parametrize("extra", [0, 40, 45])
def test_thread_query_budget(
    owner_client: Client,
    dossier: Dossier,
    real_thread: dict[str, Message],
    post: Callable[..., Message],
    extra: int,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for i in range(extra):
        post(body=f"message {i}", files=[upload(f"f{i}.pdf")] if i % 4 == 0 else [])
    owner_client.get(_thread(dossier))  # marks the dossier read
    shown = len(real_thread) - 1 + extra  # the deactivated annex left the thread
    # Session, user with customer, dossier with the reader's read state, messages (with their
    # files, own and linked, and the thread's count): a second page costs nothing more.
    with django_assert_max_num_queries(4):
        response = owner_client.get(_thread(dossier))
    html = response.content.decode()
    assert len(re.findall(r'<li class="card', html)) == min(shown, 50)
    assert ("?page=2" in html) == (shown > 50)
    if shown > 50:
        second = owner_client.get(_thread(dossier), {"page": 2}).content.decode()
        assert len(re.findall(r'<li class="card', second)) == shown - 50


def test_opening_the_tab_clears_the_unread_marker_until_the_next_message(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message], colleague: User
) -> None:
    overview = reverse("dossiers:dossier-list")

    def unread() -> bool:
        return (
            f'<tr data-dossier="{dossier.number}" class="dossier-unread' in owner_client.get(overview).content.decode()
        )

    post(body="Pour toi", author=colleague)
    assert unread()
    owner_client.get(_thread(dossier))
    assert not unread()
    owner_client.get(_thread(dossier))  # already read: nothing written, still read
    assert not unread()
    post(body="Encore une chose", author=colleague)
    assert unread()
