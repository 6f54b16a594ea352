"""The overview's search reads one generated column, ``search_text``, with one trigram index.

``search_text`` is the six searched texts (number, order number, reference, warranty
numbers, linked order number and reference) one per line, computed and stored by the
database (a STORED generated column, on SQLite too). On PostgreSQL it gets a GIN index on
``UPPER(search_text) gin_trgm_ops`` — what ``search_text__icontains`` compares — and the
six per-column trigram indexes of 0005 and 0011 are dropped: nothing else searches those
columns on their own (the admin's search ORs them with the customer's columns, across a
join, where a dossier index cannot serve).

Why: the six ``UPPER(col) LIKE`` ORed with the product subquery made PostgreSQL read
every dossier of the customer (12.5–16 ms to count « namur » among the bench customer's
5,000); one ``LIKE`` on the indexed column, ANDed with the customer's index in a bitmap,
counts it in 2.3–2.9 ms, 2.2–2.4 ms with matching products as constant ids (EXPLAIN
ANALYZE on the bench database, 2 December 2026; bench/README.md).

Adding a stored generated column rewrites the table once, under an exclusive lock: the
whole migration, index included, took about 5 s on the bench's 100,000 dossiers. SQLite,
which has neither GIN nor pg_trgm, gets the column only.
"""

from django.db import migrations, models
from django.db.models.functions import Concat

OLD_COLUMNS = ("number", "order_number", "reference", "warranty_numbers", "linked_order_number", "linked_reference")
INDEX = "dossier_search_text_trgm"


def _old_index(column: str) -> str:
    return f"dossier_{column}_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON dossiers_dossier USING gin (UPPER("search_text") gin_trgm_ops)'
    )
    for column in OLD_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_old_index(column)}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in OLD_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_old_index(column)} ON dossiers_dossier "
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0011_linked_order")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=Concat(
                    models.F("number"),
                    models.Value("\n"),
                    models.F("order_number"),
                    models.Value("\n"),
                    models.F("reference"),
                    models.Value("\n"),
                    models.F("warranty_numbers"),
                    models.Value("\n"),
                    models.F("linked_order_number"),
                    models.Value("\n"),
                    models.F("linked_reference"),
                    output_field=models.TextField(),
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
