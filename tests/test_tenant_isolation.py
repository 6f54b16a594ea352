"""Every dealer URL, visited by the wrong people.

The list below must name every URL whose view is wrapped in ``dealer_required``; the
first test fails when a new dealer URL is added without an entry here, and when a URL
is neither a dealer view nor declared public. Each entry says how to build the URL's
arguments from the ``world`` fixture and whether it addresses a customer-owned object
(an outsider gets 404) or a page that only ever lists the visitor's own data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from dossiers.models import Dossier


@dataclass
class World:
    owner: User
    outsider: User
    staff: User
    dossier: Dossier


@dataclass(frozen=True)
class Entry:
    kwargs: Callable[[World], dict[str, Any]]
    owned: bool  # True: the URL names an object of the owner's customer → 404 for others
    post_only: bool = False  # a button's target: its owner gets 405 on GET (others still 404)
    form: bool = False  # a form: GET shows it, POST sends it (any other method is 405)

    @property
    def allowed(self) -> str:
        """The methods the view answers, as its 405's Allow header names them."""
        return "POST" if self.post_only else "GET, POST" if self.form else "GET"

    @property
    def wrong_method(self) -> str:
        return "GET" if self.post_only else "PUT" if self.form else "POST"

    @property
    def takes_post(self) -> bool:
        """A POST reaches the view (a read-only page refuses it with 405 before anything else)."""
        return "POST" in self.allowed


def _none(world: World) -> dict[str, Any]:
    return {}


def _dossier(world: World) -> dict[str, Any]:
    return {"pk": world.dossier.pk}


def _owner_annex(world: World) -> Any:
    """An Annexe of the owner in the world's dossier (created on first use), with one file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communication.models import Message, MessageType
    from communication.services import post_message

    existing = Message.objects.filter(dossier=world.dossier, author=world.owner, type=MessageType.ANNEX).first()
    return existing or post_message(
        dossier=world.dossier,
        author=world.owner,
        type=MessageType.ANNEX,
        title="Plans",
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4")],
    )


def _message(world: World) -> dict[str, Any]:
    return {"pk": world.dossier.pk, "message": _owner_annex(world).pk}


def _attachment(world: World) -> dict[str, Any]:
    return {"pk": world.dossier.pk, "attachment": _owner_annex(world).attachments.get().pk}


def _line(world: World) -> dict[str, Any]:
    """A line of the owner's dossier (created on first use), under the demo catalogue."""
    from catalogue.models import Product
    from configurator.evaluation import cache_on, current_product_version, evaluate_values
    from configurator.models import OrderLine
    from tests.catalogue.demo import load_demo_catalogue

    line = OrderLine.objects.filter(dossier=world.dossier).first()
    if line is None:
        load_demo_catalogue()
        product = Product.objects.get(code="FX100")
        version = current_product_version(product)
        assert version is not None
        values = {"width_mm": "2130", "height_mm": "2480"}
        line = OrderLine(dossier=world.dossier, position=1, product=product, values=values)
        cache_on(line, evaluate_values(version, values, customer=world.dossier.customer))
        line.save()
    return {"pk": world.dossier.pk, "line": line.pk}


def _service_requested(world: World) -> dict[str, Any]:
    """The world's dossier after its « Demande de service »: its Configurateur takes a service order."""
    from dossiers.models import Dossier, Status

    Dossier.objects.filter(pk=world.dossier.pk).update(status=Status.SERVICE_REQUESTED)
    return {"pk": world.dossier.pk}


def _active_group(world: World) -> dict[str, Any]:
    """An orderable group: loading the demo catalogue (``_line``) withdraws the factory's."""
    from catalogue.models import ProductGroup

    group = ProductGroup.objects.active().filter(products__is_active=True).first()
    assert group is not None
    return {"group": group.pk}


DEALER_URLS: dict[str, Entry] = {
    "dossiers:dossier-list": Entry(_none, owned=False),
    "dossiers:dossier-create-group": Entry(_none, owned=False),
    "dossiers:dossier-create": Entry(_active_group, owned=False, form=True),
    "dossiers:dossier-detail": Entry(_dossier, owned=True),
    "dossiers:dossier-history": Entry(_dossier, owned=True),
    "dossiers:dossier-transition": Entry(_dossier, owned=True, post_only=True),
    "dossiers:dossier-copy": Entry(_dossier, owned=True, post_only=True),
    "dossiers:dossier-favourite": Entry(_dossier, owned=True, post_only=True),
    "communication:message-list": Entry(_dossier, owned=True),
    "communication:message-create": Entry(_dossier, owned=True, form=True),
    "communication:message-reply": Entry(_message, owned=True, form=True),
    "communication:annex-deactivate": Entry(_message, owned=True, form=True),
    "communication:attachment-download": Entry(_attachment, owned=True),
    "communication:attachment-deactivate": Entry(_attachment, owned=True, form=True),
    "configurator:line-list": Entry(_dossier, owned=True),
    "configurator:line-create": Entry(_dossier, owned=True, form=True),
    "configurator:line-update": Entry(_line, owned=True, form=True),
    "configurator:line-duplicate": Entry(_line, owned=True, post_only=True),
    "configurator:line-delete": Entry(_line, owned=True, post_only=True),
    "configurator:order-place": Entry(_dossier, owned=True, post_only=True),
    "configurator:service-line-create": Entry(_service_requested, owned=True, form=True),
}

# URLs that are not dealer pages: authentication, language, the admin (staff only), and the
# load balancer's probes /healthz and /readyz (no login, no customer data).
PUBLIC_PREFIXES = ("accounts:", "admin:", "home", "ops:healthz", "ops:readyz")


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_dealer_url_is_listed_and_every_other_url_is_public() -> None:
    found = dict(_walk(get_resolver().url_patterns))
    dealer = {name for name, view in found.items() if getattr(view, "dealer_view", False)}
    assert dealer == set(DEALER_URLS), "update DEALER_URLS: a dealer URL was added or removed"
    unguarded = {n for n in found if n not in dealer and not n.startswith(PUBLIC_PREFIXES)}
    assert not unguarded, f"views neither dealer_required nor public: {sorted(unguarded)}"


@pytest.fixture
def world(owner: User, outsider: User, staff: User, dossier: Dossier) -> World:
    return World(owner=owner, outsider=outsider, staff=staff, dossier=dossier)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(DEALER_URLS))
def test_anonymous_is_sent_to_login(name: str, world: World) -> None:
    url = reverse(name, kwargs=DEALER_URLS[name].kwargs(world))
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # A POST never reaches the view: the login page, or 405 from a read-only page.
    response = Client().post(url)
    if DEALER_URLS[name].takes_post:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 405


@pytest.mark.parametrize("name", sorted(DEALER_URLS))
def test_other_customer_gets_404_or_only_its_own_data(name: str, world: World) -> None:
    entry = DEALER_URLS[name]
    url = reverse(name, kwargs=entry.kwargs(world))
    client = _client(world.outsider)
    if entry.owned:
        assert client.get(url).status_code == 404
        # A read-only page refuses a POST (405) before it looks anything up.
        assert client.post(url).status_code == (404 if entry.takes_post else 405)
    else:
        response = client.get(url)
        assert response.status_code == 200
        assert world.dossier.number not in response.content.decode()
        assert world.dossier.reference not in response.content.decode()


@pytest.mark.parametrize("name", sorted(DEALER_URLS))
def test_staff_never_reach_dealer_pages(name: str, world: World) -> None:
    url = reverse(name, kwargs=DEALER_URLS[name].kwargs(world))
    assert _client(world.staff).get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, e in DEALER_URLS.items() if e.owned))
def test_owner_reaches_its_own_objects(name: str, world: World) -> None:
    url = reverse(name, kwargs=DEALER_URLS[name].kwargs(world))
    assert _client(world.owner).get(url).status_code == (405 if DEALER_URLS[name].post_only else 200)


@pytest.mark.parametrize("name", sorted(DEALER_URLS))
def test_owner_gets_405_for_the_wrong_method(name: str, world: World) -> None:
    entry = DEALER_URLS[name]
    url = reverse(name, kwargs=entry.kwargs(world))
    response = _client(world.owner).generic(entry.wrong_method, url)
    assert response.status_code == 405
    assert response["Allow"] == entry.allowed
