"""Shared fixtures: three personas (owner, colleague of the same customer, outsider of
another customer), staff, logged-in clients, and a real SMTP server on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.backoffice import backoffice_group
from accounts.models import Customer, User
from dossiers.models import Dossier
from ops import breaker

from .factories import CustomerFactory, DealerFactory, DossierFactory, StaffFactory, password_hash
from .smtp import SmtpSink, smtp_sink  # noqa: F401  (fixture re-export)

# One cache namespace per test run: ids restart with every test database, and a page that
# an earlier run cached must never answer this one. Set before any cache is first used.
RUN_CACHE_PREFIX = f"tests-{uuid.uuid4().hex[:16]}"
settings.CACHES["default"]["KEY_PREFIX"] = RUN_CACHE_PREFIX


@pytest.fixture
def staff(db: None) -> User:
    return StaffFactory.create(email="contact@renson.example", first_name="Sophie", last_name="Vermeulen")


@pytest.fixture
def customer(staff: User) -> Customer:
    return CustomerFactory.create(number="100200", name="Menuiserie Dupont", account_manager=staff)


@pytest.fixture
def other_customer(staff: User) -> Customer:
    return CustomerFactory.create(number="300400", name="Zonwering Janssens", account_manager=staff, language="nl")


@pytest.fixture
def owner(customer: Customer) -> User:
    return DealerFactory.create(email="marie@dupont.example", customer=customer)


@pytest.fixture
def colleague(customer: Customer) -> User:
    return DealerFactory.create(email="jan@dupont.example", customer=customer, language="nl")


@pytest.fixture
def outsider(other_customer: Customer) -> User:
    return DealerFactory.create(email="els@janssens.example", customer=other_customer, language="nl")


@pytest.fixture
def dossier(customer: Customer, owner: User) -> Dossier:
    return DossierFactory.create(customer=customer, created_by=owner)


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner: User) -> Client:
    return _client_for(owner)


@pytest.fixture
def colleague_client(colleague: User) -> Client:
    return _client_for(colleague)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return _client_for(outsider)


@pytest.fixture
def staff_client(staff: User) -> Client:
    return _client_for(staff)


@pytest.fixture
def backoffice_clerk(db: None) -> User:
    """A staff member of the real « Back-office » group (accounts.backoffice)."""
    user = StaffFactory.create(email="clerk@renson.example", first_name="Luc", last_name="Peeters")
    user.groups.add(backoffice_group())
    return user


@pytest.fixture
def backoffice_viewer(db: None) -> User:
    """A staff member who may only look: the view permissions of the « Back-office » group."""
    user = StaffFactory.create(email="viewer@renson.example", first_name="Ann", last_name="Claes")
    user.user_permissions.set(backoffice_group().permissions.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def superuser(db: None) -> User:
    # The shared test password hash: a real PBKDF2 run per admin test would cost ~0.5 s each.
    user = User.objects.create_superuser(email="root@renson.example", password=None)
    user.password = password_hash()
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def superuser_client(superuser: User) -> Client:
    return _client_for(superuser)


@pytest.fixture(autouse=True)
def _cache_namespace(settings) -> None:  # type: ignore[no-untyped-def]
    """And one per test within the run: every test client comes from 127.0.0.1, so the
    password-reset counters (and cached pages) of one test must not reach the next."""
    default = {**settings.CACHES["default"], "KEY_PREFIX": f"{RUN_CACHE_PREFIX}-{uuid.uuid4().hex[:8]}"}
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def _source_language() -> Iterator[None]:
    """Each test starts in French, the source language: a request of an earlier test (by a
    Dutch-speaking user, say) leaves its language active in the thread."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _redis_breakers_closed() -> None:
    """A Redis a previous test stopped must not look down to this one (ops.breaker)."""
    breaker.reset_all()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Uploads of a test go to its own folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        # The manifest needs collectstatic; tests serve the source files as they are.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield


__all__ = ["SmtpSink"]
