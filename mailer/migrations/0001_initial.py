"""The outbox model moves from the communication app to mailer, table and rows untouched.

Only Django's idea of which app owns the model changes here (the table keeps its name
until the next migration renames it). Its content type moves along, so permissions
given on it (the « Back-office » group's) and admin log entries keep pointing at it.
"""

import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="communication", target="mailer"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="outboundmail").exists():
        types.filter(app_label=source, model="outboundmail").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="mailer", target="communication")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table was created there.
        ("communication", "0001_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboundMail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recipient', models.EmailField(max_length=254, verbose_name='destinataire')),
                        ('language', models.CharField(max_length=8, verbose_name='langue')),
                        ('template', models.CharField(max_length=100, verbose_name='modèle')),
                        ('subject', models.CharField(max_length=998, verbose_name='objet')),
                        ('body_text', models.TextField(verbose_name='texte')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML')),
                        ('from_name', models.CharField(blank=True, max_length=200, verbose_name="nom de l'expéditeur")),
                        ('reply_to', models.EmailField(blank=True, max_length=254, verbose_name='répondre à')),
                        ('attachments', models.JSONField(blank=True, default=list, verbose_name='pièces jointes')),
                        ('status', models.CharField(choices=[('queued', 'En attente'), ('sending', "En cours d'envoi"), ('sent', 'Envoyé'), ('failed', 'Échec')], default='queued', max_length=10, verbose_name='statut')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='tentatives')),
                        ('last_error', models.TextField(blank=True, verbose_name='dernière erreur')),
                        ('message_id', models.CharField(max_length=255, unique=True, verbose_name='Message-ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='créé le')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='prochaine tentative')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='pris en charge le')),
                        ('claim_token', models.UUIDField(blank=True, editable=False, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyé le')),
                        ('dossier_id', models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name='dossier')),
                        ('related_message_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='message lié')),
                    ],
                    options={
                        'verbose_name': 'e-mail sortant',
                        'verbose_name_plural': 'e-mails sortants',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'communication_outboundmail',
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbox_status_due'), models.Index(fields=['status', 'claimed_at'], name='outbox_status_claimed')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
