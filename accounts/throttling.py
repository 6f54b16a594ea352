"""Limits on the login and password-reset forms.

Login (django-axes): AXES_FAILURE_LIMIT failures for one (address, IP address) pair lock
that pair, and AXES_IP_FAILURE_LIMIT failures from one IP address across any addresses
lock the IP address, both for AXES_COOLOFF_TIME. The pair limit stops guessing one
dealer's password without letting a stranger lock the dealer out; the higher IP limit
stops spraying one password over many accounts, while a whole office behind one address
can still mistype now and then.

django-axes can list both in AXES_LOCKOUT_PARAMETERS, but it then compares the larger
count with one limit, and a successful login deletes the counts of every parameter set
(AXES_RESET_ON_SUCCESS): a sprayer logging into their own account between rounds would
wipe the IP count. So the IP limit is a handler of its own, counted from axes' records,
and a success resets the pair alone.

Both count the visitor's IP address as ``client_ip`` finds it (see TRUSTED_PROXY_COUNT).

Password reset: at most PASSWORD_RESET_LIMIT_PER_ADDRESS requests for one address and
PASSWORD_RESET_LIMIT_PER_IP from one IP address per PASSWORD_RESET_LIMIT_WINDOW seconds,
counted in the shared cache whether or not an account has that address.

Per-user budgets (:func:`take_user_allowance`), for actions a logged-in user could repeat
in a loop: « Copier le dossier » (COPY_DOSSIER_LIMIT_PER_HOUR) and the recipients of
E-mail messages (EMAIL_RECIPIENTS_LIMIT_PER_HOUR). The services that own those actions
ask for the allowance and refuse with a message in the user's language.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address, counted by both limits (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies that each append the address they
    saw to X-Forwarded-For, the entry the outermost one added. Entries further left come
    from the visitor and are not trusted: changing them must not reset a count.
    """
    count: int = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:  # not an address: a proxy too many counted, or none in front
                logger.warning("X-Forwarded-For does not hold an address %d from the right", count)
    return str(request.META.get("REMOTE_ADDR") or "")


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address a login attempt is for, normalised, so that throttling counts
    ``Marie@X`` and ``marie@x`` as one account (django-axes' AXES_USERNAME_CALLABLE)."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(raw).strip().lower()[:254]


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, plus the lock of an IP address that failed too often (AXES_HANDLER)."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        """Checked before a login is tried: refuses even the right password once locked."""
        return super().is_locked(request, credentials) or self.ip_locked(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        """After axes records the failure: the one that reaches the IP limit already gets the lockout page."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and self.ip_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def ip_locked(self, request: Any) -> bool:
        return self.ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    def ip_failures(self, request: Any) -> int:
        """Failures from the request's IP address within the cool-off time, for any address."""
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return int(recent.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count this request for its address and its IP address; False once either is over its limit.

    Refused requests count too: someone hammering the form only keeps the window full.
    With the cache unreachable the request is let through (and logged): a dealer locked
    out of their account must still get the link, and mail goes through the outbox anyway.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counters = [
        (f"password-reset:address:{address}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        (f"password-reset:ip:{client_ip(request) or 'unknown'}", settings.PASSWORD_RESET_LIMIT_PER_IP),
    ]
    allowed = True
    for key, limit in counters:
        try:
            count = _hit(key, settings.PASSWORD_RESET_LIMIT_WINDOW)
        except Exception:
            logger.warning("Password reset limit not checked: the cache is unreachable", exc_info=True)
            continue
        allowed = allowed and count <= limit
    return allowed


def _hit(key: str, window: int, amount: int = 1) -> int:
    """Add ``amount`` to a counter that lives ``window`` seconds from its first hit (fixed window)."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key, amount))
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=window)
        return amount


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    remaining: int  # what is left in the window after this request (before it, if refused)


def take_user_allowance(*, user_id: int, action: str, limit: int, cost: int = 1, window: int = 3600) -> Allowance:
    """Count ``cost`` against ``user_id``'s budget of ``limit`` per ``window`` seconds for ``action``.

    A request that would go over the limit is refused and counts for nothing, so the user
    can try again with less (fewer recipients). Counted in the shared cache, so every web
    process sees the same budget; with the cache unreachable the request is let through
    (and logged): these limits stop abuse, they must not take the portal down with Redis.
    """
    key = f"limit:{action}:user:{user_id}"
    try:
        used = _hit(key, window, cost)
        if used > limit:
            cache.decr(key, cost)
            return Allowance(False, max(limit - (used - cost), 0))
    except Exception:
        logger.warning("Limit %s not checked: the cache is unreachable", action, exc_info=True)
        return Allowance(True, limit)
    return Allowance(True, limit - used)
