"""The recipients of an E-mail message, as a dealer types them: comma-separated addresses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from mailer.services import clean_address

MAX_RECIPIENTS = 50
MAX_INPUT_LENGTH = 50_000
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")


def parse_recipients(raw: str) -> list[str]:
    """Distinct, validated addresses; the error names every invalid one.

    Separators are commas (the FAQ's rule) and, leniently, semicolons. A line break
    anywhere is refused outright: it is how a header (``Bcc:``) would be injected.
    """
    raw = raw or ""
    if len(raw) > MAX_INPUT_LENGTH:
        raise ValidationError(_("La liste des destinataires est trop longue."), code="too_long")
    if _LINE_BREAKS.search(raw):
        raise ValidationError(
            _("Les destinataires ne peuvent pas contenir de retour à la ligne ; séparez-les par une virgule."),
            code="line_break",
        )
    parts = [part.strip() for part in re.split(r"[,;]", raw)]
    parts = [part for part in parts if part]
    if not parts:
        raise ValidationError(_("Indiquez au moins un destinataire."), code="required")
    invalid: list[str] = []
    addresses: list[str] = []
    seen: set[str] = set()
    for part in parts:
        try:
            address = clean_address(part)
        except ValueError:
            invalid.append(part)
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    if invalid:
        # Each address in the reader's quotation marks (« … » in French, “…” in English).
        shown = ", ".join(pgettext("quoted text", "« %(text)s »") % {"text": value[:80]} for value in invalid[:10])
        if len(invalid) > 10:
            shown += " …"
        raise ValidationError(
            ngettext(
                "Adresse e-mail invalide : %(addresses)s.",
                "Adresses e-mail invalides : %(addresses)s.",
                len(invalid),
            )
            % {"addresses": shown},
            code="invalid",
        )
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(
            _("Au maximum %(max)d destinataires (vous en avez indiqué %(count)d).")
            % {"max": MAX_RECIPIENTS, "count": len(addresses)},
            code="too_many",
        )
    return addresses
