"""Mails already queued about an Interne message get the mark that hides them from staff.

New mails are marked when they are queued (communication.notifications); the outbox
admin no longer looks up the messages to know.
"""

from django.db import migrations


def mark_internal_mails(apps, schema_editor):
    OutboundMail = apps.get_model("mailer", "OutboundMail")
    Message = apps.get_model("communication", "Message")
    db = schema_editor.connection.alias
    internal = Message.objects.using(db).filter(audience="internal").values("pk")
    OutboundMail.objects.using(db).filter(related_message_id__in=internal).update(internal=True)


class Migration(migrations.Migration):

    dependencies = [
        ("communication", "0003_outbox_moved_to_mailer"),
        ("mailer", "0002_outboundmail_table_internal"),
    ]

    operations = [
        migrations.RunPython(mark_internal_mails, migrations.RunPython.noop),
    ]
