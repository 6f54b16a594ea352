"""The rendered « Aperçu des dossiers », kept in the shared cache per reader.

Why: dealers come back to the overview after almost every action, and computing it (the
filters, the count, 25 rows, the layout) costs several times a bare logged-in request.
Most of those visits see exactly what the previous one saw, so the HTML is cached.

What a cached page depends on is summed up by three *stamps*, random tokens kept in the
cache and replaced ("moved") by every write that can change what the page shows:

- the **catalogue** stamp: product and product-group names (and every deploy, through
  ``post_migrate``: templates and translations may have changed);
- the **customer** stamp: the customer's dossiers (number, reference, status, activity,
  messages, warranty numbers) and the customer itself (its number is in the header);
- the **user** stamp: the user's favourites, read marks, name and profile.

A page is stored under a key made of its path and query string, the language and the
user, together with the three stamps it was rendered under; it is served only while
those are still the current stamps, so a moved stamp makes it stale at once (it is
replaced by the next visit, or expires after ``OVERVIEW_CACHE_SECONDS``). A write moves its stamp twice: at once, so the
writer's own next page is fresh even inside the transaction, and again after commit, so
a page rendered by another request from the data as it was before the commit cannot
outlive it.

Never cached: the CSRF token (pages are stored with a placeholder and each response gets
its own token) and pages with flash messages (neither stored nor served from the cache).
When the cache cannot be reached the page is rendered as if there were no cache: slower,
never wrong. If it was unreachable while a write tried to move a stamp, pages may be
stale for at most ``OVERVIEW_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import weakref
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.crypto import salted_hmac

from accounts.models import Customer, User
from accounts.tenancy import DealerRequest

from .models import Dossier

logger = logging.getLogger(__name__)

CATALOGUE_STAMP = "dossiers:stamp:catalogue"


def _customer_stamp(customer_id: int) -> str:
    return f"dossiers:stamp:customer:{customer_id}"


def _user_stamp(user_id: int) -> str:
    return f"dossiers:stamp:user:{user_id}"


def csrf_placeholder() -> str:
    """What cached pages hold instead of a CSRF token: the same in every process, unguessable."""
    return "csrf" + salted_hmac("dossiers.overview_cache", "csrf-placeholder").hexdigest()[:40]


# --- writes: move stamps -------------------------------------------------------------


def _move(name: str) -> None:
    try:
        cache.set(name, secrets.token_hex(8), timeout=None)
    except Exception:  # the cache is down: pages expire on their own (see module docstring)
        logger.warning("Could not move the overview stamp %s", name, exc_info=True)


class _AfterCommit:
    """The stamps to move again when the current transaction commits: one callback per transaction.

    However many writes a transaction makes, each stamp they touch is moved once after
    the commit. The callback is found again through a weak reference: Django holds the
    only strong one, in its list of commit callbacks, and drops it when the transaction
    or the savepoint it was registered in rolls back — the next write then registers a
    new one. A stamp added to a callback that is later dropped was touched inside the
    block that rolled back, so its write is gone too and there is nothing to move.
    """

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        for name in sorted(self.names):
            _move(name)


_pending = threading.local()


def _move_now_and_on_commit(name: str) -> None:
    _move(name)
    if not transaction.get_connection().in_atomic_block:
        return  # committed already: the move above is the one after commit
    reference: weakref.ref[_AfterCommit] | None = getattr(_pending, "after_commit", None)
    after_commit = reference() if reference is not None else None
    if after_commit is None or after_commit.done:
        after_commit = _AfterCommit()
        transaction.on_commit(after_commit)
        _pending.after_commit = weakref.ref(after_commit)
    after_commit.names.add(name)


def touch_customer(customer_id: int) -> None:
    """Something the customer's overview shows changed (a dossier, a message, the customer)."""
    _move_now_and_on_commit(_customer_stamp(customer_id))


def touch_user(user_id: int) -> None:
    """Something only this user's overview shows changed (favourites, read marks, profile)."""
    _move_now_and_on_commit(_user_stamp(user_id))


def touch_catalogue() -> None:
    """Product names, group names or the code itself changed: every overview page is stale."""
    _move_now_and_on_commit(CATALOGUE_STAMP)


# --- reads: serve or render ----------------------------------------------------------


def _page_key(request: DealerRequest) -> str:
    parts = [request.get_full_path(), translation.get_language() or "", str(request.user.pk)]
    return "dossiers:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stamp_names(request: DealerRequest) -> list[str]:
    return [CATALOGUE_STAMP, _customer_stamp(request.customer.pk), _user_stamp(request.user.pk)]


def _current_stamps(names: list[str], found: dict[str, object]) -> tuple[str, ...]:
    stamps = []
    for name in names:
        stamp = found.get(name)
        if stamp is None:  # first visit, or evicted: a new token, unless another request set one
            token = secrets.token_hex(8)
            stamp = token if cache.add(name, token, timeout=None) else cache.get(name, token)
        stamps.append(str(stamp))
    return tuple(stamps)


def _has_flash_messages(request: HttpRequest) -> bool:
    # len() loads the stored messages without marking them as shown.
    return len(messages.get_messages(request)) > 0


def cached_page(request: DealerRequest, render: Callable[[str | None, str | None], HttpResponse]) -> HttpResponse:
    """The page ``render(csrf_token, catalogue_stamp)`` draws, from the cache when it is still current.

    ``render`` is given the placeholder to print as the CSRF token (or ``None``: print the
    real one) and the current catalogue stamp (or ``None`` without the cache: see
    ``dossiers.overview.overview_catalogue``), and must not depend on anything the key and
    stamps do not cover (see the module docstring). A page is stored with the stamps it
    was rendered under, so the stamps and the page come in one round trip to the cache.
    """
    seconds: int = settings.OVERVIEW_CACHE_SECONDS
    if not seconds or _has_flash_messages(request):
        return render(None, None)
    key, names = _page_key(request), _stamp_names(request)
    try:
        found = cache.get_many([*names, key])
        stamps = _current_stamps(names, found)
    except Exception:
        logger.warning("Overview cache unreachable; rendering the page", exc_info=True)
        return render(None, None)
    placeholder = csrf_placeholder().encode()
    token = get_token(request).encode()
    entry = found.get(key)
    if isinstance(entry, tuple) and entry[0] == stamps:
        return HttpResponse(entry[1].replace(placeholder, token))
    response = render(placeholder.decode(), stamps[0])  # _stamp_names: the catalogue's first
    if response.status_code == 200 and not _has_flash_messages(request):
        try:
            cache.set(key, (stamps, response.content), timeout=seconds)
        except Exception:
            logger.warning("Could not store an overview page", exc_info=True)
    response.content = response.content.replace(placeholder, token)
    return response


# --- signal receivers: model saves the services do not see (admin edits, profiles) ----


def dossier_changed(instance: Dossier, **kwargs: object) -> None:
    touch_customer(instance.customer_id)


def customer_changed(instance: Customer, **kwargs: object) -> None:
    touch_customer(instance.pk)


def user_changed(instance: User, **kwargs: object) -> None:
    touch_user(instance.pk)


def catalogue_changed(**kwargs: object) -> None:
    touch_catalogue()
