"""Staff side: status changes only through admin actions that call the workflow services."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from tests.factories import DossierFactory, ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:dossiers_dossier_changelist")


def _act(client: Client, action: str, *dossiers: Dossier):  # type: ignore[no-untyped-def]
    return client.post(CHANGELIST, {"action": action, "_selected_action": [d.pk for d in dossiers]}, follow=True)


def test_advance_action_moves_one_step_and_records_the_staff_member(
    superuser_client: Client, superuser: User, owner: User
) -> None:
    dossier = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    _act(superuser_client, "advance_to_in_production", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PRODUCTION
    event = HistoryEvent.objects.get(dossier=dossier)
    assert (event.kind, event.actor, event.data["to"]) == (EventKind.STATUS_CHANGED, superuser, "in_production")


def test_illegal_action_is_reported_per_dossier_and_applies_to_the_others(
    superuser_client: Client, owner: User
) -> None:
    ordered = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    active = DossierFactory(customer=owner.customer, status=Status.ACTIVE)
    response = _act(superuser_client, "advance_to_delivered", ordered, active)
    body = unescape(response.content.decode())
    assert f"{ordered.number} : L'action « Faire avancer le statut » n'est pas possible" in body
    assert f"{active.number} : " in body
    ordered.refresh_from_db()
    active.refresh_from_db()
    assert (ordered.status, active.status) == (Status.ORDERED, Status.ACTIVE)
    assert not HistoryEvent.objects.exists()


def test_staff_may_cancel_an_ordered_dossier(superuser_client: Client, owner: User) -> None:
    dossier = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    _act(superuser_client, "cancel", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.CANCELLED


@pytest.mark.parametrize("who", ["superuser", "backoffice"])
def test_dossier_fields_cannot_be_edited_in_the_admin(
    request: pytest.FixtureRequest, who: str, dossier: Dossier, staff: User
) -> None:
    """A product of another group once saved here, with no Historique: every field is read-only now."""
    if who == "backoffice":
        from accounts.backoffice import backoffice_group

        staff.groups.add(backoffice_group())
        user = staff
    else:
        user = request.getfixturevalue("superuser")
    client = Client()
    client.force_login(user)
    foreign = ProductFactory(group=ProductGroupFactory())
    before = Dossier.objects.filter(pk=dossier.pk).values().get()
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # shown, none of them an input
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        url,
        {
            "reference": "Nouveau nom",
            "product_group": dossier.product_group_id,
            "product": foreign.pk,
            "contact_person": user.pk,
            "status": "completed",
            "customer": dossier.customer_id,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before
    assert not HistoryEvent.objects.filter(dossier=dossier).exists()


def test_changelist_shows_customer_number_and_filters(superuser_client: Client, dossier: Dossier) -> None:
    body = superuser_client.get(CHANGELIST).content.decode()
    assert dossier.customer.number in body
    for params in ({"status__exact": "active"}, {"customer__id__exact": dossier.customer_id}, {"q": dossier.reference}):
        assert dossier.number in superuser_client.get(CHANGELIST, params).content.decode()
    assert dossier.number not in superuser_client.get(CHANGELIST, {"status__exact": "ordered"}).content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_changelist_query_budget(
    superuser_client: Client, owner: User, rows: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    DossierFactory.create_batch(rows, customer=owner.customer)
    with django_assert_max_num_queries(16):
        assert superuser_client.get(CHANGELIST).status_code == 200


def test_staff_who_may_only_view_dossiers_get_no_status_actions(staff: User, owner: User) -> None:
    from django.contrib.auth.models import Permission

    staff.groups.clear()
    staff.user_permissions.set([Permission.objects.get(codename="view_dossier")])
    client = Client()
    client.force_login(staff)
    dossier = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "advance_to_in_production" not in page.content.decode()
    _act(client, "advance_to_in_production", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.ORDERED
    assert not HistoryEvent.objects.filter(dossier=dossier).exists()
