"""The Jinja2 environment of the portal's hot fragments (``TEMPLATES``' second engine).

Django's template engine prints every page. The few loops that print dozens of rows on
every request — the Communication tab's messages, the overview's rows — are Jinja2 templates under
``templates/jinja2/``: the same markup, compiled to Python, about five times faster to
print. They are fragments, rendered with ``render_to_string(…, using="jinja2")`` and put
into the Django page as one value.

Same rules as the Django templates: every value escaped (by Django's escape), strings translated with
``{{ _("…") }}`` (which ``makemessages`` reads in ``.html`` files like ``{% translate %}``),
the CSRF field as ``{{ csrf_input }}``.
"""

from __future__ import annotations

import html
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext, ngettext
from jinja2 import Environment
from markupsafe import Markup


def _escape(value: Any) -> Any:
    """What ``django.utils.html.conditional_escape`` prints (``&#x27;`` for ', where Jinja2
    writes ``&#39;``), without its lazy-string wrapper: called for every value printed."""
    if hasattr(value, "__html__"):  # Markup, SafeString: already safe
        return value
    return Markup(html.escape(str(value)))  # noqa: S704  (escaped right here)


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # Escaped as Django escapes: the same bytes as the Django template printed. A value
    # already safe (a translation, |linebreaksbr) is left alone.
    options["finalize"] = _escape
    env = Environment(**options)  # noqa: S701  (Django's backend turns autoescape on)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["linebreaksbr"] = linebreaksbr
    return env
