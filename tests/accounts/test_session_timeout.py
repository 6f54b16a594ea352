"""Sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE after login."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import AUTH_AT, SEEN_AT
from accounts.models import User

pytestmark = pytest.mark.django_db


def _shift(client: Client, **ago: int) -> None:
    """Move the session's clocks into the past (``auth``/``seen`` seconds ago)."""
    session = client.session
    now = int(time.time())
    if "auth" in ago:
        session[AUTH_AT] = now - ago["auth"]
    if "seen" in ago:
        session[SEEN_AT] = now - ago["seen"]
    session.save()


def test_login_starts_both_clocks(owner_client: Client) -> None:
    session = owner_client.session
    assert abs(session[AUTH_AT] - time.time()) < 5
    assert session[SEEN_AT] == session[AUTH_AT]


def test_a_request_within_the_idle_timeout_keeps_the_session_and_moves_the_clock(
    owner_client: Client, settings: Any
) -> None:
    _shift(owner_client, seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert owner_client.get(reverse("dossiers:dossier-list")).status_code == 200
    assert time.time() - owner_client.session[SEEN_AT] < 5


def test_idle_longer_than_the_timeout_logs_out_with_a_message(owner_client: Client, settings: Any) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600  # the default
    _shift(owner_client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = owner_client.get(reverse("dossiers:dossier-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    page = owner_client.get(response["Location"]).content.decode()
    assert "Votre session a expiré après 8 h sans activité. Reconnectez-vous." in page
    assert "_auth_user_id" not in owner_client.session


def test_the_absolute_lifetime_ends_even_an_active_session(owner_client: Client, settings: Any) -> None:
    _shift(owner_client, auth=settings.SESSION_COOKIE_AGE + 1, seen=10)
    response = owner_client.get(reverse("dossiers:dossier-list"))
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    assert "Votre session a expiré. Reconnectez-vous." in page


def test_staff_sessions_time_out_too(staff_client: Client, settings: Any) -> None:
    _shift(staff_client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_session_from_before_the_rule_starts_its_clocks_at_its_next_request(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    session = client.session
    del session[AUTH_AT]
    del session[SEEN_AT]
    session.save()
    assert client.get(reverse("dossiers:dossier-list")).status_code == 200
    assert AUTH_AT in client.session and SEEN_AT in client.session


def test_the_idle_timeout_is_a_setting(owner_client: Client, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    _shift(owner_client, seen=601)
    assert owner_client.get(reverse("dossiers:dossier-list")).status_code == 302
