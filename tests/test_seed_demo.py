"""The demo seed (``manage.py seed_demo``, in the ereps app: it uses every app of the portal)."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command, get_commands
from django.test import Client

from accounts.models import Customer, User
from communication.models import Audience, Message
from dossiers.models import Dossier, Status


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_with_debug_off(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        _call("seed_demo")


def test_seed_demo_is_idempotent_and_prints_logins(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = _call("seed_demo")
    assert "marie@dupont.example" in out and "demo-ereps-2026" in out
    counts = (Customer.objects.count(), User.objects.count(), Dossier.objects.count())
    _call("seed_demo", "--force")
    assert (Customer.objects.count(), User.objects.count(), Dossier.objects.count()) == counts
    assert counts[0] >= 2
    first = Customer.objects.get(number="100200")
    assert first.users.count() == 2
    assert Customer.objects.get(number="300400").users.count() == 1
    assert User.objects.filter(is_superuser=True).exists()
    assert Dossier.objects.filter(status=Status.COMPLETED).exists()
    assert Dossier.objects.values("status").distinct().count() >= 5
    client = Client()
    response = client.post("/accounts/login/", {"username": "marie@dupont.example", "password": "demo-ereps-2026"})
    assert response.status_code == 302


def test_seed_demo_gives_the_contact_person_a_thread_to_answer(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    _call("seed_demo")
    staff = User.objects.get(email="contact@renson.example")
    assert staff.has_perm("communication.change_message")
    thread = Message.objects.filter(dossier__customer__number="100200")
    assert thread.count() == 4
    assert thread.filter(audience=Audience.INTERNAL).count() == 1
    assert thread.filter(author=staff, parent__isnull=False).exists()


def test_the_benchmark_data_command_exists_only_with_the_bench_settings() -> None:
    assert "bench" not in django_settings.INSTALLED_APPS
    assert get_commands()["seed_demo"] == "ereps"
    assert "bench_data" not in get_commands()
