"""Who is mailed about a message or a complaint, and with which template.

Called by the services inside their transaction: each mail is an outbox row that
commits with the message (see ``mailer.services``). Rules (PRODUCT.md §4):

- a dealer's ``Renson`` message → the dossier's contact person (staff), else the
  customer's account manager;
- a staff (or system) message → the dealer users who wrote ``Renson`` messages in the
  thread (the dossier's creator when nobody has yet);
- a reply → the author of the message it answers, told it is an answer to them;
- ``Interne`` → never staff; only the author of the answered message, a colleague;
- an E-mail → only its own recipients, each in their account's language (an outside address: the sender's);
- nobody is mailed twice for one message, nor about their own message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models.functions import Lower
from django.urls import reverse

from accounts.models import User
from mailer.services import OutboxAttachment, queue_mail

from .authors import author_name
from .models import Audience, Complaint, Message, MessageType

TEMPLATE_POSTED = "message_posted"
TEMPLATE_ANSWER = "message_answer"
TEMPLATE_EMAIL = "message_email"
TEMPLATE_COMPLAINT = "complaint_state"


@dataclass(frozen=True)
class Notice:
    user: User
    template: str


def portal_link(message: Message) -> str:
    path = reverse("communication:message-list", kwargs={"pk": message.dossier_id})
    return f"{settings.SITE_URL}{path}#message-{message.pk}"


def admin_link(message: Message) -> str:
    return settings.SITE_URL + reverse("admin:communication_message_change", args=[message.pk])


def link_for(user: User, message: Message) -> str:
    return admin_link(message) if user.is_staff else portal_link(message)


def _file_items(message: Message) -> list[OutboxAttachment]:
    files = getattr(message, "active_attachments", None)
    if files is None:
        files = list(message.attachments.active())
    return [{"path": a.file.name, "name": a.original_name, "content_type": "application/octet-stream"} for a in files]


def _mailable(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.email)


def recipients_for(message: Message) -> list[Notice]:
    """The people to notify about ``message``, each once, with the template for them."""
    author = message.author
    internal = message.audience == Audience.INTERNAL
    notices: dict[int, Notice] = {}

    def add(user: User | None, template: str) -> None:
        if not _mailable(user):
            return
        assert user is not None
        if author is not None and user.pk == author.pk:
            return
        if internal and user.is_staff:
            return
        if not user.is_staff and user.customer_id != message.dossier.customer_id:
            return
        notices.setdefault(user.pk, Notice(user=user, template=template))

    if message.parent is not None:
        add(message.parent.author, TEMPLATE_ANSWER)
    if internal:
        return list(notices.values())
    if author is not None and not author.is_staff:
        # A dossier without a contact person falls back to the customer's account manager.
        dossier = message.dossier
        add(dossier.contact_person or dossier.customer.account_manager, TEMPLATE_POSTED)
    else:
        writers = User.objects.filter(
            is_active=True,
            is_staff=False,
            customer_id=message.dossier.customer_id,
            pk__in=Message.objects.filter(dossier_id=message.dossier_id, audience=Audience.RENSON)
            .exclude(author__isnull=True)
            .values("author"),
        ).order_by("pk")
        people = list(writers)
        if not people and message.dossier.created_by is not None:
            people = [message.dossier.created_by]
        for person in people:
            add(person, TEMPLATE_POSTED)
    return list(notices.values())


def _context(message: Message, recipient: User) -> dict[str, Any]:
    return {
        "message": message,
        "dossier": message.dossier,
        "author_name": author_name(message.author, dossier=message.dossier),
        "recipient": recipient,
        "link": link_for(recipient, message),
        "parent": message.parent,
    }


def notify_message_posted(*, message: Message) -> None:
    if message.type == MessageType.EMAIL:
        send_email_message(message=message)
        return
    attachments = _file_items(message) if message.type == MessageType.WARRANTY_DOCUMENT else None
    for notice in recipients_for(message):
        queue_mail(
            to=notice.user.email,
            language=notice.user.language,
            template=notice.template,
            context=_context(message, notice.user),
            attachments=attachments if not notice.user.is_staff else None,
            dossier_id=message.dossier_id,
            related_message_id=message.pk,
            internal=message.is_internal,
        )


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """The language of each address that belongs to an active account (lower-cased address → code).

    A colleague copied on an E-mail reads it in their own language; an outside address
    has none here and keeps the sender's. One query for all the recipients.
    """
    lowered = {address.lower() for address in addresses}
    # Lower(email) is the column's unique index: the case a dealer typed does not matter.
    accounts = (
        User.objects.annotate(address=Lower("email"))
        .filter(is_active=True, address__in=lowered)
        .values_list("address", "language")
    )
    return {address: language for address, language in accounts if language}


def send_email_message(*, message: Message) -> None:
    """The E-mail type: one mail per recipient, from the portal in the user's name, Reply-To the user."""
    author = message.author
    if author is None:
        raise ValueError("An E-mail message has an author.")
    files = getattr(message, "active_linked_attachments", None)
    if files is None:
        files = list(message.linked_attachments.active())
    attachments: list[OutboxAttachment] = [
        {"path": a.file.name, "name": a.original_name, "content_type": "application/octet-stream"} for a in files
    ]
    sender = author_name(author, dossier=message.dossier)
    languages = recipient_languages(message.email_recipients)
    for address in message.email_recipients:
        queue_mail(
            to=address,
            language=languages.get(address.lower(), author.language),
            template=TEMPLATE_EMAIL,
            context={"message": message, "dossier": message.dossier, "author_name": sender},
            reply_to=author.email,
            from_name=sender,  # queue_mail keeps it from passing for an address
            attachments=attachments,
            dossier_id=message.dossier_id,
            related_message_id=message.pk,
            internal=message.is_internal,
        )


def notify_complaint_changed(*, complaint: Complaint, previous_state: str) -> None:
    author = complaint.message.author
    if not _mailable(author) or author is None or author.is_staff:
        return
    queue_mail(
        to=author.email,
        language=author.language,
        template=TEMPLATE_COMPLAINT,
        context={
            "complaint": complaint,
            "message": complaint.message,
            "dossier": complaint.message.dossier,
            "previous_state": previous_state,
            "link": portal_link(complaint.message),
        },
        dossier_id=complaint.dossier_id,
        related_message_id=complaint.message_id,
    )
