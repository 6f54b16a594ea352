"""Product groups and products move from the configurator app to catalogue, tables and rows untouched.

Only Django's idea of which app owns the models changes here (the tables keep their
names until the next migration renames them). Their content types move along, so
permissions given on them (the « Back-office » group's) and admin log entries keep
pointing at them.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("productgroup", "product")


def move_content_types(apps, schema_editor, source="configurator", target="catalogue"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="catalogue", target="configurator")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The tables were created there.
        ("configurator", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ProductGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_fr', models.CharField(max_length=120, verbose_name='nom (fr)')),
                        ('name_nl', models.CharField(blank=True, max_length=120, verbose_name='nom (nl)')),
                        ('name_de', models.CharField(blank=True, max_length=120, verbose_name='nom (de)')),
                        ('name_en', models.CharField(blank=True, max_length=120, verbose_name='nom (en)')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('is_active', models.BooleanField(default=True, verbose_name='actif')),
                    ],
                    options={
                        'verbose_name': 'groupe de produits',
                        'verbose_name_plural': 'groupes de produits',
                        'ordering': ['position', 'code'],
                        'db_table': 'configurator_productgroup',
                    },
                ),
                migrations.CreateModel(
                    name='Product',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_fr', models.CharField(max_length=120, verbose_name='nom (fr)')),
                        ('name_nl', models.CharField(blank=True, max_length=120, verbose_name='nom (nl)')),
                        ('name_de', models.CharField(blank=True, max_length=120, verbose_name='nom (de)')),
                        ('name_en', models.CharField(blank=True, max_length=120, verbose_name='nom (en)')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('is_service', models.BooleanField(default=False, help_text='Commande de service sur un produit déjà livré.', verbose_name='produit « Service »')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('is_active', models.BooleanField(default=True, verbose_name='actif')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='products', to='catalogue.productgroup', verbose_name='groupe de produits')),
                    ],
                    options={
                        'verbose_name': 'produit',
                        'verbose_name_plural': 'produits',
                        'ordering': ['group__position', 'position', 'code'],
                        'db_table': 'configurator_product',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
