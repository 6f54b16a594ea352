"""The Communication tab's message cards, kept in the shared cache by their content.

Why: the thread is the page dealers read most after the overview, and turning 50 rows
into cards (labels, authors, dates, sizes, URLs, then the Jinja2 template) was half of
its time, on every request, although a card almost never changes once written.

How, without anything ever stale: a card's cache key is a digest of *everything its HTML
is made from* — its database row (text, author's name, audience, complaint state and
answer, the replied message and whether it was since deactivated, « en cours de
génération »), its files (active ones only, with their names, sizes and uploaders), the
reader (their own annexes get the gear « Désactiver », others' messages « Répondre »),
the dossier, the language and its translations, the time zone and date format, the
URLs, and the code and template that print it. Nothing is invalidated: when any of
those changes, the key changes, the card is printed again and the old one expires
unused after ``THREAD_CARD_CACHE_SECONDS``. What the digest cannot see, it is not given:
the card is printed from exactly the row and files that were hashed.

The CSRF field of the « Désactiver » forms is never stored: cards hold a placeholder,
replaced by the request's own field once the page is joined.

The page's cards are also kept joined, under a digest of their keys in order: a thread
read again as it was costs one value to fetch instead of one per card.

When the cache cannot be reached, every card is printed: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import trans_real
from markupsafe import Markup

from dossiers import dates, links, templating

from . import authors, sizes, thread
from .models import THREAD_COLUMNS
from .thread import ThreadPage

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "communication/thread_card.html"
# In the stored cards instead of the CSRF field. Escaped output never holds a "<", so no
# message text can contain it.
CSRF_FIELD_PLACEHOLDER = "<!-- csrf field -->"
_KEY_PREFIX = "communication:card:"
_THREAD_PREFIX = "communication:thread:"


@cache
def _code_digest() -> str:
    """The code and template that print a card, as this process runs them."""
    digest = hashlib.sha256()
    for module in (thread, authors, sizes, dates, links, templating):
        digest.update(Path(module.__file__ or "").read_bytes())
    environment = engines["jinja2"].env  # type: ignore[attr-defined]
    source, _filename, _uptodate = environment.loader.get_source(environment, CARD_TEMPLATE)
    digest.update(source.encode())
    return digest.hexdigest()


@cache
def _translations_digest(language: str) -> str:
    """The translations of ``language`` as this process loaded them (they change with a deploy)."""
    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    entries = sorted((repr(key), repr(value)) for key, value in catalog.items())
    return hashlib.sha256(repr(entries).encode()).hexdigest()


def _page_digest(page: ThreadPage) -> bytes:
    language = translation.get_language() or settings.LANGUAGE_CODE
    parts = (_code_digest(), language, _translations_digest(language), str(settings.MANUFACTURER_NAME), page.inputs)
    return hashlib.sha256(repr(parts).encode()).digest()


def _card_key(page_digest: bytes, row: tuple[Any, ...]) -> str:
    return _KEY_PREFIX + hashlib.sha256(page_digest + repr(row).encode()).hexdigest()


def render_thread(request: HttpRequest, rows: Sequence[tuple[Any, ...]], *, dossier_pk: int) -> SafeString:
    """The thread's ``<ol>`` for ``rows`` (tuples of ``THREAD_COLUMNS``, newest first), cards from the
    cache where their content was printed before, printed by the Jinja2 template otherwise."""
    reader_pk = request.user.pk
    page = ThreadPage(dossier_pk=dossier_pk, reader_pk=reader_pk)
    page_digest = _page_digest(page)
    # A row holds its files (``thread_rows``): the key covers them.
    keys = [_card_key(page_digest, row) for row in rows]
    # The page's cards in their order, also kept whole: a thread read again as it was is one
    # value to fetch, not one per card.
    thread_key = _THREAD_PREFIX + hashlib.sha256("".join(keys).encode()).hexdigest()
    seconds: int = settings.THREAD_CARD_CACHE_SECONDS
    found: dict[str, Any] = {}
    if seconds:
        try:
            whole = shared_cache.get(thread_key)
            if isinstance(whole, str):
                return _with_csrf_field(request, whole)
            found = shared_cache.get_many(keys)
        except Exception:
            logger.warning("Thread card cache unreachable; printing every card", exc_info=True)
            seconds = 0
    template = engines["jinja2"].env.get_template(CARD_TEMPLATE)  # type: ignore[attr-defined]
    placeholder = Markup(CSRF_FIELD_PLACEHOLDER)  # noqa: S704  (a constant of this module)
    cards, printed = [], {}
    for key, row in zip(keys, rows, strict=True):
        card = found.get(key)
        if not isinstance(card, str):
            message = page.message(dict(zip(THREAD_COLUMNS, row, strict=True)))
            card = printed[key] = template.render(message=message, csrf_field=placeholder)
        cards.append(card)
    # Each card as the loop printed it, a line of its own.
    html = '\n<ol class="list-unstyled communication-thread">\n  ' + "\n".join(cards) + "\n\n</ol>"
    if seconds:
        try:
            shared_cache.set_many({**printed, thread_key: html}, timeout=seconds)
        except Exception:
            logger.warning("Could not store thread cards", exc_info=True)
    return _with_csrf_field(request, html)


def _with_csrf_field(request: HttpRequest, html: str) -> SafeString:
    # The field made once for all the page's forms, as Django's {% csrf_token %} is.
    html = html.replace(CSRF_FIELD_PLACEHOLDER, str(csrf_input(request)))
    return mark_safe(html)  # noqa: S308  (the template escapes every value it prints)
