"""Addresses and display names that are safe to put in a mail header.

Used by the outbox when it queues a mail and by forms that take addresses from users
(the recipients of an E-mail message), so both refuse exactly the same input.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# Bidirectional overrides and invisible marks: "Marie\u202egnp.exe" would display reversed.
BIDI_CHARS = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# What makes a display name look like an address: @ and its full-width and small forms,
# angle brackets and their look-alikes.
_AT_SIGNS = re.compile("[@\uff20\ufe6b]")
_ANGLE_BRACKETS = re.compile("[<>\uff1c\uff1e\u2039\u203a\u2329\u232a\u27e8\u27e9\u3008\u3009\ufe64\ufe65]")


def clean_address(address: str) -> str:
    """One e-mail address, validated; anything that could add a header is refused."""
    value = (address or "").strip()
    if not value or CONTROL_CHARS.search(value) or BIDI_CHARS.search(value) or any(c in value for c in ',;<>"'):
        raise ValueError(f"Invalid e-mail address: {address!r}")
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError(f"Invalid e-mail address: {address!r}") from exc
    return value


def clean_display_name(name: str, *, max_length: int = 200) -> str:
    """A display name on one line, without control or bidi characters (formataddr quotes the rest)."""
    visible = BIDI_CHARS.sub("", CONTROL_CHARS.sub(" ", name or ""))
    return " ".join(visible.split())[:max_length]


def clean_sender_name(name: str, *, max_length: int = 200) -> str:
    """The name in a From header, which must never pass for an address.

    Dealers choose their own names, and those go into the From of E-mail messages. A
    name such as ``CEO Renson <ceo@renson.example>`` would show the recipient a sender
    the portal never vouched for: words holding an ``@`` (or a look-alike) and angle
    brackets are dropped. What is left is plain text that ``formataddr`` quotes.
    """
    words = clean_display_name(name, max_length=4 * max_length).split()
    text = " ".join(word for word in words if not _AT_SIGNS.search(word))
    return " ".join(_ANGLE_BRACKETS.sub(" ", text).split())[:max_length]


def message_id_domain() -> str:
    configured: str = settings.EMAIL_MESSAGE_ID_DOMAIN
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "ereps.localhost"
