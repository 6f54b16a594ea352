"""Filters of the PDF templates (``templates/pdf/``): amounts, dates and rates as the
document's reader writes them. The templates render under the document's language
(:func:`documents.rendering.render_html`), which these read."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .. import formatting

register = template.Library()


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


@register.filter
def money(value: str | None) -> str:
    return formatting.money(value, _language())


@register.filter
def day(value: str | None) -> str:
    return formatting.day(value, _language())


@register.filter
def percent(value: str | None) -> str:
    return formatting.percent(value, _language())


@register.filter
def drawing(svg: str) -> SafeString:
    """A line's drawing: SVG made by configurator.drawing, which escapes every text it holds."""
    return mark_safe(svg)  # noqa: S308 - our own markup, frozen in the document's data
