"""The thread's cards in the shared cache (communication.thread_cards): served again when nothing
they are printed from changed, printed again the moment anything did, never with a CSRF token,
and the page still whole when the cache is away. Against the real Redis of the test settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from communication import document_cards, services
from communication.models import THREAD_COLUMNS, Audience, ComplaintState, Message, MessageType, thread_rows
from communication.thread_cards import CSRF_FIELD_PLACEHOLDER
from dossiers.models import Dossier

from .conftest import upload

pytestmark = pytest.mark.django_db

CARD_PREFIX = "communication:card:"
THREAD_PREFIX = "communication:thread:"


def _thread(dossier: Dossier) -> str:
    return reverse("communication:message-list", kwargs={"pk": dossier.pk})


def _page(client: Client, dossier: Dossier, **query: str) -> str:
    response = client.get(_thread(dossier), query)
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str, message: Message) -> str:
    start = html.index(f'id="message-{message.pk}"')
    end = html.find('<li class="card', start)
    return html[start : end if end != -1 else len(html)]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _stored(prefix: str) -> dict[str, str]:
    """The entries of this test run (its key prefix) whose keys start with ``prefix``."""
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    full_prefix = cache.make_key(prefix)
    names = [key.decode()[len(full_prefix) - len(prefix) :] for key in client.keys(full_prefix + "*")]
    return {name: cache.get(name) for name in names}


def _stored_cards() -> dict[str, str]:
    return _stored(CARD_PREFIX)


def _stored_threads() -> dict[str, str]:
    return _stored(THREAD_PREFIX)


@pytest.fixture(autouse=True)
def _empty_card_cache() -> Iterator[None]:
    cache.delete_many([*_stored_cards(), *_stored_threads()])
    yield
    cache.delete_many([*_stored_cards(), *_stored_threads()])


@pytest.fixture
def thread(post: Callable[..., Message], colleague: User) -> dict[str, Message]:
    return {
        "annex": post(type=MessageType.ANNEX, title="Plans", body="", files=[upload("plan.pdf")]),
        "remark": post(body="Voici le métré", files=[upload("metre.pdf")]),
        "complaint": post(type=MessageType.COMPLAINT, title="Toile déchirée", body="À la livraison"),
        "theirs": post(body="Je m'en occupe", author=colleague),
    }


def test_a_second_visit_serves_the_stored_cards(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message]
) -> None:
    first = _page(owner_client, dossier)
    stored, threads = _stored_cards(), _stored_threads()
    assert len(stored) == len(thread) and len(threads) == 1
    # Proof that the page is the stored thread: changed in the cache, the change shows.
    ((thread_name, whole),) = threads.items()
    cache.set(thread_name, whole.replace("Voici le métré", "Lu dans le fil gardé"))
    assert "Lu dans le fil gardé" in _card(_page(owner_client, dossier), thread["remark"])
    # Without the whole thread, the page is made of the stored cards: a card changed shows.
    cache.delete(thread_name)
    name, card = next((name, card) for name, card in stored.items() if f'id="message-{thread["remark"].pk}"' in card)
    cache.set(name, card.replace("Voici le métré", "Lu dans le cache"))
    assert "Lu dans le cache" in _card(_page(owner_client, dossier), thread["remark"])
    cache.set(name, card)
    cache.delete(thread_name)
    assert _without_tokens(_page(owner_client, dossier)) == _without_tokens(first)
    assert _stored_threads() == {thread_name: whole}  # joined again from the cards, the same


def test_a_new_message_prints_one_card(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message], post: Callable[..., Message]
) -> None:
    _page(owner_client, dossier)
    before = set(_stored_cards())
    post(body="Et une de plus")
    _page(owner_client, dossier)
    assert len(set(_stored_cards()) - before) == 1
    assert len(_stored_threads()) == 2  # the thread before and after: another list of cards


def test_no_stored_card_holds_a_csrf_token_and_every_form_gets_the_requests_own(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message]
) -> None:
    html = _page(owner_client, dossier)
    token = owner_client.cookies[settings.CSRF_COOKIE_NAME].value
    for card in [*_stored_cards().values(), *_stored_threads().values()]:
        assert "csrfmiddlewaretoken" not in card and token not in card
    annex_card = _card(html, thread["annex"])
    assert CSRF_FIELD_PLACEHOLDER not in html
    assert re.search(
        r'<form method="post" action="[^"]+/deactivate/" data-once>'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">',
        annex_card,
    )
    # The form works: « Désactiver » with the printed field deactivates the annex.
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', annex_card)
    assert field is not None
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = owner_client.cookies
    action = re.search(r'action="([^"]+/deactivate/)"', annex_card)
    assert action is not None
    response = csrf_client.post(action.group(1), {"csrfmiddlewaretoken": field.group(1)})
    assert response.status_code == 302
    assert f'id="message-{thread["annex"].pk}"' not in _page(owner_client, dossier)


def test_what_staff_change_shows_at_once(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message], staff: User
) -> None:
    complaint = thread["complaint"]
    assert "Plainte\u00a0: Nouvelle" in _card(_page(owner_client, dossier), complaint)
    services.change_complaint_state(
        complaint=complaint.complaint,
        state=ComplaintState.IN_PROGRESS,
        handler=staff,
        answer="Nous remplaçons la toile.",
    )
    card = _card(_page(owner_client, dossier), complaint)
    assert "Plainte\u00a0: En cours de traitement" in card and "Nous remplaçons la toile." in card
    services.change_complaint_state(complaint=complaint.complaint, state=ComplaintState.RESOLVED, handler=staff)
    assert 'data-complaint-state="resolved"' in _card(_page(owner_client, dossier), complaint)


def test_a_deactivated_file_and_annex_leave_their_cards_and_replies_lose_the_link(
    owner_client: Client, owner: User, dossier: Dossier, thread: dict[str, Message], post: Callable[..., Message]
) -> None:
    reply = post(body="Voir les plans", parent=thread["annex"])
    html = _page(owner_client, dossier)
    assert f'href="#message-{thread["annex"].pk}"' in _card(html, reply)
    assert "metre.pdf" in _card(html, thread["remark"])
    services.deactivate_attachment(attachment=thread["remark"].attachments.get(), user=owner)
    services.deactivate_annex(message=thread["annex"], user=owner)
    html = _page(owner_client, dossier)
    assert "metre.pdf" not in _card(html, thread["remark"]) and "Voici le métré" in _card(html, thread["remark"])
    assert f'id="message-{thread["annex"].pk}"' not in html
    assert f'href="#message-{thread["annex"].pk}"' not in _card(html, reply)


def test_a_document_card_shows_its_pdf_once_made(owner_client: Client, dossier: Dossier) -> None:
    card = document_cards.post_document_card(dossier=dossier, type=MessageType.QUOTE)
    assert "en cours de génération" in _card(_page(owner_client, dossier), card)
    document_cards.attach_document_file(message=card, path="documents/offre.pdf", name="Offre.pdf", size=2048)
    printed = _card(_page(owner_client, dossier), card)
    assert "en cours de génération" not in printed and "Offre.pdf" in printed


def test_a_renamed_author_and_a_new_language_are_printed_anew(
    owner_client: Client, owner: User, colleague: User, dossier: Dossier, thread: dict[str, Message]
) -> None:
    assert colleague.display_name in _card(_page(owner_client, dossier), thread["theirs"])
    colleague.first_name, colleague.last_name = "Renée", "Nouveau-Nom"
    colleague.save()
    assert "Renée Nouveau-Nom" in _card(_page(owner_client, dossier), thread["theirs"])
    owner.language = "nl"
    owner.save()
    assert "Klacht" in _card(_page(owner_client, dossier), thread["complaint"])


def test_each_reader_gets_their_own_gears_from_the_cache(
    owner_client: Client,
    colleague_client: Client,
    owner: User,
    colleague: User,
    dossier: Dossier,
    thread: dict[str, Message],
) -> None:
    # Same language for both, so that only the reader differs.
    User.objects.filter(pk__in=[owner.pk, colleague.pk]).update(language="fr")
    for _ in range(2):  # printed, then from the cache
        mine = _page(owner_client, dossier)
        theirs = _page(colleague_client, dossier)
        annex = thread["annex"]
        assert "/deactivate/" in _card(mine, annex) and "/deactivate/" not in _card(theirs, annex)
        assert "Répondre" not in _card(mine, thread["remark"]) and "Répondre" in _card(theirs, thread["remark"])


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_without_the_cache_every_card_is_printed(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message]
) -> None:
    html = _page(owner_client, dossier)
    assert len(re.findall(r'<li class="card', html)) == len(thread)
    assert "Voici le métré" in _card(html, thread["remark"])


@override_settings(THREAD_CARD_CACHE_SECONDS=0)
def test_a_cache_time_of_zero_stores_nothing(
    owner_client: Client, dossier: Dossier, thread: dict[str, Message]
) -> None:
    assert "Voici le métré" in _page(owner_client, dossier)
    assert _stored_cards() == {} and _stored_threads() == {}


def test_the_threads_sql_reads_what_the_orm_rules_allow(
    owner: User, dossier: Dossier, thread: dict[str, Message], post: Callable[..., Message], colleague: User
) -> None:
    """``thread_rows`` (SQL) against ``visible_to(dealer).in_thread()`` (the ORM rules), newest first."""
    post(audience=Audience.INTERNAL, body="Marge à revoir", author=colleague)
    gone = post(type=MessageType.ANNEX, title="Ancien plan", body="", files=[upload("ancien.pdf")])
    reply = post(body="Ceci remplace", parent=gone)
    services.deactivate_annex(message=gone, user=owner)
    other_dossier_message = Message.objects.exclude(dossier=dossier).first()
    expected = list(
        Message.objects.visible_to(owner)
        .filter(dossier=dossier)
        .in_thread()
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    rows = thread_rows(dossier_id=dossier.pk, customer_id=owner.customer_id, limit=50)  # type: ignore[arg-type]
    assert [row[0] for row in rows] == expected
    assert {row[-1] for row in rows} == {len(expected)}  # the whole thread's count on every row
    by_pk = {row[0]: dict(zip(THREAD_COLUMNS, row[:-1], strict=True)) for row in rows}
    assert by_pk[reply.pk]["parent_removed"] and not by_pk[thread["remark"].pk]["parent_removed"]
    assert gone.pk not in by_pk
    # Another customer's id gets nothing, even with the right dossier.
    assert thread_rows(dossier_id=dossier.pk, customer_id=owner.customer_id + 10_000, limit=50) == []  # type: ignore[operator]
    assert other_dossier_message is None or other_dossier_message.pk not in by_pk
    # Pages: limit and offset over the same order, the count unchanged.
    second = thread_rows(dossier_id=dossier.pk, customer_id=owner.customer_id, limit=2, offset=2)  # type: ignore[arg-type]
    assert [row[0] for row in second] == expected[2:4] and second[0][-1] == len(expected)


@pytest.mark.parametrize(("asked", "shown"), [("", 1), ("abc", 1), ("0", 1), ("-1", 1), ("²", 1), ("2", 2), ("99", 2)])
def test_page_numbers_from_the_query_string(
    owner_client: Client, dossier: Dossier, post: Callable[..., Message], asked: str, shown: int
) -> None:
    for i in range(55):
        post(body=f"message {i}")
    response = owner_client.get(_thread(dossier), {"page": asked} if asked else {})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert len(re.findall(r'<li class="card', response.content.decode())) == (50 if shown == 1 else 5)
