"""``{{ attachment.size|file_size }}``: the one way a size is shown (see :mod:`communication.sizes`)."""

from __future__ import annotations

from django import template

from ..sizes import file_size as _file_size

register = template.Library()


@register.filter
def file_size(size: int | float | None) -> str:
    return _file_size(size)
