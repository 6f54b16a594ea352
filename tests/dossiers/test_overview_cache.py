"""The overview is served from the shared cache (Redis) and is never stale after a write.

Each invalidation test first loads the page (so it is cached), changes something the
page shows the way the portal changes it, and expects the next page to show it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dossiers import overview_cache, services
from dossiers.models import Dossier, Favourite
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:dossier-list")


def _html(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _csrf(html: str) -> str:
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def _row(html: str, dossier: Dossier) -> str:
    match = re.search(rf'<tr data-dossier="{dossier.number}".*?</tr>', html, re.S)
    assert match, f"{dossier.number} not listed"
    return match[0]


def test_second_visit_comes_from_the_cache(owner_client: Client, dossier: Dossier, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    first = owner_client.get(URL)
    assert first.context is not None  # rendered
    # The session, and the user with their customer (dealer_required): nothing of the page.
    with django_assert_num_queries(2):
        second = owner_client.get(URL)
    assert second.status_code == 200
    assert second.context is None  # not rendered: from the cache
    # The same page, each response with its own masked CSRF token.
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub(b"", second.content) == strip.sub(b"", first.content)
    assert overview_cache.csrf_placeholder() not in second.content.decode()


def test_cached_page_carries_a_csrf_token_that_works(owner: User, dossier: Dossier) -> None:
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(owner)
    _html(browsers[0])  # cached by the first browser
    html = _html(browsers[1])  # served to a second browser of the same user
    token = _csrf(html)
    assert token != overview_cache.csrf_placeholder()
    url = reverse("dossiers:dossier-favourite", kwargs={"pk": dossier.pk})
    response = browsers[1].post(url, {"starred": "on", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Favourite.objects.filter(user=owner, dossier=dossier).exists()


def test_each_reader_has_their_own_page(
    owner_client: Client, colleague_client: Client, outsider_client: Client, owner: User, dossier: Dossier
) -> None:
    services.set_favourite(user=owner, dossier=dossier, starred=True)
    assert 'aria-pressed="true"' in _row(_html(owner_client), dossier)
    # Same customer, same URL: the colleague's stars are their own.
    assert 'aria-pressed="false"' in _row(_html(colleague_client), dossier)
    assert dossier.number not in _html(outsider_client)


def test_star_shows_on_the_next_page(owner_client: Client, dossier: Dossier) -> None:
    assert 'aria-pressed="false"' in _row(_html(owner_client), dossier)
    owner_client.post(reverse("dossiers:dossier-favourite", kwargs={"pk": dossier.pk}), {"starred": "on"})
    assert 'aria-pressed="true"' in _row(_html(owner_client), dossier)
    assert dossier.number in _html(owner_client, f"{URL}?favourites=on")


def test_status_change_shows_on_the_next_page(owner_client: Client, owner: User, dossier: Dossier) -> None:
    assert "Actif" in _row(_html(owner_client), dossier)
    services.request_quote(dossier=dossier, user=owner, expected=dossier.status)
    assert "Offre" in _row(_html(owner_client), dossier)


def test_admin_edit_of_a_dossier_shows_on_the_next_page(owner_client: Client, dossier: Dossier) -> None:
    _html(owner_client)
    dossier.reference = "Chalet des Pins"
    dossier.save()  # what the admin's change form does
    assert "Chalet des Pins" in _row(_html(owner_client), dossier)


def test_new_dossier_of_a_colleague_shows_on_the_next_page(owner_client: Client, colleague: User) -> None:
    assert "Nouvelle véranda" not in _html(owner_client)
    services.create_dossier(
        customer=colleague.customer,  # type: ignore[arg-type]
        user=colleague,
        product=ProductFactory(),
        reference="Nouvelle véranda",
    )
    assert "Nouvelle véranda" in _html(owner_client)


def test_message_of_a_colleague_marks_the_dossier_unread(owner_client: Client, dossier: Dossier) -> None:
    assert "unread-marker" not in _row(_html(owner_client), dossier)
    services.note_message_posted(dossier=dossier, at=timezone.now(), internal=True)
    assert "unread-marker" in _row(_html(owner_client), dossier)


def test_warranty_numbers_are_searchable_at_once(owner_client: Client, dossier: Dossier) -> None:
    url = f"{URL}?q=W-55501"
    assert dossier.number not in _html(owner_client, url)
    services.note_warranty_numbers(dossier=dossier, numbers=["W-55501"])
    assert dossier.number in _html(owner_client, url)


def test_product_renamed_shows_on_the_next_page(owner_client: Client, dossier: Dossier) -> None:
    _html(owner_client)
    dossier.product.name_fr = "Camargue Skye"
    dossier.product.save()
    assert "Camargue Skye" in _row(_html(owner_client), dossier)


def test_user_and_customer_changes_show_in_the_header(owner_client: Client, owner: User, dossier: Dossier) -> None:
    _html(owner_client)
    owner.first_name, owner.last_name = "Marie-Claire", "Dupont-Lenoir"
    owner.save()
    assert "Marie-Claire" in _html(owner_client)
    owner.customer.number = "100299"  # type: ignore[union-attr]
    owner.customer.save()  # type: ignore[union-attr]
    assert "100299" in _html(owner_client)


def test_language_is_part_of_the_page(owner_client: Client, owner: User, dossier: Dossier) -> None:
    assert "Aperçu des dossiers" in _html(owner_client)
    owner_client.post(reverse("accounts:set-language"), {"language": "nl", "next": URL})
    assert "Dossieroverzicht" in _html(owner_client)


def _flash(client: Client, text: str) -> None:
    """Queue a flash message in the client's session, as a redirecting view would."""
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    storage = SessionStorage(request)
    storage.add(messages.SUCCESS, text)
    storage.update(HttpResponse())
    session.save()


def test_flash_messages_are_shown_once_and_never_cached(owner_client: Client, dossier: Dossier) -> None:
    _html(owner_client)
    _html(owner_client)  # cached now
    _flash(owner_client, "Votre mot de passe a été modifié.")
    assert "Votre mot de passe a été modifié." in _html(owner_client)
    assert "Votre mot de passe a été modifié." not in _html(owner_client)


@pytest.mark.django_db(transaction=True)
def test_stamp_moves_again_after_commit(owner: User, dossier: Dossier) -> None:
    name = f"dossiers:stamp:user:{owner.pk}"
    with transaction.atomic():
        services.set_favourite(user=owner, dossier=dossier, starred=True)
        during = cache.get(name)
        assert during is not None  # moved at once, for the writer's next page
    # ... and again at commit: a page another request rendered from the data as it was
    # before the commit, under the first new stamp, is unreachable.
    assert cache.get(name) not in (None, during)


@pytest.fixture
def moves(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the stamps moved, in order (each move still happens)."""
    moved: list[str] = []
    real_move = overview_cache._move

    def move(name: str) -> None:
        moved.append(name)
        real_move(name)

    monkeypatch.setattr(overview_cache, "_move", move)
    return moved


@pytest.mark.django_db(transaction=True)
def test_one_move_after_commit_per_stamp_however_many_writes(owner: User, dossier: Dossier, moves: list[str]) -> None:
    customer_stamp = f"dossiers:stamp:customer:{owner.customer_id}"
    with transaction.atomic():
        # A save (signal), two history events and a copy: many writes to the customer's dossiers.
        services.copy_dossier(dossier=dossier, user=owner)
        services.request_quote(dossier=dossier, user=owner, expected=dossier.status)
        during = cache.get(customer_stamp)
        at_once = len(moves)
        assert moves.count(customer_stamp) > 1  # each write moved it at once
    assert moves[at_once:].count(customer_stamp) == 1  # and once more after the commit
    assert cache.get(customer_stamp) not in (None, during)


@pytest.mark.django_db(transaction=True)
def test_a_write_after_a_rolled_back_savepoint_still_moves_its_stamp_after_commit(
    owner: User, dossier: Dossier, moves: list[str]
) -> None:
    user_stamp = f"dossiers:stamp:user:{owner.pk}"
    with transaction.atomic():
        try:
            with transaction.atomic():  # the first write registers the after-commit move…
                services.set_favourite(user=owner, dossier=dossier, starred=True)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass  # …and the rollback of its savepoint drops it
        services.set_favourite(user=owner, dossier=dossier, starred=False)
        at_once = len(moves)
    assert moves[at_once:] == [user_stamp]


@pytest.mark.django_db(transaction=True)
def test_each_transaction_moves_its_stamps_after_its_own_commit(
    owner: User, dossier: Dossier, moves: list[str]
) -> None:
    user_stamp = f"dossiers:stamp:user:{owner.pk}"
    try:
        with transaction.atomic():
            services.set_favourite(user=owner, dossier=dossier, starred=True)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    for starred in (True, False):
        with transaction.atomic():
            services.set_favourite(user=owner, dossier=dossier, starred=starred)
            at_once = len(moves)
        assert moves[at_once:] == [user_stamp]


def test_page_renders_when_the_cache_is_down(owner_client: Client, owner: User, dossier: Dossier, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert dossier.number in _html(owner_client)
    services.set_favourite(user=owner, dossier=dossier, starred=True)  # the write is not refused
    assert 'aria-pressed="true"' in _row(_html(owner_client), dossier)


def test_cache_can_be_switched_off(owner_client: Client, dossier: Dossier, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OVERVIEW_CACHE_SECONDS = 0
    _html(owner_client)
    assert owner_client.get(URL).context is not None  # rendered again


def test_reading_a_dossier_with_nothing_new_keeps_the_cached_page(
    owner_client: Client, dossier: Dossier, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    services.note_message_posted(dossier=dossier, at=timezone.now())
    communication = reverse("communication:message-list", kwargs={"pk": dossier.pk})
    owner_client.get(communication)  # reads the new message: the marker goes
    assert "unread-marker" not in _row(_html(owner_client), dossier)
    owner_client.get(communication)  # nothing new this time
    with django_assert_num_queries(2):  # still served from the cache
        owner_client.get(URL)
