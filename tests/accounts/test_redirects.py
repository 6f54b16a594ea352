"""The one check of a ``next`` parameter, used by every view that sends the browser back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.redirects import safe_next_url


@pytest.mark.parametrize(
    ("candidate", "secure", "expected"),
    [
        ("/dossiers/?page=2&q=namur", False, "/dossiers/?page=2&q=namur"),
        ("http://testserver/dossiers/", False, "http://testserver/dossiers/"),
        ("", False, "/fallback/"),
        ("https://evil.example/", False, "/fallback/"),
        ("//evil.example/", False, "/fallback/"),
        ("javascript:alert(1)", False, "/fallback/"),
        ("http://testserver/dossiers/", True, "/fallback/"),  # never back to plain HTTP from HTTPS
    ],
)
def test_next_must_stay_on_this_site(candidate: str, secure: bool, expected: str) -> None:
    request = RequestFactory().post("/", secure=secure)
    assert safe_next_url(request, candidate, "/fallback/") == expected


@pytest.mark.django_db
def test_language_switch_goes_back_only_to_a_page_of_the_portal(client: Client) -> None:
    url = reverse("accounts:set-language")
    assert client.post(url, {"language": "nl", "next": "/accounts/profile/"})["Location"] == "/accounts/profile/"
    assert client.post(url, {"language": "nl", "next": "https://evil.example/"})["Location"] == reverse(
        "dossiers:dossier-list"
    )
