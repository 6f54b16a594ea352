"""« Changer la personne de contact »: an admin action with an intermediate form, through a
service that writes the Historique (dossier fields themselves stay read-only)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.backoffice import backoffice_group
from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, EventKind, HistoryEvent
from tests.factories import DossierFactory, StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:dossiers_dossier_changelist")


@pytest.fixture
def clerk_client(backoffice_clerk: User) -> Client:
    client = Client()
    client.force_login(backoffice_clerk)
    return client


@pytest.fixture
def successor(db: None) -> User:
    return StaffFactory.create(email="luc@renson.example", first_name="Luc", last_name="Peeters")


def test_action_asks_for_the_new_contact_person_then_changes_it_with_history(
    clerk_client: Client, backoffice_clerk: User, dossier: Dossier, staff: User, successor: User, owner: User
) -> None:
    other = DossierFactory(customer=dossier.customer)
    chosen = {"action": "change_contact_person", "_selected_action": [dossier.pk, other.pk]}

    form = clerk_client.post(CHANGELIST, chosen)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Nouvelle personne de contact" in html and dossier.number in html
    assert owner.email not in html  # dealers are not offered

    done = clerk_client.post(CHANGELIST, {**chosen, "apply": "1", "contact_person": successor.pk}, follow=True)

    assert "2 dossier(s) modifié(s)." in done.content.decode()
    dossier.refresh_from_db()
    assert dossier.contact_person == successor
    event = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.CONTACT_CHANGED)
    assert event.actor == backoffice_clerk
    assert event.description == f"«\u00a0{staff.display_name}\u00a0» → «\u00a0Luc Peeters\u00a0»"
    # The dealer reads it in the Historique.
    dealer = Client()
    dealer.force_login(owner)
    page = dealer.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk})).content.decode()
    assert "Personne de contact modifiée" in page and "Luc Peeters" in page


def test_a_dealer_account_cannot_be_chosen(clerk_client: Client, dossier: Dossier, owner: User, staff: User) -> None:
    chosen = {"action": "change_contact_person", "_selected_action": [dossier.pk], "apply": "1"}
    response = clerk_client.post(CHANGELIST, {**chosen, "contact_person": owner.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["contact_person"]
    dossier.refresh_from_db()
    assert dossier.contact_person == staff


def test_viewer_is_not_offered_the_action_and_cannot_run_it(
    backoffice_viewer: User, dossier: Dossier, staff: User, successor: User
) -> None:
    client = Client()
    client.force_login(backoffice_viewer)
    page = client.get(CHANGELIST)
    assert page.context["action_form"] is None or "change_contact_person" not in dict(
        page.context["action_form"].fields["action"].choices
    )
    client.post(
        CHANGELIST,
        {
            "action": "change_contact_person",
            "_selected_action": [dossier.pk],
            "apply": "1",
            "contact_person": successor.pk,
        },
    )
    dossier.refresh_from_db()
    assert dossier.contact_person == staff


def test_service_rules(dossier: Dossier, staff: User, successor: User, owner: User) -> None:
    clerk = StaffFactory.create()
    clerk.groups.add(backoffice_group())
    with pytest.raises(PermissionDenied):
        services.change_contact_person(dossier=dossier, contact_person=successor, user=owner)
    with pytest.raises(ValidationError):
        services.change_contact_person(dossier=dossier, contact_person=owner, user=clerk)
    successor.is_active = False
    successor.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        services.change_contact_person(dossier=dossier, contact_person=successor, user=clerk)
    # The same person again: nothing changes, nothing is written.
    services.change_contact_person(dossier=dossier, contact_person=staff, user=clerk)
    assert not HistoryEvent.objects.filter(kind=EventKind.CONTACT_CHANGED).exists()


def test_a_dossier_without_contact_person_gets_one(dossier: Dossier, successor: User, staff: User) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(contact_person=None)
    services.change_contact_person(dossier=dossier, contact_person=successor, user=staff)
    event = HistoryEvent.objects.get(kind=EventKind.CONTACT_CHANGED)
    assert event.data["from"] is None
    assert event.description == "«\u00a0–\u00a0» → «\u00a0Luc Peeters\u00a0»"
