"""Limits on the login and « mot de passe oublié » forms (accounts/throttling.py)."""

from __future__ import annotations

from html import unescape

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD
from tests.smtp import SmtpSink

RESET = reverse("accounts:password-reset")
LOGIN = reverse("accounts:login")
REFUSED = "Trop de demandes de lien pour cette adresse ou depuis votre connexion."


@pytest.fixture
def fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    """Logins for unknown addresses hash the password once with the first hasher: make it cheap
    (the factories' PBKDF2 hash of the known users still verifies)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _reset(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post(RESET, {"email": email})


def test_fourth_reset_request_for_one_address_sends_no_mail_and_says_so(
    owner: User, smtp_sink: SmtpSink, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 3
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert _reset(Client(), owner.email).status_code == 302
    assert len(smtp_sink.to(owner.email)) == 3
    # Another IP address, and the address typed in another case: still the same address.
    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(Client(REMOTE_ADDR="192.0.2.44"), owner.email.upper())
    assert response.status_code == 429
    assert REFUSED in unescape(response.content.decode())
    assert "Réessayez dans 60 minutes." in unescape(response.content.decode())
    assert len(smtp_sink.to(owner.email)) == 3


def test_the_refusal_is_the_same_whether_or_not_the_account_exists(owner: User) -> None:
    answers = []
    for email, ip in [(owner.email, "192.0.2.1"), ("nobody@nowhere.example", "192.0.2.2")]:
        client = Client(REMOTE_ADDR=ip)
        first = [_reset(client, email) for _ in range(3)]
        assert [(r.status_code, r["Location"]) for r in first] == [(302, reverse("accounts:password-reset-done"))] * 3
        refused = _reset(client, email)
        answers.append((refused.status_code, refused.templates[0].name, refused.context["form"].non_field_errors()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_reset_requests_from_one_ip_address_are_limited_across_addresses(
    db: None, smtp_sink: SmtpSink, settings
) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP):
        assert _reset(client, f"guess{n}@dealer.example").status_code == 302
    assert _reset(client, "one-more@dealer.example").status_code == 429
    # Another IP address is not held back by this one.
    assert _reset(Client(REMOTE_ADDR="198.51.100.8"), "one-more@dealer.example").status_code == 302


def test_reset_limit_message_is_translated(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    client = Client(headers={"accept-language": "nl"})
    _reset(client, "iemand@dealer.example")
    response = _reset(client, "iemand@dealer.example")
    assert response.status_code == 429
    assert "Te veel aanvragen" in unescape(response.content.decode())


def test_reset_still_works_when_the_cache_is_down(
    owner: User, smtp_sink: SmtpSink, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert _reset(Client(), owner.email).status_code == 302
    assert len(smtp_sink.to(owner.email)) == 1


def _login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password})


def test_spraying_one_password_over_many_accounts_locks_the_ip_address(
    owner: User, fast_hasher: None, settings
) -> None:  # type: ignore[no-untyped-def]
    assert settings.AXES_IP_FAILURE_LIMIT == 30
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        response = _login(sprayer, f"dealer{n}@victim.example", "Printemps2026!")
        assert response.status_code == 200, n  # each address failed once only: no pair is locked
    response = _login(sprayer, "dealer-last@victim.example", "Printemps2026!")
    assert response.status_code == 429  # the failure that reaches the limit
    # Locked now, even for a right password of an account it never tried.
    response = _login(sprayer, owner.email, PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # The dealer, from their own IP address, is not locked out.
    assert _login(Client(REMOTE_ADDR="203.0.113.10"), owner.email, PASSWORD).status_code == 302


def test_logging_into_an_own_account_does_not_reset_the_ip_address_count(
    owner: User, fast_hasher: None, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_IP_FAILURE_LIMIT = 6
    sprayer = Client(REMOTE_ADDR="203.0.113.11")
    for n in range(3):
        _login(sprayer, f"first{n}@victim.example", "wrong-password")
    assert _login(sprayer, owner.email, PASSWORD).status_code == 302  # resets the (owner, IP) pair only
    sprayer.post(reverse("accounts:logout"))
    for n in range(2):
        assert _login(sprayer, f"second{n}@victim.example", "wrong-password").status_code == 200
    assert _login(sprayer, "second2@victim.example", "wrong-password").status_code == 429  # 3 + 3 failures
    assert _login(sprayer, owner.email, PASSWORD).status_code == 429


def test_behind_a_proxy_the_visitors_address_is_counted_not_the_proxys(db: None, fast_hasher: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESET_LIMIT_PER_IP = 1
    proxy = "10.0.0.2"

    def from_visitor(visitor: str, spoofed: str = "") -> int:
        forwarded = f"{spoofed}, {visitor}" if spoofed else visitor
        client = Client(REMOTE_ADDR=proxy, headers={"x-forwarded-for": forwarded})
        return int(_reset(client, f"someone-{visitor}-{spoofed}@dealer.example").status_code)

    assert from_visitor("198.51.100.20") == 302
    assert from_visitor("198.51.100.21") == 302  # another visitor, same proxy: not held back
    assert from_visitor("198.51.100.20", spoofed="192.0.2.99") == 429  # what the visitor adds is not trusted
    # The login limit counts the same address.
    client = Client(REMOTE_ADDR=proxy, headers={"x-forwarded-for": "192.0.2.99, 198.51.100.22"})
    _login(client, "someone@dealer.example", "wrong-password")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.22"]
