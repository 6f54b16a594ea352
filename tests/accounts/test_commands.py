import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Customer, User
from dossiers.models import Dossier, Status
from tests.smtp import SmtpSink, body_text


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_customer_is_idempotent(staff: User) -> None:
    assert "created" in _call("create_customer", "555001", "Stores Martin", "--account-manager", staff.email)
    assert "updated" in _call("create_customer", "555001", "Stores Martin", "--account-manager", staff.email)
    customer = Customer.objects.get(number="555001")
    assert customer.account_manager == staff
    assert Customer.objects.filter(number="555001").count() == 1


def test_create_customer_refuses_unknown_account_manager(db: None) -> None:
    with pytest.raises(CommandError, match="No staff user"):
        _call("create_customer", "555002", "X", "--account-manager", "nobody@example.com")


def test_create_user_invites_by_mail_with_a_working_password_link(
    customer: Customer, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out = _call("create_user", "new@dupont.example", "--customer", customer.number, "--language", "de")
    assert out.strip() == "user new@dupont.example: created, invitation sent"
    user = User.objects.get(email="new@dupont.example")
    assert user.customer == customer and not user.has_usable_password()
    [mail] = smtp_sink.to("new@dupont.example")
    assert mail["Content-Language"] == "de"
    path = re.search(r"(/accounts/password/reset/\S+/)", body_text(mail))
    assert path
    client = Client()
    page = client.get(path.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": "Mein-Passwort-2026", "new_password2": "Mein-Passwort-2026"}
    )
    user.refresh_from_db()
    assert user.check_password("Mein-Passwort-2026")


def test_create_user_twice_does_not_invite_twice(
    customer: Customer, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _call("create_user", "twice@dupont.example", "--customer", customer.number)
        out = _call("create_user", "TWICE@dupont.example", "--customer", customer.number)
    assert "exists, unchanged" in out
    assert len(smtp_sink.to("twice@dupont.example")) == 1


def test_create_user_has_no_password_option() -> None:
    with pytest.raises(CommandError):
        call_command("create_user", "a@b.example", "--staff", "--password", "secret")


def test_create_user_rejects_bad_input(db: None) -> None:
    with pytest.raises(CommandError, match="Invalid e-mail"):
        _call("create_user", "not-an-address", "--staff")
    with pytest.raises(CommandError, match="No customer"):
        _call("create_user", "a@b.example", "--customer", "999999")


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


def test_staff_users_join_the_back_office_group_and_can_work_in_the_admin(db: None) -> None:
    _call("create_user", "nieuw@renson.example", "--staff", "--no-invite")
    user = User.objects.get(email="nieuw@renson.example")
    assert user.groups.filter(name="Back-office").exists()
    assert user.has_perm("communication.change_complaint") and user.has_perm("dossiers.change_dossier")
    assert not user.has_perm("dossiers.delete_dossier")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/communication/complaint/").status_code == 200


def test_seed_demo_gives_the_contact_person_a_thread_to_answer(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    from communication.models import Audience, Message

    settings.DEBUG = True
    _call("seed_demo")
    staff = User.objects.get(email="contact@renson.example")
    assert staff.has_perm("communication.change_message")
    thread = Message.objects.filter(dossier__customer__number="100200")
    assert thread.count() == 4
    assert thread.filter(audience=Audience.INTERNAL).count() == 1
    assert thread.filter(author=staff, parent__isnull=False).exists()
