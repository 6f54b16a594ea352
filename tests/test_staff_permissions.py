"""Every admin URL, admin action and rights-granting field, tried by four people.

The staff twin of ``test_tenant_isolation.py``. Four personas: a Back-office member who
may only look (the view permissions of the group), a Back-office member with the real
« Back-office » group, a superuser, and a dealer. Each table below says, for each of them,
what a URL answers to GET and to POST, whether an action is offered and runs, and whether
a field of the user form can be changed. The first tests fail when the admin grows a URL,
an action or a user-form field that the tables do not list.

Statuses are exact. ``LOGIN`` is a 302 to the admin's login page (who is not staff never
gets further); a plain 302 is any other redirect. A POST sends an empty form: it shows
what the view lets through, not a valid change (those are tried in the field tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from accounts.backoffice import backoffice_group
from accounts.models import Customer, User
from catalogue.models import CatalogueVersion, Product, ProductGroup, ProductVersion
from communication.document_cards import post_document_card
from communication.models import Attachment, Complaint, Message, MessageType
from communication.services import post_message
from documents.models import Document, DocumentKind
from dossiers.models import Dossier, Status
from mailer.models import OutboundMail
from mailer.services import queue_mail
from tests.catalogue.demo import load_demo_catalogue
from tests.factories import CustomerFactory, DealerFactory, DossierFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"
Outcome = int | str
# Staff first, superuser last: a table row names what each may do, in that order of rights.
STAFF = ("viewer", "clerk", "root")


class World:
    """The four personas and, built on first use, the objects the admin URLs name."""

    def __init__(self, *, viewer: User, clerk: User, root: User, dealer: User, colleague: User) -> None:
        self.viewer, self.clerk, self.root, self.dealer = viewer, clerk, root, dealer
        self.colleague = colleague  # a dealer account the staff personas work on
        assert dealer.customer is not None
        self.customer: Customer = dealer.customer

    def persona(self, name: str) -> User:
        return {"viewer": self.viewer, "clerk": self.clerk, "root": self.root, "dealer": self.dealer}[name]

    @cached_property
    def other_customer(self) -> Customer:
        return CustomerFactory.create(account_manager=self.customer.account_manager)

    @cached_property
    def boss(self) -> User:
        """Another superuser."""
        return User.objects.create_superuser(email="boss@renson.example", password=None)

    @cached_property
    def dossier(self) -> Dossier:
        return DossierFactory.create(customer=self.customer, created_by=self.dealer, status=Status.ORDERED)

    @cached_property
    def message(self) -> Message:
        return post_message(
            dossier=self.dossier,
            author=self.dealer,
            type=MessageType.ANNEX,
            title="Plans",
            files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4")],
        )

    @cached_property
    def attachment(self) -> Attachment:
        return self.message.attachments.get()

    @cached_property
    def complaint(self) -> Complaint:
        message = post_message(dossier=self.dossier, author=self.dealer, type=MessageType.COMPLAINT, body="Cassé")
        return message.complaint

    @cached_property
    def mail(self) -> OutboundMail:
        return queue_mail(
            to=self.dealer.email, language="fr", template="invite", context={"user": self.dealer, "reset_path": "/"}
        )

    @cached_property
    def document(self) -> Document:
        """A generated document's row and card (its generation is never run here: no on_commit)."""
        return Document.objects.create(
            dossier=self.dossier,
            kind=DocumentKind.ORDER_CONFIRMATION,
            language="fr",
            recipient=self.dealer,
            storage_token="0" * 32,
            message=post_document_card(dossier=self.dossier, type=MessageType.ORDER_CONFIRMATION),
        )

    @property
    def product(self) -> Product:
        return self.dossier.product

    @property
    def group(self) -> ProductGroup:
        return self.dossier.product_group

    @cached_property
    def catalogue_version(self) -> CatalogueVersion:
        return load_demo_catalogue()

    @cached_property
    def product_version(self) -> ProductVersion:
        return self.catalogue_version.products.order_by("pk").first()

    @cached_property
    def auth_group(self) -> Group:
        return backoffice_group()

    _SEEN = {"username": "x@dealer.example", "ip_address": "192.0.2.1", "user_agent": "test", "http_accept": "*/*"}

    @cached_property
    def attempt(self) -> AccessAttempt:
        return AccessAttempt.objects.create(
            **self._SEEN, path_info="/", failures_since_start=1, attempt_time=timezone.now(), get_data="", post_data=""
        )

    @cached_property
    def access_log(self) -> AccessLog:
        return AccessLog.objects.create(**self._SEEN, path_info="/", attempt_time=timezone.now())

    @cached_property
    def failure_log(self) -> AccessFailureLog:
        return AccessFailureLog.objects.create(**self._SEEN, path_info="/", attempt_time=timezone.now())


@pytest.fixture
def world(backoffice_viewer: User, backoffice_clerk: User, superuser: User, owner: User, colleague: User) -> World:
    return World(viewer=backoffice_viewer, clerk=backoffice_clerk, root=superuser, dealer=owner, colleague=colleague)


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

Get = Callable[[World], Any]


@dataclass(frozen=True)
class Url:
    """Expected (GET, POST) statuses per persona; ``target`` gives the object in the URL."""

    viewer: tuple[Outcome, Outcome]
    clerk: tuple[Outcome, Outcome]
    root: tuple[Outcome, Outcome]
    dealer: tuple[Outcome, Outcome] = (LOGIN, LOGIN)
    target: Get | None = None
    query: dict[str, str] = field(default_factory=dict)


ALL_200 = Url((200, 200), (200, 200), (200, 200))
READ = Url((200, 403), (200, 403), (200, 403))  # a read-only page: shown, never saved
NONE = Url((403, 403), (403, 403), (403, 403))  # nobody, superusers included
ROOT_ONLY = Url((403, 403), (403, 403), (200, 200))
# The confirmation page; an empty POST confirms nothing (deleting needs post=yes).
ROOT_DELETES = Url((403, 403), (403, 403), (200, 200))
# Every field read-only, but django-axes leaves its Save button: it saves nothing and redirects.
AXES_RECORD = Url((403, 403), (403, 403), (200, 302))
REDIRECT = Url((302, 302), (302, 302), (302, 302))  # <id>/ → <id>/change/, for any staff member


def _model_rows(
    label: str,
    target: Get,
    *,
    changelist: Url = ALL_200,
    add: Url,
    change: Url,
    history: Url = ALL_200,
    delete: Url,
) -> dict[str, Url]:
    """The six URLs every ModelAdmin has."""
    app, model = label.split("_", 1)

    def with_target(url: Url) -> Url:
        return Url(url.viewer, url.clerk, url.root, url.dealer, target=target)

    return {
        f"admin:{label}_changelist": changelist,
        f"admin:{label}_add": add,
        f"admin:{label}_change": with_target(change),
        f"admin:{label}_history": with_target(history),
        f"admin:{label}_delete": with_target(delete),
        f"{app}/{model}/<path:object_id>/": with_target(REDIRECT),
    }


ADMIN_URLS: dict[str, Url] = {
    # The admin site's own pages.
    "admin:index": ALL_200,
    "admin:login": Url((302, 200), (302, 200), (302, 200), dealer=(200, 200)),
    # Out, then to the portal's login page (LOGOUT_REDIRECT_URL); the dealer was never in.
    "admin:logout": Url((405, 302), (405, 302), (405, 302), dealer=(302, 302)),
    "admin:password_change": ALL_200,  # one's own password, knowing the old one
    "admin:password_change_done": Url((200, 405), (200, 405), (200, 405)),
    "admin:autocomplete": Url(
        (200, 405),
        (200, 405),
        (200, 405),
        query={"app_label": "accounts", "model_name": "customer", "field_name": "account_manager"},
    ),
    "admin:jsi18n": Url((200, 405), (200, 405), (200, 405)),
    # « État du service »: every staff member sees it, each panel only with its permission.
    "admin:status": Url((200, 405), (200, 405), (200, 405)),
    "admin:view_on_site": Url(
        (302, 302),
        (302, 302),
        (302, 302),
        target=lambda w: {"content_type_id": _content_type(Dossier), "object_id": w.dossier.pk},
    ),
    "admin:app_list[accounts]": ALL_200,
    "admin:app_list[auth]": Url((404, 404), (404, 404), (200, 200)),
    "admin:app_list[axes]": Url((404, 404), (404, 404), (200, 200)),
    "admin:app_list[communication]": ALL_200,
    "admin:app_list[catalogue]": ALL_200,
    "admin:app_list[mailer]": ALL_200,
    "admin:app_list[dossiers]": ALL_200,
    "admin:app_list[documents]": ALL_200,
    "(?P<url>.*)$": Url((404, 404), (404, 404), (404, 404)),
    # Customers: the Back-office adds and changes them (the user inline is read-only).
    **_model_rows(
        "accounts_customer",
        lambda w: w.customer,
        add=Url((403, 403), (200, 200), (200, 200)),
        change=Url((200, 403), (200, 200), (200, 200)),
        delete=ROOT_DELETES,
    ),
    # Users: the Back-office adds dealers and changes dealer accounts; staff accounts and the
    # set-password page are below.
    **_model_rows(
        "accounts_user",
        lambda w: w.colleague,
        add=Url((403, 403), (403, 403), (200, 200)),
        change=Url((200, 403), (200, 200), (200, 200)),
        delete=ROOT_DELETES,
    ),
    "admin:accounts_user_change[own account]": Url((200, 403), (200, 403), (200, 200), target=lambda w: "persona"),
    "admin:accounts_user_change[a superuser]": Url((200, 403), (200, 403), (200, 200), target=lambda w: w.boss),
    "admin:auth_user_password_change": Url((403, 403), (403, 403), (403, 403), target=lambda w: w.colleague),
    "admin:auth_user_password_change[own account]": Url((403, 403), (403, 403), (403, 403), target=lambda w: "persona"),
    # Groups and permissions: superusers only.
    **_model_rows(
        "auth_group",
        lambda w: w.auth_group,
        changelist=ROOT_ONLY,
        add=ROOT_ONLY,
        change=ROOT_ONLY,
        history=ROOT_ONLY,
        delete=ROOT_DELETES,
    ),
    # Login records: superusers read them; nobody adds one.
    **_model_rows(
        "axes_accessattempt",
        lambda w: w.attempt,
        changelist=ROOT_ONLY,
        add=NONE,
        change=AXES_RECORD,
        history=ROOT_ONLY,
        delete=ROOT_DELETES,
    ),
    **_model_rows(
        "axes_accesslog",
        lambda w: w.access_log,
        changelist=ROOT_ONLY,
        add=NONE,
        change=AXES_RECORD,
        history=ROOT_ONLY,
        delete=ROOT_DELETES,
    ),
    **_model_rows(
        "axes_accessfailurelog",
        lambda w: w.failure_log,
        changelist=ROOT_ONLY,
        add=NONE,
        change=AXES_RECORD,
        history=ROOT_ONLY,
        delete=ROOT_DELETES,
    ),
    # Dossiers: read-only pages for everyone; the status moves through actions only.
    **_model_rows("dossiers_dossier", lambda w: w.dossier, add=NONE, change=READ, delete=NONE),
    # Messages: read-only; a new one (and an answer) through post_message, for who may add.
    **_model_rows(
        "communication_message",
        lambda w: w.message,
        add=Url((403, 403), (200, 200), (200, 200)),
        change=READ,
        delete=NONE,
    ),
    "admin:communication_message_answer": Url((403, 403), (200, 200), (200, 200), target=lambda w: w.message),
    **_model_rows("communication_attachment", lambda w: w.attachment, add=NONE, change=READ, delete=NONE),
    "admin:communication_attachment_download": Url((200, 200), (200, 200), (200, 200), target=lambda w: w.attachment),
    # Complaints: the change form goes through change_complaint_state.
    **_model_rows(
        "communication_complaint",
        lambda w: w.complaint,
        add=NONE,
        change=Url((200, 403), (200, 200), (200, 200)),
        delete=NONE,
    ),
    **_model_rows("mailer_outboundmail", lambda w: w.mail, add=NONE, change=READ, delete=NONE),
    # Documents: issued by the workflow, never edited; « Régénérer » is an action.
    **_model_rows("documents_document", lambda w: w.document, add=NONE, change=READ, delete=NONE),
    # The catalogue: read-only for every staff member; it comes from load_catalogue only.
    **_model_rows("catalogue_productgroup", lambda w: w.group, add=NONE, change=READ, delete=NONE),
    **_model_rows("catalogue_product", lambda w: w.product, add=NONE, change=READ, delete=NONE),
    **_model_rows("catalogue_catalogueversion", lambda w: w.catalogue_version, add=NONE, change=READ, delete=NONE),
    **_model_rows("catalogue_productversion", lambda w: w.product_version, add=NONE, change=READ, delete=NONE),
}


def _content_type(model: type[models.Model]) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (f"admin:{pattern.name}" if pattern.name else prefix + str(pattern.pattern)), pattern


def _base(key: str) -> str:
    return key.split("[", 1)[0]


def test_every_admin_url_is_in_the_table() -> None:
    found = {key for key, _pattern in _walk(admin.site.get_urls())}
    listed = {_base(key) for key in ADMIN_URLS}
    assert found == listed, f"update ADMIN_URLS — not listed: {sorted(found - listed)}; gone: {sorted(listed - found)}"
    apps = {model._meta.app_label for model in admin.site._registry}
    assert {key[len("admin:app_list[") : -1] for key in ADMIN_URLS if key.startswith("admin:app_list[")} == apps


def _url(key: str, world: World, persona: User) -> str:
    entry = ADMIN_URLS[key]
    index = reverse("admin:index")
    target = entry.target(world) if entry.target else None
    if target == "persona":
        target = persona
    name = _base(key)
    if name == "(?P<url>.*)$":
        return index + "no-such-page/"
    if not name.startswith("admin:"):  # an unnamed <id>/ pattern
        return f"{index}{name.split('<', 1)[0]}{target.pk}/"
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": key[len("admin:app_list[") : -1]})
    if isinstance(target, models.Model):
        kwarg = "id" if name == "admin:auth_user_password_change" else "object_id"
        return reverse(name, kwargs={kwarg: target.pk})
    return reverse(name, kwargs=target or {})


def _outcome(response: Any) -> Outcome:
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        return LOGIN
    return int(response.status_code)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("key", sorted(ADMIN_URLS))
def test_admin_url_answers_each_persona_as_the_table_says(key: str, world: World) -> None:
    entry = ADMIN_URLS[key]
    wrong = []
    for name in ("dealer", *STAFF):
        user = world.persona(name)
        url = _url(key, world, user)
        expected: tuple[Outcome, Outcome] = getattr(entry, name)
        client = _client(user)
        got = (_outcome(client.get(url, entry.query)), _outcome(client.post(url + _query(entry.query))))
        if got != expected:
            wrong.append(f"{name} {url}: expected GET, POST {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"?{urlencode(params)}" if params else ""


# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """Offered in the changelist; running it answers ``status`` (302 done, 200 a form to confirm)."""

    status: int


@dataclass(frozen=True)
class Refused:
    """Not offered; posting it anyway answers ``status`` and changes nothing.

    403: the changelist itself is refused. 302: Django's « no action selected » (the
    persona has other actions). 200: the persona has no action at all, the list is shown.
    """

    status: Outcome


@dataclass(frozen=True)
class Action:
    target: Get
    viewer: Ran | Refused
    clerk: Ran | Refused
    root: Ran | Refused
    dealer: Ran | Refused = Refused(LOGIN)


ADMIN_ACTIONS: dict[str, Action] = {
    "accounts.customer:delete_selected": Action(lambda w: w.customer, Refused(200), Refused(200), Ran(200)),
    "accounts.user:delete_selected": Action(lambda w: w.colleague, Refused(200), Refused(302), Ran(200)),
    "accounts.user:send_invitation": Action(lambda w: w.colleague, Refused(200), Ran(302), Ran(302)),
    "auth.group:delete_selected": Action(lambda w: w.auth_group, Refused(403), Refused(403), Ran(200)),
    "axes.accessattempt:cleanup_expired_attempts": Action(lambda w: w.attempt, Refused(403), Refused(403), Ran(302)),
    "axes.accessattempt:delete_selected": Action(lambda w: w.attempt, Refused(403), Refused(403), Ran(200)),
    "axes.accessfailurelog:delete_selected": Action(lambda w: w.failure_log, Refused(403), Refused(403), Ran(200)),
    "axes.accesslog:delete_selected": Action(lambda w: w.access_log, Refused(403), Refused(403), Ran(200)),
    # Messages, files, complaints, mails and dossiers are kept: nobody deletes them.
    "communication.attachment:delete_selected": Action(
        lambda w: w.attachment, Refused(200), Refused(200), Refused(200)
    ),
    "communication.complaint:delete_selected": Action(lambda w: w.complaint, Refused(200), Refused(302), Refused(302)),
    "communication.message:delete_selected": Action(lambda w: w.message, Refused(200), Refused(200), Refused(200)),
    "mailer.outboundmail:delete_selected": Action(lambda w: w.mail, Refused(200), Refused(302), Refused(302)),
    "dossiers.dossier:delete_selected": Action(lambda w: w.dossier, Refused(200), Refused(302), Refused(302)),
    "communication.complaint:mark_in_progress": Action(lambda w: w.complaint, Refused(200), Ran(302), Ran(302)),
    "communication.complaint:mark_rejected": Action(lambda w: w.complaint, Refused(200), Ran(200), Ran(200)),
    "communication.complaint:mark_resolved": Action(lambda w: w.complaint, Refused(200), Ran(200), Ran(200)),
    "mailer.outboundmail:resend_selected": Action(lambda w: w.mail, Refused(200), Ran(302), Ran(302)),
    # The Back-office regenerates documents (« change document »); view-only staff do not.
    "documents.document:regenerate": Action(lambda w: w.document, Refused(200), Ran(302), Ran(302)),
    # So does it generate a dossier's warranty document (from the selected documents' dossiers).
    "documents.document:generate_warranty": Action(lambda w: w.document, Refused(200), Ran(302), Ran(302)),
    "documents.document:delete_selected": Action(lambda w: w.document, Refused(200), Refused(302), Refused(302)),
    "catalogue.product:delete_selected": Action(lambda w: w.product, Refused(200), Refused(200), Refused(200)),
    "catalogue.productgroup:delete_selected": Action(lambda w: w.group, Refused(200), Refused(200), Refused(200)),
    "catalogue.catalogueversion:delete_selected": Action(
        lambda w: w.catalogue_version, Refused(200), Refused(200), Refused(200)
    ),
    "catalogue.productversion:delete_selected": Action(
        lambda w: w.product_version, Refused(200), Refused(200), Refused(200)
    ),
    "dossiers.dossier:advance_to_completed": Action(lambda w: w.dossier, Refused(200), Ran(302), Ran(302)),
    "dossiers.dossier:advance_to_delivered": Action(lambda w: w.dossier, Refused(200), Ran(302), Ran(302)),
    "dossiers.dossier:advance_to_in_production": Action(lambda w: w.dossier, Refused(200), Ran(302), Ran(302)),
    "dossiers.dossier:cancel": Action(lambda w: w.dossier, Refused(200), Ran(302), Ran(302)),
    # An intermediate page asks for the new contact person (200); the change needs « change dossier ».
    "dossiers.dossier:change_contact_person": Action(lambda w: w.dossier, Refused(200), Ran(200), Ran(200)),
}


def _all_actions() -> set[str]:
    found = set()
    for model, model_admin in admin.site._registry.items():
        for _func, name, _description in model_admin._get_base_actions():
            found.add(f"{model._meta.label_lower}:{name}")
    return found


def test_every_admin_action_is_in_the_table() -> None:
    found, listed = _all_actions(), set(ADMIN_ACTIONS)
    assert found == listed, (
        f"update ADMIN_ACTIONS — not listed: {sorted(found - listed)}; gone: {sorted(listed - found)}"
    )


def _snapshot(obj: models.Model) -> dict[str, Any] | None:
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


@pytest.mark.parametrize("key", sorted(ADMIN_ACTIONS))
def test_admin_action_is_offered_and_runs_as_the_table_says(key: str, world: World) -> None:
    label, action = key.split(":")
    entry = ADMIN_ACTIONS[key]
    changelist = reverse(f"admin:{label.replace('.', '_')}_changelist")
    target = entry.target(world)
    wrong = []
    for name in ("dealer", *STAFF):
        expected: Ran | Refused = getattr(entry, name)
        client = _client(world.persona(name))
        page = client.get(changelist)
        form = page.context["action_form"] if page.status_code == 200 else None
        offered = form is not None and action in dict(form.fields["action"].choices)
        if offered != isinstance(expected, Ran):
            wrong.append(f"{name}: {action} {'offered' if offered else 'not offered'}, expected {expected}")
        before = _snapshot(target)
        response = client.post(changelist, {"action": action, "_selected_action": [target.pk]})
        if _outcome(response) != expected.status:
            wrong.append(f"{name}: {action} answered {_outcome(response)}, expected {expected}")
        if isinstance(expected, Refused) and _snapshot(target) != before:
            wrong.append(f"{name}: refused {action} changed {target!r}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------
# Fields of the user form that grant rights (or take over an account)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    """A change of one field of a dealer's account; ``also`` is what must change with it."""

    value: Callable[[World], Any]
    also: Callable[[World], dict[str, Any]] = lambda w: {}


# Who may change each field of a dealer's account (the viewer may change none: POST is 403).
USER_FIELDS: dict[str, tuple[bool, bool, Attack]] = {
    # field: (clerk may, superuser may, the attempt)
    "email": (False, True, Attack(lambda w: "taken-over@renson.example")),
    "first_name": (True, True, Attack(lambda w: "Renamed")),
    "last_name": (True, True, Attack(lambda w: "Renamed")),
    "language": (True, True, Attack(lambda w: "de")),
    "customer": (False, True, Attack(lambda w: w.other_customer.pk)),
    "is_active": (True, True, Attack(lambda w: False)),
    "is_staff": (False, True, Attack(lambda w: True, also=lambda w: {"customer": ""})),
    "is_superuser": (False, True, Attack(lambda w: True)),
    "groups": (False, True, Attack(lambda w: [w.auth_group.pk])),
    "user_permissions": (False, True, Attack(lambda w: [Permission.objects.get(codename="change_group").pk])),
}

# The add form: no password, and staff accounts only from superusers.
ADD_FIELDS = {
    "root": {"email", "first_name", "last_name", "language", "customer", "is_staff"},
}


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _form(response: Any) -> Any:
    return response.context["adminform"].form


def _post_data(form: Any) -> dict[str, Any]:
    """What the browser would send back for the form as shown."""
    data: dict[str, Any] = {}
    for name, bound in ((name, form[name]) for name in form.fields):
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


def _value(user: User, name: str) -> Any:
    user.refresh_from_db()
    if name in ("groups", "user_permissions"):
        return set(getattr(user, name).values_list("pk", flat=True))
    return getattr(user, f"{name}_id" if name == "customer" else name)


def test_every_user_form_field_is_in_the_table(superuser_client: Client, colleague: User) -> None:
    change = set(_form(superuser_client.get(_change_url(colleague))).fields)
    assert change == set(USER_FIELDS), f"update USER_FIELDS: the superuser's form has {sorted(change)}"
    add = set(_form(superuser_client.get(reverse("admin:accounts_user_add"))).fields)
    assert add == ADD_FIELDS["root"], f"update ADD_FIELDS: the superuser's add form has {sorted(add)}"


@pytest.mark.parametrize("name", sorted(USER_FIELDS))
def test_user_field_is_changed_only_by_whom_the_table_says(name: str, world: World) -> None:
    clerk_may, root_may, attack = USER_FIELDS[name]
    wrong = []
    for persona, may in (("viewer", False), ("clerk", clerk_may), ("root", root_may)):
        dealer = DealerFactory.create(customer=world.customer, language="nl")  # a fresh account each time
        client = _client(world.persona(persona))
        page = client.get(_change_url(dealer))
        shown = name in _form(page).fields
        if shown != may:
            wrong.append(f"{persona}: {name} {'is' if shown else 'is not'} an input, expected {may}")
        data = {**_post_data(_form(page)), name: attack.value(world), **attack.also(world)}
        before = _value(dealer, name)
        response = client.post(_change_url(dealer), data)
        expected_status = 403 if persona == "viewer" else 302
        if response.status_code != expected_status:
            wrong.append(f"{persona}: POST answered {response.status_code}, expected {expected_status}")
        changed = _value(dealer, name) != before
        if changed != may:
            wrong.append(f"{persona}: {name} {'changed' if changed else 'unchanged'}, expected change: {may}")
    assert not wrong, "\n".join(wrong)


def test_add_form_fields_per_persona(world: World) -> None:
    add = reverse("admin:accounts_user_add")
    for persona, fields in ADD_FIELDS.items():
        page = _client(world.persona(persona)).get(add)
        assert set(_form(page).fields) == fields, persona
        html = page.content.decode()
        assert 'name="password' not in html and 'name="usable_password"' not in html, persona
    assert _client(world.viewer).get(add).status_code == 403
    assert _client(world.clerk).get(add).status_code == 403
    assert _outcome(_client(world.dealer).get(add)) == LOGIN
