"""Real-browser fixtures: Playwright driving Debian's Chromium against live_server, or
against a running stack.

The browser is /usr/bin/chromium (never a downloaded build). Playwright's sync API runs
an event loop in the test thread, which makes Django refuse ORM calls from that thread;
the tests only set up data there, so the guard is lifted for browser tests.

Against a stack (``make stack``; CI does this after the suite):

    eval "$(.venv/bin/python deploy/stack.py env)"   # the stack's database, cache, broker, S3
    BROWSER_BASE_URL=https://127.0.0.1:8443 .venv/bin/pytest tests/browser

``live_server`` is then the stack's load balancer, and the tests write their data into
the stack's own database (no test database is made), through its cache and storage, so
the web nodes see it. After each test the database is emptied, as after any browser
test: run ``make stack`` again for the demo data. ``BROWSER_NODE_URLS`` (the stack sets
one TLS entry point per web node) enables the tests that pick the node.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.models import User
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "browser"
BASE_URL = os.environ.get("BROWSER_BASE_URL", "").rstrip("/")
NODE_URLS = [url.rstrip("/") for url in os.environ.get("BROWSER_NODE_URLS", "").split(",") if url.strip()]


@dataclass
class ExternalServer:
    """Stands in for pytest-django's live server when the portal already runs elsewhere."""

    url: str

    class _NoSettings:
        def enable(self) -> None:
            pass

        def disable(self) -> None:
            pass

    _live_server_modified_settings = _NoSettings()


if BASE_URL:

    @pytest.fixture(scope="session")
    def live_server() -> ExternalServer:
        return ExternalServer(BASE_URL)

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker: Any) -> None:
        """The stack's database as configured (DATABASE_URL), not a test database of its own,
        emptied first (the demo data would collide with the tests' own)."""
        with django_db_blocker.unblock():
            _flush_the_live_stack()

    @pytest.fixture(autouse=True)
    def _cache_namespace() -> None:
        """The stack's cache namespace as configured: a write made here moves the stamps its pages use."""
        settings.CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "ereps")

    @pytest.fixture(autouse=True)
    def _media_root() -> None:
        """The stack's file storage as configured (its S3 bucket)."""


def _flush_the_live_stack() -> None:
    """Empty the stack's database while its workers run.

    The demo's documents are still being made when the suite starts: wait for them, so that
    no worker writes while the tables are emptied. The beat's sweeps may still cross the
    TRUNCATE, and PostgreSQL then ends one of the two as a deadlock: emptying again is safe.
    """
    import time

    from django.core.management import CommandError, call_command
    from django.db import OperationalError

    from documents.models import Document, DocumentState

    deadline = time.monotonic() + 180
    while Document.objects.filter(state=DocumentState.PENDING).exists() and time.monotonic() < deadline:
        time.sleep(1)
    for attempt in range(1, 6):
        try:
            call_command("flush", interactive=False, verbosity=0)
            return
        except CommandError as error:
            if attempt == 5 or not isinstance(error.__cause__, OperationalError):
                raise
            time.sleep(attempt)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    # The stack's certificate is self-signed.
    context = browser.new_context(
        locale="fr-BE", viewport={"width": 1280, "height": 900}, ignore_https_errors=bool(BASE_URL)
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every page runs under the Content-Security-Policy: anything it blocks is a failure.
    blocked: list[str] = []

    def _watch(message: Any) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", _watch)
    yield page
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def login(page: Any, live_server: Any, user: User, password: str = PASSWORD) -> None:
    """Log in through the real form, as a dealer would (labels of the fr UI)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("domcontentloaded")
