"""``manage.py regenerate_document DOSSIER KIND``: make a document again from its frozen data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents import services
from documents.models import DocumentKind


class Command(BaseCommand):
    help = (
        "Makes the newest document of KIND of dossier DOSSIER (its number, e.g. 2026000042) again from the data "
        "frozen when it was issued: an invoice keeps its number and amounts. Its card in Communication shows "
        "« en cours de génération » until the workers have made the new file, which replaces the old one (one "
        "card, one file) and is mailed to the dealer again. With --customer, a dossier of another customer is "
        "refused. KIND is one of: " + ", ".join(DocumentKind.values) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier", help="the dossier's number")
        parser.add_argument("kind", help=", ".join(DocumentKind.values))
        parser.add_argument(
            "--customer", metavar="NUMBER", help="the customer number the dossier must belong to (a safety check)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = services.find_document(
                dossier_number=options["dossier"].strip(),
                kind=options["kind"].strip(),
                customer_number=(options["customer"] or "").strip() or None,
            )
        except services.DocumentRefused as exc:
            raise CommandError(str(exc)) from exc
        services.regenerate_document(document=document, user=None)
        document.refresh_from_db()
        self.stdout.write(
            f"{document.get_kind_display()} {document.number or ''} of dossier {document.dossier.number}: "
            f"regeneration queued (state {document.state})."
        )
