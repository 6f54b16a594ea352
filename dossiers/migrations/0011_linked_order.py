"""The linked order of after-sales (a service order and its original), searchable like the
other numbers: trigram indexes on PostgreSQL as in 0005, nothing on SQLite."""

from django.db import migrations, models

COLUMNS = ("linked_order_number", "linked_reference")


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

    dependencies = [
        ('dossiers', '0010_alter_historyevent_kind'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='linked_order_number',
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name='numéro de la commande liée'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='linked_reference',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='référence de la commande liée'),
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
