"""The outbox table takes the mailer app's name (a real rename, rows kept) and the Interne mark.

``internal`` is filled for the rows already there by communication's migration 0004,
which knows which messages are Interne.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("mailer", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="outboundmail", table=None),
        migrations.AddField(
            model_name="outboundmail",
            name="internal",
            field=models.BooleanField(default=False, editable=False, verbose_name="interne"),
        ),
    ]
