"""The mail outbox: every mail of the portal is a row, sent by a Celery task.

The row is written in the caller's transaction, so a mail exists exactly when the
thing that caused it was committed. The send task and the sweep move it through
``queued → sending → sent / failed`` (see ``mailer.delivery``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class OutboundMail(models.Model):
    recipient = models.EmailField(_("destinataire"), max_length=254)
    language = models.CharField(_("langue"), max_length=8)
    template = models.CharField(_("modèle"), max_length=100)
    subject = models.CharField(_("objet"), max_length=998)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    from_name = models.CharField(_("nom de l'expéditeur"), max_length=200, blank=True)
    reply_to = models.EmailField(_("répondre à"), max_length=254, blank=True)
    # [{"path": <default storage name>, "name": <file name>, "content_type": <MIME type>}]
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)

    status = models.CharField(_("statut"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # Generated when queued and kept on every attempt and resend, so receiving systems
    # can recognise a mail delivered twice after a crash (see delivery.py).
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)

    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    # A queued row is due from this time (creation, or the end of a retry back-off).
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    # Set with the token when a sender claims the row; only the holder of the token
    # may record the outcome.
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    # What caused the mail, without foreign keys across apps' ownership.
    dossier_id = models.PositiveBigIntegerField(_("dossier"), null=True, blank=True, db_index=True)
    related_message_id = models.PositiveBigIntegerField(_("message lié"), null=True, blank=True)
    # Set by the caller when the mail carries what an Interne message says (a dealer's
    # colleague answered, an Interne E-mail): no staff member may read it in the admin.
    internal = models.BooleanField(_("interne"), default=False, editable=False)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
            models.Index(fields=["status", "claimed_at"], name="outbox_status_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
