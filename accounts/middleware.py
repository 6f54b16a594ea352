import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

# Session keys: when the user logged in, and (to the minute) when they were last seen.
AUTH_AT = "_ereps_auth_at"
SEEN_AT = "_ereps_seen_at"
# The last-seen time is written at most this often: not a session write on every request.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Logs out a user idle for SESSION_IDLE_TIMEOUT, or logged in longer than SESSION_COOKIE_AGE.

    Django's own expiry moves with every session write (each flash message is one), so it
    bounds neither: both clocks are kept in the session here. A session from before this
    rule starts both clocks at its next request. After the logout the request goes on as
    anonymous (a portal page then sends to the login page) with a message saying why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        auth_at = session.setdefault(AUTH_AT, now)
        seen_at = session.get(SEEN_AT, now)
        idle = now - int(seen_at) > settings.SESSION_IDLE_TIMEOUT
        if idle or now - int(auth_at) > settings.SESSION_COOKIE_AGE:
            logout(request)
            if idle:
                hours = max(settings.SESSION_IDLE_TIMEOUT // 3600, 1)
                message = _("Votre session a expiré après %(hours)d h sans activité. Reconnectez-vous.") % {
                    "hours": hours
                }
            else:
                message = _("Votre session a expiré. Reconnectez-vous.")
            messages.info(request, message)
        elif SEEN_AT not in session or now - int(seen_at) >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


class UserLanguageMiddleware:
    """A logged-in user sees the portal in the language of their profile.

    Runs after LocaleMiddleware (which serves anonymous visitors from the cookie or the
    browser) and after authentication, so the profile wins once somebody is logged in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def start_session_clocks(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """``user_logged_in``: both clocks of :class:`SessionTimeoutMiddleware` start at the login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[AUTH_AT] = now
        session[SEEN_AT] = now
