"""The dossier page: workflow buttons, the gear menu's copy, the Historique tab."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _transition_url(dossier: Dossier) -> str:
    return reverse("dossiers:dossier-transition", kwargs={"pk": dossier.pk})


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_page_offers_the_dealer_buttons_of_the_status(owner_client: Client, dossier: Dossier) -> None:
    body = unescape(owner_client.get(reverse("dossiers:dossier-detail", kwargs={"pk": dossier.pk})).content.decode())
    assert "Demander une offre" in body and "Annuler le dossier" in body
    assert "Retour au statut Actif" not in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "Copier le dossier" in body


def test_request_quote_then_back_to_active(owner_client: Client, dossier: Dossier) -> None:
    response = owner_client.post(
        _transition_url(dossier), {"action": "request_quote", "expected": "active"}, follow=True
    )
    assert "est maintenant au statut « Offre »" in " ".join(_messages(response))
    assert "Retour au statut Actif" in unescape(response.content.decode())
    owner_client.post(_transition_url(dossier), {"action": "reopen_dossier", "expected": "quote"})
    dossier.refresh_from_db()
    assert dossier.status == Status.ACTIVE
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 2


def test_double_submit_does_one_thing_and_says_so(owner_client: Client, dossier: Dossier) -> None:
    data = {"action": "cancel_dossier", "expected": "active"}
    owner_client.post(_transition_url(dossier), data, follow=True)
    response = owner_client.post(_transition_url(dossier), data, follow=True)
    assert response.status_code == 200
    assert _messages(response) == ["Le dossier est déjà au statut « Annulé »."]
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"action": "advance_status", "expected": "ordered"},  # a staff move, forged
        {"action": "mark_ordered", "expected": "active"},  # ordering belongs to the configurator
        {"action": "delete", "expected": "active"},
        {"action": "request_quote", "expected": "nonsense"},
        {"action": "request_quote"},
        {},
    ],
)
def test_forged_posts_are_refused_and_change_nothing(owner_client: Client, owner: User, data: dict[str, str]) -> None:
    dossier = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    response = owner_client.post(_transition_url(dossier), data, follow=True)
    assert response.status_code == 200
    assert _messages(response) == ["Cette action n'est pas disponible pour ce dossier."]
    dossier.refresh_from_db()
    assert dossier.status == Status.ORDERED
    assert not HistoryEvent.objects.filter(dossier=dossier).exists()


def test_dealer_cannot_cancel_an_ordered_dossier_even_by_forging_the_status(owner_client: Client, owner: User) -> None:
    dossier = DossierFactory(customer=owner.customer, status=Status.ORDERED)
    response = owner_client.post(
        _transition_url(dossier), {"action": "cancel_dossier", "expected": "ordered"}, follow=True
    )
    assert "personne de contact" in " ".join(_messages(response))
    dossier.refresh_from_db()
    assert dossier.status == Status.ORDERED


def test_a_move_from_a_stale_page_is_refused(owner_client: Client, dossier: Dossier) -> None:
    dossier.status = Status.QUOTE
    dossier.save()
    response = owner_client.post(
        _transition_url(dossier), {"action": "cancel_dossier", "expected": "active"}, follow=True
    )
    assert "a changé entre-temps" in " ".join(_messages(response))
    dossier.refresh_from_db()
    assert dossier.status == Status.QUOTE


def test_transition_of_another_customers_dossier_is_404(outsider_client: Client, dossier: Dossier) -> None:
    response = outsider_client.post(_transition_url(dossier), {"action": "cancel_dossier", "expected": "active"})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.ACTIVE


def test_transition_without_csrf_token_is_refused(owner: User, dossier: Dossier) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(_transition_url(dossier), {"action": "cancel_dossier", "expected": "active"}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.ACTIVE


def test_copy_makes_a_new_active_dossier_without_messages_or_history(
    owner_client: Client, owner: User, colleague: User
) -> None:
    source = DossierFactory(
        customer=owner.customer, status=Status.COMPLETED, order_number="C2026000001", warranty_numbers="W-1"
    )
    services.record_event(dossier=source, kind=EventKind.MESSAGE_POSTED, actor=colleague, data={"summary": "Remarque"})
    services.note_message_posted(dossier=source, at=timezone.now())
    response = owner_client.post(reverse("dossiers:dossier-copy", kwargs={"pk": source.pk}))
    copy = Dossier.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("dossiers:dossier-detail", kwargs={"pk": copy.pk})
    assert copy.number != source.number
    assert (copy.customer, copy.product, copy.product_group, copy.reference, copy.contact_person) == (
        source.customer,
        source.product,
        source.product_group,
        source.reference,
        source.contact_person,
    )
    assert copy.status == Status.ACTIVE
    assert (copy.order_number, copy.warranty_numbers, copy.last_message_at) == ("", "", None)
    assert list(copy.events.values_list("kind", flat=True)) == [EventKind.COPIED, EventKind.CREATED]
    assert copy.events.get(kind=EventKind.COPIED).data == {"copied_from": source.number}
    assert source.events.filter(kind=EventKind.COPIED, data__copied_to=copy.number).exists()


def test_copy_of_another_customers_dossier_is_404(outsider_client: Client, dossier: Dossier) -> None:
    assert outsider_client.post(reverse("dossiers:dossier-copy", kwargs={"pk": dossier.pk})).status_code == 404
    assert Dossier.objects.count() == 1


def test_history_is_newest_first_with_actor_and_internal_events(
    owner_client: Client, owner: User, colleague: User, staff: User, dossier: Dossier
) -> None:
    services.request_quote(dossier=dossier, user=owner)
    services.record_event(
        dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=colleague, internal=True, data={"summary": "Interne"}
    )
    services.cancel_dossier(dossier=dossier, user=staff)
    response = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk}))
    events = list(response.context["page"].object_list)
    assert [e.kind for e in events] == [EventKind.STATUS_CHANGED, EventKind.MESSAGE_POSTED, EventKind.STATUS_CHANGED]
    body = unescape(response.content.decode())
    assert body.index("« Offre » → « Annulé »") < body.index("« Actif » → « Offre »")
    assert "Sophie Vermeulen" in body  # staff actor
    assert "Interne" in body  # dealers see their internal events


def test_history_hides_internal_events_from_staff_in_the_admin(
    superuser_client: Client, dossier: Dossier, owner: User
) -> None:
    services.record_event(
        dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner, internal=True, data={"summary": "Secret interne"}
    )
    services.record_event(
        dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner, data={"summary": "Remarque publique"}
    )
    body = superuser_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Remarque publique" in body
    assert "Secret interne" not in body


def test_history_events_are_scoped_like_every_other_read(
    owner: User, outsider: User, staff: User, dossier: Dossier
) -> None:
    foreign = DossierFactory(customer=outsider.customer)
    mine = services.record_event(dossier=dossier, kind=EventKind.COPIED, actor=owner, data={"copied_to": "1"})
    internal = services.record_event(dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner, internal=True)
    theirs = services.record_event(dossier=foreign, kind=EventKind.COPIED, actor=outsider, data={"copied_to": "2"})
    events = HistoryEvent.objects.filter(kind__in=[EventKind.COPIED, EventKind.MESSAGE_POSTED])
    # Without a dossier filter first: a dealer still gets only its own customer's events.
    assert set(events.visible_to(owner)) == {mine, internal}
    assert set(events.visible_to(outsider)) == {theirs}
    assert set(events.visible_to(staff)) == {mine, theirs}  # never the Interne one
    assert not events.visible_to(AnonymousUser()).exists()
    owner.is_active = False
    assert not events.visible_to(owner).exists()


def test_history_describes_messages_and_attachments(owner_client: Client, owner: User, dossier: Dossier) -> None:
    services.record_event(dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner, data={"type": "complaint"})
    services.record_event(
        dossier=dossier, kind=EventKind.ATTACHMENT_DEACTIVATED, actor=owner, data={"name": "plan-terrasse.pdf"}
    )
    events = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk})).context["page"]
    assert [e.description for e in events] == ["plan-terrasse.pdf", "Plainte"]


@pytest.mark.parametrize(
    ("name", "data", "budget"),
    [
        ("dossiers:dossier-transition", {"action": "request_quote", "expected": "active"}, 14),
        # creation numbers the dossier under a lock and writes two events on each side
        ("dossiers:dossier-copy", {}, 28),
        ("dossiers:dossier-favourite", {"starred": "on"}, 8),
    ],
)
def test_post_views_query_budget(
    owner_client: Client,
    dossier: Dossier,
    name: str,
    data: dict[str, str],
    budget: int,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_max_num_queries(budget):
        response = owner_client.post(reverse(name, kwargs={"pk": dossier.pk}), data)
    assert response.status_code == 302


@pytest.mark.parametrize("rows", [1, 50])
def test_history_query_budget_is_constant(
    owner_client: Client, owner: User, staff: User, dossier: Dossier, rows: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(rows):
        services.record_event(dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner if i % 2 else staff)
    # session, user, customer, dossier, count, page of events with their actors
    with django_assert_max_num_queries(6):
        response = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk}))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_dossier_page_query_budget_is_constant(
    owner_client: Client, owner: User, dossier: Dossier, rows: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    DossierFactory.create_batch(rows, customer=owner.customer)
    for _ in range(rows):
        services.record_event(dossier=dossier, kind=EventKind.MESSAGE_POSTED, actor=owner)
        services.note_message_posted(dossier=dossier, at=timezone.now())
    with django_assert_max_num_queries(3):  # session, user with customer, dossier with its columns
        response = owner_client.get(reverse("dossiers:dossier-detail", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["-1", "abc", "99999"])
def test_history_odd_page_numbers_never_fail(owner_client: Client, dossier: Dossier, page: str) -> None:
    response = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": dossier.pk}), {"page": page})
    assert response.status_code == 200
