"""Rendering of the portal's mails: one template triple per mail, in the recipient's language.

Templates live in ``templates/emails/<name>/`` as ``subject.txt``, ``body.txt`` and
``body.html``. Sending goes through the outbox (:func:`mailer.services.queue_mail`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(template: str, context: dict[str, Any], language: str) -> RenderedMail:
    base = {
        "MANUFACTURER_NAME": settings.MANUFACTURER_NAME,
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SITE_URL": settings.SITE_URL,
    }
    with translation.override(language):
        ctx = {**base, **context, "LANGUAGE_CODE": language}
        subject = render_to_string(f"emails/{template}/subject.txt", ctx)
        text = render_to_string(f"emails/{template}/body.txt", ctx)
        html = render_to_string(f"emails/{template}/body.html", ctx)
    # A subject is one line: a newline in it would be a header injection.
    return RenderedMail(subject=" ".join(subject.split()), text=text, html=html)
