"""The status workflow, service by service: every allowed move and every refused one.

The allowed moves are written out from PRODUCT.md §3 here on purpose rather than read
from ``dossiers.workflow``, so a wrong table cannot make its own test pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, EventKind, HistoryEvent, Status
from dossiers.workflow import TRANSITIONS, Action, Role, available, dealer_buttons, find_transition
from tests.factories import DossierFactory

S = Status
DEALER, STAFF = "dealer", "staff"

# (service, target for advance_status, from, to, who)
ALLOWED: list[tuple[str, Status | None, Status, Status, str]] = [
    ("request_quote", None, S.ACTIVE, S.QUOTE, DEALER),
    ("reopen_dossier", None, S.QUOTE, S.ACTIVE, DEALER),
    ("mark_ordered", None, S.ACTIVE, S.ORDERED, DEALER),
    ("mark_ordered", None, S.QUOTE, S.ORDERED, DEALER),
    ("mark_ordered", None, S.SERVICE_REQUESTED, S.ORDERED, DEALER),
    ("advance_status", S.IN_PRODUCTION, S.ORDERED, S.IN_PRODUCTION, STAFF),
    ("advance_status", S.DELIVERED, S.IN_PRODUCTION, S.DELIVERED, STAFF),
    ("advance_status", S.COMPLETED, S.DELIVERED, S.COMPLETED, STAFF),
    ("request_service", None, S.COMPLETED, S.SERVICE_REQUESTED, DEALER),
    ("cancel_dossier", None, S.ACTIVE, S.CANCELLED, DEALER),
    ("cancel_dossier", None, S.ACTIVE, S.CANCELLED, STAFF),
    ("cancel_dossier", None, S.QUOTE, S.CANCELLED, DEALER),
    ("cancel_dossier", None, S.QUOTE, S.CANCELLED, STAFF),
    ("cancel_dossier", None, S.ORDERED, S.CANCELLED, STAFF),
]

SERVICES: list[tuple[str, Status | None]] = [
    ("request_quote", None),
    ("reopen_dossier", None),
    ("mark_ordered", None),
    ("advance_status", S.IN_PRODUCTION),
    ("advance_status", S.DELIVERED),
    ("advance_status", S.COMPLETED),
    ("request_service", None),
    ("cancel_dossier", None),
]

ALLOWED_KEYS = {(name, to, source, who) for name, to, source, _target, who in ALLOWED}
REFUSED = [
    (name, to, source, who)
    for name, to in SERVICES
    for source in Status
    for who in (DEALER, STAFF)
    if (name, to, source, who) not in ALLOWED_KEYS
]


def _call(name: str, to: Status | None, dossier: Dossier, user: User, **kwargs: Any) -> Dossier:
    service: Callable[..., Dossier] = getattr(services, name)
    if to is not None:
        kwargs["to"] = to
    return service(dossier=dossier, user=user, **kwargs)


def _dossier_in(status: Status, owner: User) -> Dossier:
    return DossierFactory(customer=owner.customer, created_by=owner, status=status)


@pytest.fixture
def people(owner: User, staff: User) -> dict[str, User]:
    return {DEALER: owner, STAFF: staff}


def test_the_table_matches_the_product_description() -> None:
    table = {(t.action.value, t.source, t.target, role.value) for t in TRANSITIONS for role in t.roles}
    expected = {(name, source, target, who) for name, _to, source, target, who in ALLOWED}
    assert table == expected


def test_dealer_buttons_are_the_dealer_moves_of_the_page() -> None:
    assert [t.action for t in dealer_buttons(S.ACTIVE)] == [Action.REQUEST_QUOTE, Action.CANCEL]
    assert [t.action for t in dealer_buttons(S.QUOTE)] == [Action.REOPEN, Action.CANCEL]
    assert dealer_buttons(S.ORDERED) == []  # only staff may cancel an ordered dossier
    assert [t.target for t in available(S.ORDERED, Role.STAFF)] == [S.IN_PRODUCTION, S.CANCELLED]
    assert find_transition(Action.ADVANCE, S.ORDERED, S.COMPLETED) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "to", "source", "target", "who"), ALLOWED)
def test_allowed_transition_changes_status_and_writes_one_event(
    name: str, to: Status | None, source: Status, target: Status, who: str, owner: User, people: dict[str, User]
) -> None:
    dossier = _dossier_in(source, owner)
    result = _call(name, to, dossier, people[who])
    dossier.refresh_from_db()
    assert result.status == dossier.status == target
    event = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.STATUS_CHANGED)
    assert event.actor == people[who]
    assert event.data == {"from": source.value, "to": target.value, "action": name}
    assert dossier.last_activity_at >= event.created_at


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "to", "source", "who"), REFUSED)
def test_refused_transition_changes_nothing(
    name: str, to: Status | None, source: Status, who: str, owner: User, people: dict[str, User]
) -> None:
    dossier = _dossier_in(source, owner)
    with pytest.raises(services.TransitionRefused) as refusal:
        _call(name, to, dossier, people[who])
    assert str(refusal.value)  # a message for the user, never an empty one
    dossier.refresh_from_db()
    assert dossier.status == source
    assert not HistoryEvent.objects.filter(dossier=dossier).exists()


@pytest.mark.django_db
def test_ordering_a_cancelled_dossier_is_refused_with_a_clear_message(owner: User) -> None:
    dossier = _dossier_in(S.CANCELLED, owner)
    with pytest.raises(services.TransitionRefused, match=r"« Passer la commande » n.est pas possible.*« Annulé »"):
        services.mark_ordered(dossier=dossier, user=owner)


@pytest.mark.django_db
def test_dealer_advancing_status_is_told_it_is_for_staff(owner: User) -> None:
    dossier = _dossier_in(S.ORDERED, owner)
    with pytest.raises(services.TransitionRefused, match="réservée aux collaborateurs de Renson"):
        services.advance_status(dossier=dossier, user=owner, to=S.IN_PRODUCTION)


@pytest.mark.django_db
def test_dealer_cancelling_an_ordered_dossier_is_sent_to_the_contact_person(owner: User) -> None:
    dossier = _dossier_in(S.ORDERED, owner)
    with pytest.raises(services.TransitionRefused, match="personne de contact"):
        services.cancel_dossier(dossier=dossier, user=owner)


@pytest.mark.django_db
def test_dealer_of_another_customer_is_refused(outsider: User, owner: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    with pytest.raises(services.TransitionRefused):
        services.cancel_dossier(dossier=dossier, user=outsider)
    dossier.refresh_from_db()
    assert dossier.status == S.ACTIVE


@pytest.mark.django_db
def test_repeating_a_transition_says_already_there_and_writes_no_second_event(owner: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    services.request_quote(dossier=dossier, user=owner, expected=S.ACTIVE)
    with pytest.raises(services.TransitionRefused, match="déjà au statut « Offre »") as refusal:
        services.request_quote(dossier=dossier, user=owner, expected=S.ACTIVE)
    assert refusal.value.already
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 1


@pytest.mark.django_db
def test_repeating_an_advance_never_skips_a_status(staff: User, owner: User) -> None:
    dossier = _dossier_in(S.ORDERED, owner)
    services.advance_status(dossier=dossier, user=staff, to=S.IN_PRODUCTION)
    with pytest.raises(services.TransitionRefused) as refusal:
        services.advance_status(dossier=dossier, user=staff, to=S.IN_PRODUCTION)
    assert refusal.value.already
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PRODUCTION


@pytest.mark.django_db
def test_a_stale_page_cannot_apply_a_move_to_a_changed_dossier(owner: User, colleague: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    services.request_quote(dossier=dossier, user=colleague, expected=S.ACTIVE)
    # The owner's page still shows « Actif »; cancelling an Offre would be legal, but not what they saw.
    with pytest.raises(services.TransitionRefused, match="a changé entre-temps"):
        services.cancel_dossier(dossier=dossier, user=owner, expected=S.ACTIVE)
    dossier.refresh_from_db()
    assert dossier.status == S.QUOTE


@pytest.mark.django_db
def test_mark_ordered_numbers_the_order_and_records_it(owner: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    ordered = services.mark_ordered(dossier=dossier, user=owner)
    assert ordered.order_number.startswith("C")
    placed = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.ORDER_PLACED)
    assert placed.data == {"order_number": ordered.order_number}
    assert ordered.order_number in placed.description


@pytest.mark.django_db
def test_service_order_keeps_the_original_order_number(owner: User) -> None:
    dossier = DossierFactory(customer=owner.customer, status=S.SERVICE_REQUESTED, order_number="C2026000042")
    assert services.mark_ordered(dossier=dossier, user=owner).order_number == "C2026000042"


@pytest.mark.django_db
def test_status_event_reads_in_the_readers_words(owner: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    services.request_quote(dossier=dossier, user=owner)
    event = HistoryEvent.objects.get(dossier=dossier)
    assert event.description == "« Actif » → « Offre »"


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` at the same instant in threads; each result is the return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_identical_concurrent_transitions_do_not_both_succeed(owner: User, colleague: User) -> None:
    dossier = _dossier_in(S.ACTIVE, owner)
    results = _race(
        [
            lambda: services.request_quote(dossier=dossier, user=owner, expected=S.ACTIVE),
            lambda: services.request_quote(dossier=dossier, user=colleague, expected=S.ACTIVE),
        ]
    )
    assert sum(isinstance(r, Dossier) for r in results) == 1
    assert sum(isinstance(r, services.TransitionRefused) for r in results) == 1
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_conflicting_concurrent_transitions_do_not_both_succeed(owner: User, staff: User) -> None:
    dossier = _dossier_in(S.ORDERED, owner)
    results = _race(
        [
            lambda: services.advance_status(dossier=dossier, user=staff, to=S.IN_PRODUCTION, expected=S.ORDERED),
            lambda: services.cancel_dossier(dossier=dossier, user=staff, expected=S.ORDERED),
        ]
    )
    assert sum(isinstance(r, Dossier) for r in results) == 1, results
    assert sum(isinstance(r, services.TransitionRefused) for r in results) == 1, results
    dossier.refresh_from_db()
    events = HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED)
    assert [e.data["to"] for e in events] == [dossier.status]


def test_events_of_a_kind_no_app_describes_show_their_file_name_or_summary(owner: User, dossier: Dossier) -> None:
    document = services.record_event(
        dossier=dossier, kind=EventKind.DOCUMENT_GENERATED, actor=owner, data={"name": "offre.pdf"}
    )
    bare = services.record_event(dossier=dossier, kind=EventKind.DOCUMENT_GENERATED, actor=owner, data={})
    assert (document.description, bare.description) == ("offre.pdf", "")
