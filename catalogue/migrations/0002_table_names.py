"""The catalogue's tables take the app's name: a real rename, rows and foreign keys kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0001_initial"),
        # After every migration that built the dossiers table against the old names:
        # SQLite rebuilds a table from the migration state, which would bring them back.
        ("dossiers", "0006_overview_sort_indexes"),
    ]

    operations = [
        migrations.AlterModelTable(name="productgroup", table=None),
        migrations.AlterModelTable(name="product", table=None),
    ]
