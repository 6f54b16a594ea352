from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from tests.factories import PASSWORD
from tests.smtp import SmtpSink, body_text

LOGIN = "/accounts/login/"


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


def test_dealer_logs_in_with_email_in_any_case(owner: User) -> None:
    client = Client()
    response = _login(client, owner.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier-list")


def test_wrong_password_gives_a_form_error_in_french(owner: User) -> None:
    response = _login(Client(), owner.email, "wrong-password")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_wrong_password_error_follows_browser_language(owner: User) -> None:
    response = Client(headers={"accept-language": "nl"}).post(LOGIN, {"username": owner.email, "password": "x"})
    assert "E-mailadres of wachtwoord onjuist" in response.content.decode()


def test_login_is_throttled_after_five_failures(owner: User, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, owner.email, "wrong-password")
    response = _login(client, owner.email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post(owner_client: Client) -> None:
    assert owner_client.get("/accounts/logout/").status_code == 405
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert owner_client.get(reverse("dossiers:dossier-list")).status_code == 302


def test_password_change(owner: User, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Un-nouveau-mot-2026", "new_password2": "Un-nouveau-mot-2026"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Un-nouveau-mot-2026")


def test_password_reset_mail_arrives_in_the_users_language_and_link_works(
    colleague: User, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": colleague.email})
    assert response.status_code == 302
    [mail] = smtp_sink.to(colleague.email)
    assert mail["Content-Language"] == "nl"
    assert "wachtwoord" in mail["Subject"].lower()
    text = body_text(mail)
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", text)
    assert path, text
    page = client.get(path.group(1), follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else path.group(1),
        {"new_password1": "Nieuw-wachtwoord-2026", "new_password2": "Nieuw-wachtwoord-2026"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password("Nieuw-wachtwoord-2026")


def test_unknown_address_gets_the_same_answer_and_no_mail(db: None, smtp_sink: SmtpSink) -> None:
    response = Client().post(reverse("accounts:password-reset"), {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert smtp_sink.messages == []


@pytest.mark.parametrize("tamper", ["token", "uid"])
def test_tampered_reset_link_is_refused_clearly(owner: User, tamper: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    if tamper == "token":
        token = token[:-3] + "abc"
    else:
        uid = "Zm9v"
    response = Client().get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    assert response.status_code == 200
    assert "Ce lien n'est pas valable" in unescape(response.content.decode())


def test_expired_reset_link_is_refused(owner: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    generator = default_token_generator
    old = generator._num_seconds(generator._now()) - 4 * 24 * 3600  # older than PASSWORD_RESET_TIMEOUT
    token = generator._make_token_with_timestamp(owner, old, generator.secret)
    response = Client().get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    assert "Ce lien n'est pas valable" in unescape(response.content.decode())


def test_language_switch_is_saved_on_the_profile(owner: User, owner_client: Client) -> None:
    response = owner_client.post(reverse("accounts:set-language"), {"language": "de", "next": "/dossiers/"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "de"
    assert "Dossierübersicht" in owner_client.get("/dossiers/").content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_language_switch_never_redirects_off_site(owner_client: Client, next_url: str) -> None:
    response = owner_client.post(reverse("accounts:set-language"), {"language": "en", "next": next_url})
    assert response["Location"] == reverse("dossiers:dossier-list")


def test_unknown_language_is_ignored(owner: User, owner_client: Client) -> None:
    owner_client.post(reverse("accounts:set-language"), {"language": "xx", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "fr"


def test_language_switch_requires_post(owner_client: Client) -> None:
    assert owner_client.get(reverse("accounts:set-language")).status_code == 405


def test_profile_page(owner_client: Client) -> None:
    response = owner_client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "100200" in response.content.decode()
