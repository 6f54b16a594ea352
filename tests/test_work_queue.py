"""« À traiter » on the admin's index: what waits for the staff member's own customers, then
for all; counts that link to the admin lists showing exactly those rows; a constant number
of queries; no link to a list the staff member may not see; never an Interne message."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backoffice import backoffice_group
from accounts.models import Customer, User
from communication import services
from communication.models import Audience, Complaint, ComplaintState, Message, MessageType
from dossiers.models import Dossier, Status
from mailer.models import MailStatus, OutboundMail
from mailer.services import queue_mail
from tests.factories import CustomerFactory, DealerFactory, DossierFactory, StaffFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture
def me(staff: User) -> User:
    """Sophie, account manager of the owner's customer, in the « Back-office » group."""
    staff.groups.add(backoffice_group())
    return staff


@pytest.fixture
def colleague_staff(db: None) -> User:
    user = StaffFactory.create(email="luc@renson.example")
    user.groups.add(backoffice_group())
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(obj: Any, days: int) -> None:
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.now() - timedelta(days=days))


class Desk:
    """A back office with work: some of it for « me », some for a colleague, some done."""

    def __init__(self, me: User, colleague_staff: User, owner: User, customer: Customer) -> None:
        self.mine = DossierFactory.create(customer=customer, contact_person=me, created_by=owner)
        # No contact person: the customer's account manager (me) looks after it.
        self.mine_by_account = DossierFactory.create(customer=customer, contact_person=None, created_by=owner)
        theirs_customer = CustomerFactory.create(account_manager=colleague_staff)
        other_dealer = DealerFactory.create(customer=theirs_customer)
        self.theirs = DossierFactory.create(customer=theirs_customer, contact_person=colleague_staff)

        def remark(dossier: Dossier, author: User, **kwargs: Any) -> Message:
            return services.post_message(dossier=dossier, author=author, type=MessageType.REMARK, body="?", **kwargs)

        self.old_remark = remark(self.mine, owner)
        _age(self.old_remark, 5)
        self.new_remark = remark(self.mine_by_account, owner)
        self.their_remark = remark(self.theirs, other_dealer)
        _age(self.their_remark, 9)
        answered = remark(self.mine, owner)
        services.answer_message(parent=answered, author=me, body="C'est noté.")
        remark(self.mine, owner, audience=Audience.INTERNAL)  # Interne: never for staff
        remark(self.mine, me)  # staff's own remark: nothing to answer

        def complaint(dossier: Dossier, author: User, days: int, state: str = ComplaintState.NEW) -> Complaint:
            message = services.post_message(dossier=dossier, author=author, type=MessageType.COMPLAINT, body="!")
            Complaint.objects.filter(pk=message.complaint.pk).update(
                state=state, created_at=timezone.now() - timedelta(days=days)
            )
            return message.complaint

        complaint(self.mine, owner, 2)
        complaint(self.mine, owner, 12, ComplaintState.IN_PROGRESS)
        complaint(self.theirs, other_dealer, 45)
        complaint(self.theirs, other_dealer, 3)
        complaint(self.mine, owner, 1, ComplaintState.RESOLVED)  # closed
        Dossier.objects.filter(pk__in=[self.mine.pk, self.theirs.pk]).update(status=Status.COMPLETED)
        self.mine.refresh_from_db()
        self.theirs.refresh_from_db()
        services.post_message(dossier=self.mine, author=owner, type=MessageType.SERVICE_REQUEST, body="Moteur")
        services.post_message(dossier=self.theirs, author=other_dealer, type=MessageType.SERVICE_REQUEST, body="Toile")

        OutboundMail.objects.update(status=MailStatus.SENT)
        first, second, *_rest = OutboundMail.objects.filter(internal=False).order_by("pk")
        OutboundMail.objects.filter(pk__in=[first.pk, second.pk]).update(status=MailStatus.FAILED)
        # A mail carrying an Interne message: never for staff, failed or not.
        internal = queue_mail(
            to=owner.email, language="fr", template="invite", context={"user": owner, "reset_path": "/"}, internal=True
        )
        OutboundMail.objects.filter(pk=internal.pk).update(status=MailStatus.FAILED)


@pytest.fixture
def desk(me: User, colleague_staff: User, owner: User, customer: Customer) -> Desk:
    return Desk(me, colleague_staff, owner, customer)


def _section(html: str, scope: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of one table of « À traiter »."""
    match = re.search(rf'<table id="work-queue-{scope}">(.*?)</table>', html, flags=re.S)
    if match is None:
        return {}
    rows = re.findall(
        r'<th scope="row">(.*?)(?: <span[^>]*>.*?</span>)?</th><td><a href="([^"]+)"[^>]*>(\d+)</a>', match[1]
    )
    return {unescape(label): (int(count), unescape(link)) for label, link, count in rows}


EXPECTED_MINE = {
    "Remarques en attente d'une réponse": 2,
    "Plaintes ouvertes depuis moins de 7 jours": 1,
    "Plaintes ouvertes depuis 7 à 30 jours": 1,
    "Plaintes ouvertes depuis plus de 30 jours": 0,
    "Nouvelles demandes de service": 1,
}
EXPECTED_EVERYONE = {
    "Remarques en attente d'une réponse": 3,
    "Plaintes ouvertes depuis moins de 7 jours": 2,
    "Plaintes ouvertes depuis 7 à 30 jours": 1,
    "Plaintes ouvertes depuis plus de 30 jours": 1,
    "Nouvelles demandes de service": 2,
    "E-mails en échec": 2,
}


def test_index_shows_my_customers_first_then_everybodys(me: User, desk: Desk) -> None:
    html = _client(me).get(INDEX).content.decode()
    assert "À traiter" in html
    assert html.index('id="work-queue-mine"') < html.index('id="work-queue-everyone"')
    assert html.index('id="work-queue"') < html.index('id="content-main"') + 200  # above the models
    mine, everyone = _section(html, "mine"), _section(html, "everyone")
    assert {label: count for label, (count, _link) in mine.items()} == EXPECTED_MINE
    assert {label: count for label, (count, _link) in everyone.items()} == EXPECTED_EVERYONE
    assert "la plus ancienne" in html


@pytest.mark.parametrize("scope", ["mine", "everyone"])
def test_each_count_links_to_a_list_of_exactly_those_rows(me: User, desk: Desk, scope: str) -> None:
    client = _client(me)
    for label, (count, link) in _section(client.get(INDEX).content.decode(), scope).items():
        page = client.get(link)
        assert page.status_code == 200, link
        assert "?e=" not in page.get("Location", ""), link  # a lookup the admin refused
        assert page.context["cl"].result_count == count, (label, link)


def test_remarks_waiting_are_listed_oldest_first_and_interne_never_counted(me: User, desk: Desk) -> None:
    client = _client(me)
    _count, link = _section(client.get(INDEX).content.decode(), "everyone")["Remarques en attente d'une réponse"]
    shown = list(client.get(link).context["cl"].result_list)
    assert shown == [desk.their_remark, desk.old_remark, desk.new_remark]
    assert all(m.audience == Audience.RENSON and not m.author.is_staff for m in shown)


def test_open_complaints_are_listed_oldest_first(me: User, desk: Desk) -> None:
    url = reverse("admin:communication_complaint_changelist")
    shown = list(_client(me).get(url, {"open": "yes"}).context["cl"].result_list)
    assert [c.created_at for c in shown] == sorted(c.created_at for c in shown)
    assert all(c.state in (ComplaintState.NEW, ComplaintState.IN_PROGRESS) for c in shown)


def test_a_staff_member_sees_only_the_lines_of_lists_they_may_open(desk: Desk, colleague_staff: User) -> None:
    reader = StaffFactory.create(email="remarks-only@renson.example")
    reader.user_permissions.set(Permission.objects.filter(codename="view_message"))
    html = _client(reader).get(INDEX).content.decode()
    lines = {**_section(html, "mine"), **_section(html, "everyone")}
    assert set(lines) == {"Remarques en attente d'une réponse"}
    assert "communication/complaint/" not in html
    assert "mailer/outboundmail/" not in html
    nobody = StaffFactory.create(email="nothing@renson.example")
    assert "À traiter" not in _client(nobody).get(INDEX).content.decode()


def test_index_runs_a_constant_number_of_queries(
    me: User, owner: User, customer: Customer, django_assert_max_num_queries: Any
) -> None:
    client = _client(me)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INDEX).status_code == 200
        return len(ctx.captured_queries)

    empty = queries()
    for _index in range(15):
        dossier = DossierFactory.create(customer=customer, contact_person=me, created_by=owner)
        services.post_message(dossier=dossier, author=owner, type=MessageType.REMARK, body="?")
        services.post_message(dossier=dossier, author=owner, type=MessageType.COMPLAINT, body="!")
    OutboundMail.objects.update(status=MailStatus.FAILED)
    busy = queries()
    assert busy == empty
    # Session, user, two permission lookups, one query per provider, the recent actions.
    with django_assert_max_num_queries(8):
        client.get(INDEX)


def test_a_superuser_gets_every_line(superuser_client: Client, desk: Desk) -> None:
    html = superuser_client.get(INDEX).content.decode()
    assert {label for label in _section(html, "everyone")} == set(EXPECTED_EVERYONE)
    # Nothing is the superuser's own: their counts are zero, not everybody's.
    assert all(count == 0 for count, _link in _section(html, "mine").values())


def test_complaint_type_filter_offers_only_the_types_that_register_complaints(superuser_client: Client) -> None:
    page = superuser_client.get(reverse("admin:communication_complaint_changelist"))
    [type_filter] = [spec for spec in page.context["cl"].filter_specs if spec.title == "type"]
    assert [label for _value, label in type_filter.lookup_choices] == ["Plainte", "Demande de service"]
    html = page.content.decode()
    section = html[html.index("Par type") : html.index("</details>", html.index("Par type"))]
    assert "Plainte" in section and "Demande de service" in section
    assert "Document de garantie" not in section and "Annexe" not in section and "Remarque" not in section
