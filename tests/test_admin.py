"""The admin is usable by staff: every changelist and add page loads, search and filters work."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier

MODELS = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry)

# What the add page answers even a superuser: 403 where the admin only reads (the axes
# logs, the outbox, the catalogue, which comes from load_catalogue) or where rows are born
# in the portal only (dossiers, attachments, complaints); 200 where staff create rows.
ADD_PAGE_STATUS = {
    "accounts.customer": 200,
    "accounts.user": 200,
    "auth.group": 200,
    "axes.accessattempt": 403,
    "axes.accessfailurelog": 403,
    "axes.accesslog": 403,
    "catalogue.catalogueversion": 403,
    "catalogue.product": 403,
    "catalogue.productgroup": 403,
    "catalogue.productversion": 403,
    "communication.attachment": 403,
    "communication.complaint": 403,
    "communication.message": 200,  # a staff message, through post_message
    "documents.document": 403,  # issued by the workflow only
    "dossiers.dossier": 403,
    "mailer.outboundmail": 403,
}


def test_every_admin_model_has_an_expected_add_page_status() -> None:
    assert sorted(ADD_PAGE_STATUS) == MODELS, "update ADD_PAGE_STATUS: an admin model was added or removed"


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_add_pages_load(superuser_client: Client, dossier: Dossier, model: str) -> None:
    app_label, model_name = model.split(".")
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(changelist, {"q": "100200"}).status_code == 200
    add = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code == ADD_PAGE_STATUS[model]


def test_dossier_search_by_customer_number_and_filter(superuser_client: Client, dossier: Dossier) -> None:
    url = reverse("admin:dossiers_dossier_changelist")
    assert dossier.number in superuser_client.get(url, {"q": dossier.customer.number}).content.decode()
    assert dossier.number not in superuser_client.get(url, {"q": "no-such-customer"}).content.decode()
    assert dossier.number in superuser_client.get(url, {"status__exact": dossier.status}).content.decode()


def test_dealers_cannot_enter_the_admin(owner_client: Client) -> None:
    response = owner_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_staff_home_goes_to_admin(staff_client: Client, staff: User) -> None:
    assert staff_client.get("/")["Location"] == reverse("admin:index")


def test_staff_can_add_a_dealer_user_in_the_admin(superuser_client: Client, customer) -> None:  # type: ignore[no-untyped-def]
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouveau@Dupont.example",
            "customer": customer.pk,
            "language": "fr",
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email__iexact="nouveau@dupont.example")
    assert user.customer == customer and not user.has_usable_password()


def test_admin_refuses_a_dealer_without_customer(superuser_client: Client) -> None:
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "orphan@example.com", "language": "fr", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="orphan@example.com").exists()
