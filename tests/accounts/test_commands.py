import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Customer, User
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


def test_staff_users_join_the_back_office_group_and_can_work_in_the_admin(db: None) -> None:
    _call("create_user", "nieuw@renson.example", "--staff", "--no-invite")
    user = User.objects.get(email="nieuw@renson.example")
    assert user.groups.filter(name="Back-office").exists()
    assert user.has_perm("communication.change_complaint") and user.has_perm("dossiers.change_dossier")
    assert user.has_perm("mailer.change_outboundmail") and user.has_perm("catalogue.view_product")
    assert not user.has_perm("dossiers.delete_dossier")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/communication/complaint/").status_code == 200
