"""« Demande de service » (FAQ: « Comment passer une demande de service ? »): offered only on a
Terminé dossier, otherwise the advice to contact the Renson contact person, by name; posting it
registers a complaint, moves the status and announces itself once, after commit."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication import services
from communication.models import Audience, Complaint, Message, MessageType
from communication.signals import service_requested
from dossiers.models import Dossier, EventKind, HistoryEvent, Status

from .conftest import error_codes

ADVICE = "contactez votre personne de contact chez Renson, Sophie Vermeulen (contact@renson.example)."


@pytest.fixture
def announced() -> Iterator[list[dict[str, Any]]]:
    """Every ``service_requested`` sent during the test, with its arguments."""
    calls: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        calls.append(kwargs)

    service_requested.connect(receiver, dispatch_uid="test-service-requested")
    yield calls
    service_requested.disconnect(dispatch_uid="test-service-requested")


def _set_status(dossier: Dossier, status: Status) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()


def _add_url(dossier: Dossier) -> str:
    return reverse("communication:message-create", kwargs={"pk": dossier.pk})


def _post_form(client: Client, dossier: Dossier, **data: object) -> Any:
    token = client.get(_add_url(dossier)).context["form"].initial["form_token"]
    return client.post(
        _add_url(dossier),
        {"type": "service_request", "audience": Audience.RENSON, "body": "Toile déchirée", "form_token": token, **data},
    )


@pytest.mark.django_db
def test_service_request_is_offered_in_ajouter_on_a_completed_dossier(owner_client: Client, dossier: Dossier) -> None:
    _set_status(dossier, Status.COMPLETED)
    response = owner_client.get(_add_url(dossier))
    html = response.content.decode()
    assert '<option value="service_request">Demande de service</option>' in html
    assert response.context["form"].service_advice == ""
    assert 'id="service-advice"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Status.ACTIVE, Status.QUOTE, Status.ORDERED, Status.IN_PRODUCTION, Status.DELIVERED, Status.CANCELLED],
)
def test_service_request_not_offered_otherwise_and_the_contact_person_is_named(
    owner_client: Client, dossier: Dossier, status: Status
) -> None:
    _set_status(dossier, status)
    html = owner_client.get(_add_url(dossier)).content.decode()
    assert 'value="service_request"' not in html
    label = Status(status).label
    assert (
        "Une demande de service n'est possible que pour un dossier au statut «\u00a0Terminé\u00a0» "
        f"(ce dossier est au statut «\u00a0{label}\u00a0»)\u00a0: {ADVICE}"
    ) in html.replace("&#x27;", "'")


@pytest.mark.django_db
def test_an_already_requested_dossier_points_to_the_configurateur(owner_client: Client, dossier: Dossier) -> None:
    _set_status(dossier, Status.SERVICE_REQUESTED)
    html = owner_client.get(_add_url(dossier)).content.decode().replace("&#x27;", "'")
    assert 'value="service_request"' not in html
    assert (
        "Une demande de service est déjà enregistrée pour ce dossier\u00a0: passez la commande de service dans "
        f"l'onglet «\u00a0Configurateur\u00a0», ou {ADVICE}"
    ) in html


@pytest.mark.django_db
def test_without_a_contact_person_the_account_manager_is_named(
    owner_client: Client, dossier: Dossier, customer: Any
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(contact_person=None, status=Status.ORDERED)
    html = owner_client.get(_add_url(dossier)).content.decode()
    assert "Sophie Vermeulen (contact@renson.example)" in html  # the customer's account manager


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.ACTIVE, Status.ORDERED, Status.CANCELLED, Status.SERVICE_REQUESTED])
def test_a_forged_service_request_is_refused_with_the_same_advice_and_nothing_is_saved(
    owner_client: Client, dossier: Dossier, status: Status, announced: list[dict[str, Any]]
) -> None:
    _set_status(dossier, status)
    shown = owner_client.get(_add_url(dossier)).context["form"].service_advice
    events = HistoryEvent.objects.count()
    response = _post_form(owner_client, dossier)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [shown]
    assert ADVICE in shown
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not Message.objects.exists() and not Complaint.objects.exists()
    assert HistoryEvent.objects.count() == events
    assert announced == []


@pytest.mark.django_db
def test_posting_it_registers_a_complaint_moves_the_status_writes_history_then_announces_it(
    owner_client: Client,
    dossier: Dossier,
    owner: User,
    announced: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _set_status(dossier, Status.COMPLETED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post_form(owner_client, dossier)
        assert response.status_code == 302
        assert announced == []  # not before the transaction has committed
    message = Message.objects.get(type=MessageType.SERVICE_REQUEST)
    dossier.refresh_from_db()
    assert dossier.status == Status.SERVICE_REQUESTED
    assert Complaint.objects.get().message == message
    status_event = HistoryEvent.objects.get(dossier=dossier, kind=EventKind.STATUS_CHANGED)
    assert status_event.data == {"from": "completed", "to": "service_requested", "action": "request_service"}
    assert HistoryEvent.objects.get(dossier=dossier, kind=EventKind.MESSAGE_POSTED).data["type"] == "service_request"
    for callback in callbacks:
        callback()
    [call] = announced
    assert (call["dossier"].pk, call["message"], call["user"]) == (dossier.pk, message, owner)
    assert call["dossier"].status == Status.SERVICE_REQUESTED


@pytest.mark.django_db
def test_the_same_form_posted_twice_gives_one_request(
    owner: User, dossier: Dossier, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    _set_status(dossier, Status.COMPLETED)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.post_message(
            dossier=dossier, author=owner, type=MessageType.SERVICE_REQUEST, body="x", idempotency_key=key
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.post_message(
            dossier=dossier, author=owner, type=MessageType.SERVICE_REQUEST, body="x", idempotency_key=key
        )
    assert again == first
    assert Complaint.objects.count() == 1
    assert HistoryEvent.objects.filter(kind=EventKind.STATUS_CHANGED).count() == 1
    assert len(announced) == 1


@pytest.mark.django_db
def test_a_second_request_on_the_requested_dossier_is_refused(owner: User, colleague: User, dossier: Dossier) -> None:
    _set_status(dossier, Status.COMPLETED)
    services.post_message(dossier=dossier, author=owner, type=MessageType.SERVICE_REQUEST, body="x")
    stale = Dossier.objects.get(pk=dossier.pk)
    stale.status = Status.COMPLETED  # a page opened before the first request
    with pytest.raises(ValidationError, match="déjà enregistrée") as refused:
        services.post_message(dossier=stale, author=colleague, type=MessageType.SERVICE_REQUEST, body="y")
    assert error_codes(refused.value) == {"__all__": ["service_refused"]}
    assert Complaint.objects.count() == 1


def _race(post: Any) -> tuple[list[Message], list[ValidationError], list[BaseException]]:
    barrier = threading.Barrier(2)
    posted: list[Message] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            posted.append(post(index))
        except ValidationError as refusal:
            refused.append(refusal)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return posted, refused, errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_from_two_users_make_one_request(
    owner: User, colleague: User, dossier: Dossier, announced: list[dict[str, Any]]
) -> None:
    _set_status(dossier, Status.COMPLETED)
    users = [owner, colleague]
    posted, refused, errors = _race(
        lambda index: services.post_message(
            dossier=Dossier.objects.get(pk=dossier.pk),  # each request loads its own
            author=users[index],
            type=MessageType.SERVICE_REQUEST,
            body=f"demande {index}",
        )
    )
    assert errors == []
    assert len(posted) == 1 and len(refused) == 1
    assert error_codes(refused[0]) == {"__all__": ["service_refused"]}
    assert Message.objects.filter(type=MessageType.SERVICE_REQUEST).count() == 1
    assert Complaint.objects.count() == 1
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SERVICE_REQUESTED
    assert [call["message"] for call in announced] == posted


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_twice_at_once_makes_one_request(
    owner: User, dossier: Dossier, announced: list[dict[str, Any]]
) -> None:
    _set_status(dossier, Status.COMPLETED)
    key = uuid.uuid4()
    posted, refused, errors = _race(
        lambda index: services.post_message(
            dossier=Dossier.objects.get(pk=dossier.pk),  # each request loads its own
            author=owner,
            type=MessageType.SERVICE_REQUEST,
            body="deux clics",
            idempotency_key=key,
        )
    )
    assert errors == [] and refused == []
    assert len(posted) == 2 and posted[0] == posted[1]
    assert Complaint.objects.count() == 1
    assert HistoryEvent.objects.filter(dossier=dossier, kind=EventKind.STATUS_CHANGED).count() == 1
    assert len(announced) == 1


@pytest.mark.django_db
def test_a_failing_receiver_is_logged_and_the_others_still_run(
    owner: User, dossier: Dossier, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    after: list[Message] = []

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the document queue is down")

    def later(*, message: Message, **kwargs: Any) -> None:
        after.append(message)

    service_requested.connect(broken, dispatch_uid="test-broken-receiver")
    service_requested.connect(later, dispatch_uid="test-later-receiver")
    try:
        _set_status(dossier, Status.COMPLETED)
        with django_capture_on_commit_callbacks(execute=True):
            message = services.post_message(dossier=dossier, author=owner, type=MessageType.SERVICE_REQUEST, body="x")
    finally:
        service_requested.disconnect(dispatch_uid="test-broken-receiver")
        service_requested.disconnect(dispatch_uid="test-later-receiver")
    assert after == [message]  # connected after the broken one, still called
    assert Complaint.objects.get().message == message
    assert "service_requested receiver" in caplog.text and "the document queue is down" in caplog.text
