"""Product groups and products now belong to the catalogue app: dropped from this app's state only.

The tables are not touched here: catalogue took them over and renamed them, and the
dossiers' foreign keys follow (dossiers 0007), which must happen while these models
still exist in the state.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0001_initial"),
        ("configurator", "0001_initial"),
        ("dossiers", "0007_catalogue_foreign_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Product"),
                migrations.DeleteModel(name="ProductGroup"),
            ],
            database_operations=[],
        ),
    ]
