"""The outbox model now belongs to the mailer app (mailer 0001): dropped from this app's state only.

The table is not touched here: mailer took it over and renamed it.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("communication", "0002_messages"),
        ("mailer", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboundMail")],
            database_operations=[],
        ),
    ]
