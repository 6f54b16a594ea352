"""A dossier's product and product group now point at the catalogue app's models.

State only: the foreign keys in the database already reference the same tables, which
the catalogue app took over and renamed (catalogue 0001 and 0002) with their rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0002_table_names"),
        ("dossiers", "0006_overview_sort_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="product",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.product",
                        verbose_name="produit",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="product_group",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.productgroup",
                        verbose_name="groupe de produits",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
