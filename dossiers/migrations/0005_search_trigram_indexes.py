"""Trigram indexes for the overview's search box, on PostgreSQL only.

Django's ``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%…%')``, so each
index is on ``UPPER(col)`` with ``gin_trgm_ops``: the planner can then answer the search
from the index instead of scanning every dossier of the customer. The demo runs on
SQLite, which has neither GIN nor pg_trgm: there this migration does nothing.
"""

from django.db import migrations

COLUMNS = ("number", "order_number", "reference", "warranty_numbers")


def _index(column: str) -> str:
    return f"dossier_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_index(column)} ON dossiers_dossier USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_favourites_warranty_numbers")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
