"""The user admin cannot be used to gain rights or to take over an account.

Each test is an attack a « Back-office » member once got through (tried on a running
portal), sent as the browser would send it, and what now happens instead.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.backoffice import GROUP_NAME
from accounts.models import Customer, User
from tests.factories import PASSWORD
from tests.smtp import SmtpSink, body_text

ADD = reverse("admin:accounts_user_add")


def _change(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dealer_form(user: User, **changes: object) -> dict[str, object]:
    """The dealer's change form as a Back-office member sees it, with ``changes``."""
    data: dict[str, object] = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_backoffice_member_cannot_make_themselves_superuser(backoffice_clerk: User) -> None:
    client = _client(backoffice_clerk)
    page = client.get(_change(backoffice_clerk)).content.decode()
    for name in ("is_superuser", "groups", "user_permissions", "is_staff", "is_active"):
        assert f'name="{name}"' not in page, name
    everything = Group.objects.create(name="Tout")
    everything.permissions.set(Permission.objects.all())
    response = client.post(
        _change(backoffice_clerk),
        {
            "email": backoffice_clerk.email,
            "first_name": "Luc",
            "last_name": "Peeters",
            "language": "fr",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [everything.pk],
            "user_permissions": [p.pk for p in Permission.objects.filter(codename__endswith="_group")],
        },
    )
    assert response.status_code == 403  # a staff account is changed by superusers only
    backoffice_clerk.refresh_from_db()
    assert not backoffice_clerk.is_superuser
    assert list(backoffice_clerk.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert not backoffice_clerk.user_permissions.exists()
    assert not backoffice_clerk.has_perm("auth.change_group")


def test_backoffice_member_cannot_give_a_dealer_rights_or_take_over_the_account(
    backoffice_clerk: User, owner: User, other_customer: Customer
) -> None:
    group = Group.objects.get(name=GROUP_NAME)
    response = _client(backoffice_clerk).post(
        _change(owner),
        _dealer_form(
            owner,
            first_name="Marie-Claire",
            email="clerk-mailbox@renson.example",
            customer=other_customer.pk,
            is_staff="on",
            is_superuser="on",
            groups=[group.pk],
            user_permissions=[Permission.objects.get(codename="view_message").pk],
        ),
    )
    assert response.status_code == 302  # saved: the dealer's name, nothing else
    owner.refresh_from_db()
    assert owner.first_name == "Marie-Claire"
    assert (owner.email, owner.customer_id) == ("marie@dupont.example", Customer.objects.get(number="100200").pk)
    assert not (owner.is_staff or owner.is_superuser)
    assert not owner.groups.exists() and not owner.user_permissions.exists()


def test_backoffice_member_cannot_change_a_superuser_or_a_colleague(
    backoffice_clerk: User, superuser: User, staff: User
) -> None:
    client = _client(backoffice_clerk)
    for account in (superuser, staff):
        page = client.get(_change(account))
        assert page.status_code == 200  # they may look
        assert 'name="_save"' not in page.content.decode()
        response = client.post(_change(account), {"email": account.email, "first_name": "X", "is_active": ""})
        assert response.status_code == 403
        account.refresh_from_db()
        assert account.is_active and account.first_name != "X"


@pytest.mark.parametrize("who", ["backoffice_clerk", "superuser"])
def test_nobody_sets_a_password_for_someone_else(request: pytest.FixtureRequest, who: str, owner: User) -> None:
    client = _client(request.getfixturevalue(who))
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Chosen-by-staff-2026", "password2": "Chosen-by-staff-2026"})
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert not owner.check_password("Chosen-by-staff-2026")
    page = client.get(_change(owner)).content.decode()
    assert "password/" not in page
    assert 'name="password' not in page


def test_creating_a_dealer_with_a_chosen_password_gives_an_invitation_instead(
    superuser: User,
    customer: Customer,
    smtp_sink: SmtpSink,
    django_capture_on_commit_callbacks,
) -> None:
    client = _client(superuser)
    form = client.get(ADD).content.decode()
    assert 'name="password1"' not in form and 'name="usable_password"' not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                "email": "Nouveau@Dupont.example",
                "customer": customer.pk,
                "language": "nl",
                "usable_password": "true",
                "password1": "Chosen-by-staff-2026",
                "password2": "Chosen-by-staff-2026",
                "is_superuser": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nouveau@dupont.example")
    assert (user.customer, user.is_staff, user.is_superuser) == (customer, False, False)
    assert not user.has_usable_password()
    assert not user.check_password("Chosen-by-staff-2026")
    [mail] = smtp_sink.to("nouveau@dupont.example")
    assert mail["Content-Language"] == "nl"
    assert re.search(r"/accounts/password/reset/\S+/", body_text(mail))


def test_backoffice_member_cannot_add_accounts(backoffice_clerk: User, customer: Customer) -> None:
    # Whoever adds an account chooses where its invitation goes: their own address would
    # give them a dealer account, and that customer's Interne messages.
    client = _client(backoffice_clerk)
    assert client.get(ADD).status_code == 403
    for data in (
        {"email": "new-staff@renson.example", "is_staff": "on"},
        {"email": "sophie.private@example.org", "customer": customer.pk, "language": "fr"},
    ):
        assert client.post(ADD, data).status_code == 403
        assert not User.objects.filter(email=data["email"]).exists()


def test_staff_created_in_the_admin_joins_the_back_office_group_and_is_invited(
    superuser_client: Client, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            ADD, {"email": "nieuw@renson.example", "language": "nl", "is_staff": "on", "first_name": "Pieter"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nieuw@renson.example")
    assert (user.is_staff, user.customer, user.first_name) == (True, None, "Pieter")
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert user.has_perm("communication.change_complaint")
    assert not user.has_usable_password()
    [mail] = smtp_sink.to("nieuw@renson.example")
    assert re.search(r"/accounts/password/reset/\S+/", body_text(mail))


def test_users_cannot_be_changed_through_the_customer_page(backoffice_clerk: User, owner: User) -> None:
    customer = owner.customer
    assert customer is not None
    url = reverse("admin:accounts_customer_change", args=[customer.pk])
    client = _client(backoffice_clerk)
    page = client.get(url).content.decode()
    assert 'name="users-0-email"' not in page
    response = client.post(
        url,
        {
            "number": customer.number,
            "name": customer.name,
            "language": customer.language,
            "account_manager": customer.account_manager_id or "",
            "discount_percent": "0",
            "is_active": "on",
            "users-TOTAL_FORMS": "2",
            "users-INITIAL_FORMS": "1",
            "users-0-id": owner.pk,
            "users-0-customer": customer.pk,
            "users-0-email": "clerk-mailbox@renson.example",
            "users-0-first_name": "X",
            "users-1-customer": customer.pk,
            "users-1-email": "sock-puppet@renson.example",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.email, owner.first_name) == ("marie@dupont.example", "Marie")
    assert not User.objects.filter(email="sock-puppet@renson.example").exists()


def test_migrate_brings_an_existing_back_office_group_to_its_definition(backoffice_clerk: User) -> None:
    group = Group.objects.get(name=GROUP_NAME)
    group.permissions.add(Permission.objects.get(codename="add_user"))  # as granted before
    call_command("migrate", verbosity=0)
    assert not group.permissions.filter(codename="add_user").exists()
    assert group.permissions.filter(codename="change_user").exists()
