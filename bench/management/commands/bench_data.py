from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.data import generate


class Command(BaseCommand):
    help = (
        "Fill the database with benchmark data (see bench/README.md): CUSTOMERS customers whose numbers "
        "start with B, DOSSIERS dossiers of which BIG belong to the first customer (login "
        "bench@dealer.example), MESSAGES messages, 50 of them on one dossier. Replaces earlier bench rows "
        "and touches no other row. Bulk inserts: a few minutes for 100,000 dossiers and 1,000,000 messages. "
        "PostgreSQL only; refuses to run with DEBUG on unless --force, as it is meant for a bench database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--dossiers", type=int, default=100_000)
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--big", type=int, default=5_000, help="dossiers of the measured customer")
        parser.add_argument(
            "--force", action="store_true", help="run on a database other than PostgreSQL or with DEBUG on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (connection.vendor != "postgresql" or settings.DEBUG) and not options["force"]:
            raise CommandError("bench_data is for a PostgreSQL bench database with DEBUG off (use --force otherwise).")
        if options["customers"] < 2 or options["big"] > options["dossiers"]:
            raise CommandError("Need at least 2 customers and --big no larger than --dossiers.")
        summary = generate(
            customers=options["customers"],
            dossiers=options["dossiers"],
            messages=options["messages"],
            big=options["big"],
        )
        self.stdout.write(str(summary))
