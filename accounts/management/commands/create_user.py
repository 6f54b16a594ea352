from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from accounts.models import Customer
from accounts.services import create_user


class Command(BaseCommand):
    help = (
        "Create a dealer user of a customer (--customer NUMBER) or a staff user (--staff), and mail "
        "them an invitation with a link to choose their password (no password is ever given on "
        "the command line). Idempotent: an existing address is left unchanged and not invited again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--customer", metavar="NUMBER", help="customer number of a dealer user")
        who.add_argument("--staff", action="store_true", help="a manufacturer staff user (admin access)")
        parser.add_argument("--superuser", action="store_true", help="with --staff: all permissions")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--no-invite", action="store_true", help="do not send the invitation mail")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Invalid e-mail address: {email!r}") from exc
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(number=options["customer"]).first()
            if customer is None:
                raise CommandError(f"No customer with number {options['customer']!r}.")
        if options["superuser"] and not options["staff"]:
            raise CommandError("--superuser requires --staff.")
        user, created = create_user(
            email=email,
            customer=customer,
            first_name=options["first_name"],
            last_name=options["last_name"],
            language=options["language"],
            is_staff=options["staff"],
            is_superuser=options["superuser"],
            invite=not options["no_invite"],
        )
        if created:
            invited = "" if options["no_invite"] else ", invitation sent"
            self.stdout.write(f"user {user.email}: created{invited}")
        else:
            self.stdout.write(f"user {user.email}: exists, unchanged")
