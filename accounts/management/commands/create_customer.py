from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import upsert_customer


class Command(BaseCommand):
    help = (
        "Create a customer (numéro de client), or update the name, language and account manager "
        "of an existing one. Idempotent: running it twice with the same values changes nothing. "
        "The account manager must be an existing staff user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="customer number, unique")
        parser.add_argument("name", help="company name")
        parser.add_argument("--language", default="fr", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--account-manager", metavar="EMAIL", help="e-mail address of a staff user")

    def handle(self, *args: Any, **options: Any) -> None:
        manager = None
        if options["account_manager"]:
            manager = User.objects.filter(email__iexact=options["account_manager"], is_staff=True).first()
            if manager is None:
                raise CommandError(f"No staff user with address {options['account_manager']!r}.")
        number = options["number"].strip()
        if not number:
            raise CommandError("The customer number may not be empty.")
        customer, created = upsert_customer(
            number=number, name=options["name"].strip(), language=options["language"], account_manager=manager
        )
        self.stdout.write(f"customer {customer.number}: {'created' if created else 'updated'}")
