"""Writes on the catalogue: loading a catalogue file as a new version.

The catalogue comes from a YAML file only (``manage.py load_catalogue``, ``seed_demo``):
the admin shows it read-only. A load never edits a version: it makes a new one, so
every order line keeps the definitions it was ordered under.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from .definition import CatalogueDefinition, Text
from .models import CatalogueVersion, Product, ProductGroup, ProductVersion
from .schema import CatalogueError, Problem, parse_catalogue
from .serialise import definition_to_json
from .signals import catalogue_loaded


@dataclass(frozen=True)
class LoadResult:
    version: CatalogueVersion
    created: bool  # False: the same content was already loaded, nothing was written
    groups: int
    products: int
    withdrawn: int  # products that were active and are not in the file (now inactive)


def _names(text: Text) -> dict[str, str]:
    return {f"name_{language}": value for language, value in text.as_dict().items()}


@transaction.atomic
def load_catalogue(*, text: str, filename: str) -> LoadResult:
    """Validate ``text`` and store it as a new catalogue version, or find it already loaded.

    Raises :class:`catalogue.schema.CatalogueError` (every problem as ``file:line: path:
    message``) before writing anything. Groups and products are matched by code: names
    and positions follow the file, products missing from it become inactive (never
    deleted: dossiers and order lines point at them).
    """
    return store_catalogue(catalogue=parse_catalogue(text, filename), filename=filename)


@transaction.atomic
def store_catalogue(*, catalogue: CatalogueDefinition, filename: str) -> LoadResult:
    """:func:`load_catalogue` for a catalogue already parsed (and so already validated)."""
    # One load at a time: the version number is max + 1 and the upserts must not interleave.
    CatalogueVersion.objects.select_for_update().order_by("pk").first()
    existing = CatalogueVersion.objects.filter(content_hash=catalogue.content_hash).first()
    if existing is not None:
        current = CatalogueVersion.objects.current()
        if current is not None and existing.pk != current.pk:
            # Each content is one version (its hash is unique), and going back to it would
            # make "current" ambiguous for the lines evaluated since.
            raise CatalogueError(
                [
                    Problem(
                        filename,
                        1,
                        "(file)",
                        f"same content as catalogue version {existing.number}, older than the current version "
                        f"{current.number}: to go back to it, change something (a price, a text) so that it "
                        "loads as a new version",
                    )
                ]
            )
        return LoadResult(existing, False, len(catalogue.groups), len(catalogue.products), 0)
    products = _upsert(catalogue)
    withdrawn = (
        Product.objects.filter(is_active=True)
        .exclude(code__in=[p.code for p in catalogue.products])
        .update(is_active=False)
    )
    ProductGroup.objects.filter(is_active=True).exclude(code__in=[g.code for g in catalogue.groups]).update(
        is_active=False
    )
    number = (CatalogueVersion.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    version = CatalogueVersion.objects.create(
        number=number, content_hash=catalogue.content_hash, source=filename, product_count=len(catalogue.products)
    )
    ProductVersion.objects.bulk_create(
        ProductVersion(version=version, product=products[definition.code], definition=definition_to_json(definition))
        for definition in catalogue.products
    )
    catalogue_loaded.send(sender=CatalogueVersion, version=version)
    return LoadResult(version, True, len(catalogue.groups), len(catalogue.products), withdrawn)


def _upsert(catalogue: CatalogueDefinition) -> dict[str, Product]:
    groups: dict[str, ProductGroup] = {}
    for group in catalogue.groups:
        groups[group.code], _created = ProductGroup.objects.update_or_create(
            code=group.code, defaults={**_names(group.name), "position": group.position, "is_active": True}
        )
    products: dict[str, Product] = {}
    for definition in catalogue.products:
        products[definition.code], _created = Product.objects.update_or_create(
            code=definition.code,
            defaults={
                **_names(definition.name),
                "group": groups[definition.group],
                "is_service": definition.is_service,
                "position": definition.position,
                "is_active": True,
            },
        )
    return products
