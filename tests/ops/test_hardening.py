"""Headers every page sends: Content-Security-Policy, Permissions-Policy, and no caching of
a logged-in user's pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier
from tests import test_staff_permissions as staff_matrix
from tests import test_tenant_isolation as dealer_matrix

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PUBLIC_PAGES = [
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-complete",
    "admin:login",
]


def _policy(response: Any) -> str:
    return "; ".join(sorted(part.strip() for part in response["Content-Security-Policy"].split(";")))


def _assert_hardened(response: Any, where: str, *, logged_in: bool) -> None:
    assert _policy(response) == "; ".join(sorted(POLICY.split("; "))), where
    assert response["Permissions-Policy"].startswith("accelerometer=(), camera=()"), where
    if logged_in:
        assert response["Cache-Control"] == "private, no-store", where
        assert "Expires" not in response, where


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_send_the_policies(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    _assert_hardened(response, name, logged_in=False)


def test_every_dealer_page_sends_the_policies_and_is_never_cached(
    owner: User, outsider: User, staff: User, dossier: Dossier
) -> None:
    world = dealer_matrix.World(owner=owner, outsider=outsider, staff=staff, dossier=dossier)
    client = Client()
    client.force_login(owner)
    for name, entry in sorted(dealer_matrix.DEALER_URLS.items()):
        if entry.post_only:
            continue
        response = client.get(reverse(name, kwargs=entry.kwargs(world)))
        assert response.status_code == 200, name
        if name == "communication:attachment-download":
            # A file is served with its own, stricter policy (communication.downloads).
            assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
            assert response["Cache-Control"] == "private, no-store"
            continue
        _assert_hardened(response, name, logged_in=True)


def test_every_admin_page_sends_the_policies_and_is_never_cached(
    backoffice_viewer: User, backoffice_clerk: User, superuser: User, owner: User, colleague: User
) -> None:
    world = staff_matrix.World(
        viewer=backoffice_viewer, clerk=backoffice_clerk, root=superuser, dealer=owner, colleague=colleague
    )
    client = Client()
    client.force_login(superuser)
    checked = 0
    for key, entry in sorted(staff_matrix.ADMIN_URLS.items()):
        if entry.root[0] != 200 or key == "admin:logout":
            continue
        url = staff_matrix._url(key, world, superuser)
        response = client.get(url, entry.query)
        assert response.status_code == 200, key
        if "attachment_download" in key:
            continue  # the file's own policy, as above
        _assert_hardened(response, key, logged_in=True)
        checked += 1
    assert checked > 30


def test_error_pages_send_the_policies(owner_client: Client) -> None:
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_hardened(response, "404", logged_in=True)


def _without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text)  # template comments
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_no_page_template_or_admin_display_carries_an_inline_style() -> None:
    """The policy's style-src is 'self' only: a style attribute or a <style> element in a
    page would be dropped by the browser (mails and PDFs are not pages: their templates keep theirs)."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in [*root.glob("templates/**/*.html"), *root.glob("*/*.py"), *root.glob("*/**/*.py")]
        if not str(path.relative_to(root)).startswith(("templates/emails/", "templates/pdf/"))
        and not any(part in (".venv", "tests", "migrations", "var") for part in path.relative_to(root).parts)
        and re.search(r"""\sstyle=["']|<style[\s>]""", _without_comments(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []
