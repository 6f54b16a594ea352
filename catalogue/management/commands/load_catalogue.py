from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.schema import CatalogueError
from catalogue.services import load_catalogue


class Command(BaseCommand):
    help = (
        "Load a catalogue file (YAML, see catalogue/data/demo.yaml) as a new catalogue version. "
        "The whole file is validated first: every problem is printed as file:line: field: message "
        "and nothing is written (exit code 1). A file whose content is already the current version "
        "is reported unchanged and writes nothing. Otherwise, in one transaction: product groups and "
        "products are created or updated by code (names in the four languages, positions), products "
        "and groups missing from the file become inactive (never deleted), and every product's "
        "definition is stored under the new version. Order lines keep the version they were "
        "evaluated and ordered under."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the catalogue file (YAML, UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            result = load_catalogue(text=text, filename=path.name)
        except CatalogueError as refused:
            for problem in refused.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(refused.errors)} problem(s) in {path.name}: nothing loaded") from None
        version = result.version
        if not result.created:
            self.stdout.write(
                f"load_catalogue: {path.name} unchanged (version {version.number}, {version.product_count} products)"
            )
            return
        self.stdout.write(
            f"load_catalogue: version {version.number} from {path.name}: {result.products} products in "
            f"{result.groups} groups, {result.withdrawn} withdrawn"
        )
