"""« Désactiver » (FAQ: « Votre annexe est supprimée »): the gear of an Annexe card removes the
annexe from the thread for every dealer; the Historique and the admin keep it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication import services
from communication.models import Attachment, Message, MessageType
from dossiers.models import Dossier, EventKind, HistoryEvent

from .conftest import upload

pytestmark = pytest.mark.django_db


def _thread(dossier: Dossier) -> str:
    return reverse("communication:message-list", kwargs={"pk": dossier.pk})


def _annex_deactivate(dossier: Dossier, message: Message) -> str:
    return reverse("communication:annex-deactivate", kwargs={"pk": dossier.pk, "message": message.pk})


def _file_deactivate(dossier: Dossier, attachment: Attachment) -> str:
    return reverse("communication:attachment-deactivate", kwargs={"pk": dossier.pk, "attachment": attachment.pk})


def _card(message: Message) -> str:
    return f'id="message-{message.pk}"'


def test_the_gear_removes_the_annex_from_the_thread_for_every_dealer(
    owner_client: Client, colleague_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    annex = post(type=MessageType.ANNEX, title="Photo du chantier", files=[upload("a.jpg"), upload("b.jpg")])
    assert _card(annex) in owner_client.get(_thread(dossier)).content.decode()

    response = owner_client.post(_annex_deactivate(dossier, annex))

    assert response.status_code == 302
    assert not Attachment.objects.filter(message=annex, is_active=True).exists()
    for client in (owner_client, colleague_client):
        client.get(_thread(dossier))  # the flash message, once
        html = client.get(_thread(dossier)).content.decode()
        assert _card(annex) not in html
        assert "Photo du chantier" not in html
    assert Message.objects.filter(pk=annex.pk).exists()  # kept, not deleted


def test_the_last_file_deactivated_one_by_one_removes_the_annex(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    annex = post(type=MessageType.ANNEX, title="Plans", files=[upload("a.pdf"), upload("b.pdf")])
    first, second = annex.attachments.order_by("id")

    owner_client.post(_file_deactivate(dossier, first))
    owner_client.get(_thread(dossier))  # the flash message, once
    html = owner_client.get(_thread(dossier)).content.decode()
    assert _card(annex) in html and "b.pdf" in html and "a.pdf" not in html

    owner_client.post(_file_deactivate(dossier, second))
    owner_client.get(_thread(dossier))
    assert _card(annex) not in owner_client.get(_thread(dossier)).content.decode()


def test_a_remark_keeps_its_text_and_loses_only_its_file(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    remark = post(type=MessageType.REMARK, body="Voici la photo de la fissure.", files=[upload("fissure.jpg")])
    attachment = remark.attachments.get()
    html = owner_client.get(_thread(dossier)).content.decode()
    # A file of another type keeps a gear of its own, named after the file.
    assert 'aria-label="Actions du fichier fissure.jpg"' in html

    owner_client.post(_file_deactivate(dossier, attachment))

    owner_client.get(_thread(dossier))
    html = owner_client.get(_thread(dossier)).content.decode()
    assert _card(remark) in html
    assert "Voici la photo de la fissure." in html
    assert "fissure.jpg" not in html


def test_the_historique_keeps_annexe_desactivee(
    owner_client: Client, dossier: Dossier, annex: Message, owner: User
) -> None:
    owner_client.post(_annex_deactivate(dossier, annex))
    event = HistoryEvent.objects.get(kind=EventKind.ATTACHMENT_DEACTIVATED)
    assert event.actor == owner
    html = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk})).content.decode()
    assert "Annexe désactivée" in html
    assert "Plans" in html


def test_staff_still_see_the_annex_in_the_admin_marked_as_deactivated(
    owner_client: Client, superuser_client: Client, dossier: Dossier, annex: Message, post: Callable[..., Message]
) -> None:
    remark = post(body="Une remarque")
    owner_client.post(_annex_deactivate(dossier, annex))

    page = superuser_client.get(reverse("admin:communication_message_change", args=[annex.pk]))
    assert page.status_code == 200
    assert "Annexe désactivée" in page.content.decode()
    changelist = superuser_client.get(reverse("admin:communication_message_changelist")).content.decode()
    assert changelist.count("Annexe désactivée") == 1
    assert (
        "Annexe désactivée"
        not in superuser_client.get(reverse("admin:communication_message_change", args=[remark.pk])).content.decode()
    )
    files = superuser_client.get(reverse("admin:communication_attachment_changelist")).content.decode()
    assert "plan.pdf" in files


def test_one_gear_per_own_annex_card_with_its_own_accessible_name(
    owner_client: Client, colleague_client: Client, dossier: Dossier, post: Callable[..., Message], colleague: User
) -> None:
    mine = post(type=MessageType.ANNEX, title="Plans", files=[upload("a.pdf"), upload("b.pdf")])
    theirs = post(type=MessageType.ANNEX, title="Métré", files=[upload("m.pdf")], author=colleague)
    html = owner_client.get(_thread(dossier)).content.decode()

    assert html.count('aria-label="Actions de l&#x27;annexe Plans"') == 1
    assert "Actions de l&#x27;annexe Métré" not in html
    assert "Actions du fichier" not in html  # the files of an Annexe share its one gear
    # The dossier's own gear is named apart.
    assert f"Actions du dossier {dossier.number}" in html
    # « Désactiver » is a POST with its CSRF token, to the annexe's URL.
    action = re.escape(_annex_deactivate(dossier, mine))
    assert re.search(
        f'<form method="post" action="{action}" data-once><input type="hidden" name="csrfmiddlewaretoken"', html
    )
    assert _card(theirs) in html


def test_annex_deactivation_needs_csrf(owner: User, dossier: Dossier, annex: Message) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(_annex_deactivate(dossier, annex)).status_code == 403
    assert annex.attachments.get().is_active


def test_only_its_author_deactivates_an_annex(
    colleague_client: Client, owner_client: Client, dossier: Dossier, annex: Message, post: Callable[..., Message]
) -> None:
    assert colleague_client.get(_annex_deactivate(dossier, annex)).status_code == 404
    assert colleague_client.post(_annex_deactivate(dossier, annex)).status_code == 404
    assert annex.attachments.get().is_active
    remark = post(body="Pas une annexe", files=[upload()])
    assert owner_client.post(_annex_deactivate(dossier, remark)).status_code == 404
    assert remark.attachments.get().is_active


def test_confirmation_page_without_javascript_and_a_double_post(
    owner_client: Client, dossier: Dossier, annex: Message
) -> None:
    page = owner_client.get(_annex_deactivate(dossier, annex))
    assert page.status_code == 200
    assert "Plans" in page.content.decode()
    assert owner_client.post(_annex_deactivate(dossier, annex)).status_code == 302
    # Gone from the thread: a second POST (a double click, a stale tab) is a 404, nothing more logged.
    assert owner_client.post(_annex_deactivate(dossier, annex)).status_code == 404
    assert HistoryEvent.objects.filter(kind=EventKind.ATTACHMENT_DEACTIVATED).count() == 1


def test_a_reply_to_a_removed_annex_stays_but_no_longer_links_to_it(
    owner_client: Client, colleague_client: Client, dossier: Dossier, annex: Message, post: Callable[..., Message]
) -> None:
    reply = post(body="Bien reçu", parent=annex, author=User.objects.get(email="jan@dupont.example"))
    reply_url = reverse("communication:message-reply", kwargs={"pk": dossier.pk, "message": annex.pk})
    assert colleague_client.get(reply_url).status_code == 200
    owner_client.post(_annex_deactivate(dossier, annex))

    html = colleague_client.get(_thread(dossier)).content.decode()
    assert _card(reply) in html and "Bien reçu" in html
    assert f'href="#message-{annex.pk}"' not in html
    assert colleague_client.get(reply_url).status_code == 404


def test_deactivate_annex_service_rules(annex: Message, owner: User, colleague: User, dossier: Dossier) -> None:
    with pytest.raises(PermissionDenied):
        services.deactivate_annex(message=annex, user=colleague)
    done = services.deactivate_annex(message=annex, user=owner)
    assert [a.original_name for a in done] == ["plan.pdf"]
    assert services.deactivate_annex(message=annex, user=owner) == []  # nothing more to log
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.ATTACHMENT_DEACTIVATED).count() == 1
    assert not Message.objects.in_thread().filter(pk=annex.pk).exists()
