"""Writes of the Communication tab: post a message, deactivate a file, process a complaint.

Each service runs in one transaction: the message, its files, the history event, the
dossier's "last message" mark and the mails (outbox rows) commit together or not at all.
"""

from __future__ import annotations

import logging
import mimetypes
import uuid
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.throttling import take_user_allowance
from dossiers import services as dossier_services
from dossiers.models import Dossier, EventKind, Status

from . import notifications, signals
from .files import sanitise_filename
from .models import Attachment, Audience, Complaint, ComplaintState, Message, MessageType
from .recipients import parse_recipients
from .uploads import check_uploads

logger = logging.getLogger(__name__)

# Who may post what (PRODUCT.md §4). Dealers talk to the manufacturer and among
# themselves; the manufacturer's staff (and the system, which posts with no author)
# add files, remarks and the warranty document.
DEALER_TYPES = (
    MessageType.ANNEX,
    MessageType.EMAIL,
    MessageType.REMARK,
    MessageType.COMPLAINT,
    MessageType.SERVICE_REQUEST,
)
STAFF_TYPES = (MessageType.ANNEX, MessageType.REMARK, MessageType.WARRANTY_DOCUMENT)
# A complaint is addressed to the manufacturer: it cannot be hidden from its staff.
RENSON_ONLY_TYPES = (MessageType.COMPLAINT, MessageType.SERVICE_REQUEST, MessageType.WARRANTY_DOCUMENT)
COMPLAINT_TYPES = (MessageType.COMPLAINT, MessageType.SERVICE_REQUEST)
# What each type must carry, named as post_message's arguments.
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    MessageType.ANNEX: ("title", "files"),
    MessageType.EMAIL: ("recipients", "title", "body"),
    MessageType.REMARK: ("body",),
    MessageType.COMPLAINT: ("body",),
    MessageType.SERVICE_REQUEST: ("body",),
    MessageType.WARRANTY_DOCUMENT: ("files",),
}


def service_request_refused_message(dossier: Dossier) -> str:
    """Why « Demande de service » is not possible on ``dossier`` as it stands, with the FAQ's
    advice: the dealer's contact person at the manufacturer, by name, handles the rest."""
    manufacturer = settings.MANUFACTURER_NAME
    contact = dossier.contact_person or dossier.customer.account_manager
    if contact is not None:
        advice = _("contactez votre personne de contact chez %(manufacturer)s, %(name)s (%(email)s).") % {
            "manufacturer": manufacturer,
            "name": contact.display_name,
            "email": contact.email,
        }
    else:
        advice = _("contactez votre personne de contact chez %(manufacturer)s.") % {"manufacturer": manufacturer}
    if dossier.status == Status.SERVICE_REQUESTED:
        return _(
            "Une demande de service est déjà enregistrée pour ce dossier : passez la commande de service "
            "dans l'onglet « Configurateur », ou %(advice)s"
        ) % {"advice": advice}
    return _(
        "Une demande de service n'est possible que pour un dossier au statut « Terminé » "
        "(ce dossier est au statut « %(status)s ») : %(advice)s"
    ) % {"status": Status(dossier.status).label, "advice": advice}


def allowed_types(author: User | None, dossier: Dossier) -> tuple[MessageType, ...]:
    """The types ``author`` may post in ``dossier``'s thread (``None``: the system).

    Staff and the system: :data:`STAFF_TYPES`; a dealer of the dossier's customer:
    :data:`DEALER_TYPES`; anybody else: none.
    """
    if author is None or author.is_staff:
        return STAFF_TYPES
    if author.customer_id != dossier.customer_id:
        return ()
    return DEALER_TYPES


def offered_types(author: User | None, dossier: Dossier) -> tuple[MessageType, ...]:
    """The types « Ajouter » lists: the allowed ones, « Demande de service » only on a Terminé
    dossier. A type allowed but not offered is still refused by :func:`check_message` in words."""
    return tuple(
        kind
        for kind in allowed_types(author, dossier)
        if kind != MessageType.SERVICE_REQUEST or dossier.status == Status.COMPLETED
    )


def check_message(
    *,
    dossier: Dossier,
    author: User | None,
    type: str,
    audience: str,
    title: str = "",
    body: str = "",
    files: Sequence[UploadedFile] = (),
    recipients: Sequence[str] = (),
    linked_attachments: Sequence[Attachment] = (),
    parent: Message | None = None,
) -> None:
    """Every rule on what ``author`` may post, for every caller (the portal's forms, the admin, tasks).

    Something of another customer or dossier (a forged request, or a bug) raises
    ``PermissionDenied``: views answer 404. Anything else refused raises one
    ``ValidationError`` keyed by the argument at fault (``NON_FIELD_ERRORS`` for the
    dossier's status), each error with a ``code``; forms put them on their fields
    (:func:`communication.forms.add_service_errors`).
    """
    if author is not None and not author.is_staff and author.customer_id != dossier.customer_id:
        raise PermissionDenied("A dealer posts only in its own customer's dossiers.")
    if parent is not None and parent.dossier_id != dossier.pk:
        raise PermissionDenied("A reply belongs to its parent's dossier.")
    for attachment in linked_attachments:
        if attachment.message.dossier_id != dossier.pk or not attachment.is_active:
            raise PermissionDenied("Files sent along come from the same dossier.")

    errors: dict[str, list[ValidationError]] = defaultdict(list)

    def refuse(field: str, message: str, code: str) -> None:
        errors[field].append(ValidationError(message, code=code))

    manufacturer = {"manufacturer": settings.MANUFACTURER_NAME}
    staff_author = author is None or author.is_staff
    if type not in MessageType.values:
        refuse("type", "Unknown message type.", "invalid")
    elif type not in allowed_types(author, dossier):
        if staff_author:
            refuse("type", _("Ce type de message est réservé au revendeur."), "type_refused")
        else:
            refuse("type", _("Ce type de message est réservé à %(manufacturer)s.") % manufacturer, "type_refused")
    if audience not in Audience.values:
        refuse("audience", "Unknown audience.", "invalid")
    elif audience == Audience.INTERNAL and staff_author:
        refuse(
            "audience",
            _("Ce message s'adresse à %(manufacturer)s : le groupe-cible « Interne » n'est pas possible.")
            % manufacturer,
            "internal_refused",
        )
    elif audience == Audience.INTERNAL and type in RENSON_ONLY_TYPES:
        refuse(
            "audience",
            _("Ce type de message s'adresse à %(manufacturer)s : choisissez le groupe-cible « %(manufacturer)s ».")
            % manufacturer,
            "internal_refused",
        )
    elif parent is not None and parent.is_internal and audience != Audience.INTERNAL:
        refuse("audience", "A reply to an Interne message stays Interne.", "internal_reply")
    if type == MessageType.SERVICE_REQUEST and dossier.status != Status.COMPLETED:
        refuse(NON_FIELD_ERRORS, service_request_refused_message(dossier), "service_refused")

    given = {"title": title.strip(), "body": body.strip(), "files": files, "recipients": recipients}
    for name in REQUIRED_BY_TYPE.get(type, ()):
        if not given[name]:
            refuse(name, _("Ce champ est obligatoire."), "required")
    if type == MessageType.EMAIL and recipients:
        # The form parsed them already; a caller that skips the form is held to the same
        # rules and must pass them as parsed: one clean address per entry.
        try:
            parsed = parse_recipients(", ".join(recipients))
        except ValidationError as exc:
            errors["recipients"].extend(exc.error_list)
        else:
            if parsed != list(recipients):
                refuse("recipients", "E-mail recipients must be distinct addresses, one per entry.", "invalid")
    elif recipients:
        refuse("recipients", "Only an E-mail has recipients.", "not_email")
    if audience != Audience.INTERNAL and any(a.message.is_internal for a in linked_attachments):
        refuse(
            "linked_attachments",
            _("Un fichier « Interne » ne peut pas être envoyé avec un message « %(manufacturer)s ».") % manufacturer,
            "internal_attachment",
        )
    try:
        check_uploads(files)
    except ValidationError as exc:
        errors["files"].extend(exc.error_list)
    if errors:
        raise ValidationError(dict(errors))


def _guess_content_type(upload: UploadedFile, name: str) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared and "/" in declared and declared.isascii() and len(declared) <= 100 and declared.isprintable():
        return declared
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _save_attachment(*, message: Message, upload: UploadedFile, uploader: User | None) -> Attachment:
    name = sanitise_filename(upload.name or "")
    attachment = Attachment(
        message=message,
        original_name=name,
        size=upload.size or 0,
        content_type=_guess_content_type(upload, name),
        uploaded_by=uploader,
    )
    # The storage name comes from attachment_upload_to (per dossier, random folder).
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def _take_recipient_allowance(author: User, count: int) -> None:
    """E-mail messages reach at most EMAIL_RECIPIENTS_LIMIT_PER_HOUR addresses per user per hour:
    the portal must not be usable as a mass mailer. A refused message counts for nothing."""
    limit: int = settings.EMAIL_RECIPIENTS_LIMIT_PER_HOUR
    allowance = take_user_allowance(user_id=author.pk, action="email-recipients", limit=limit, cost=count)
    if not allowance.allowed:
        raise ValidationError(
            {
                "recipients": ValidationError(
                    _(
                        "Limite d'envoi atteinte : au maximum %(limit)d destinataires d'E-mails par heure "
                        "(il vous en reste %(remaining)d). Réessayez plus tard ou réduisez la liste."
                    )
                    % {"limit": limit, "remaining": allowance.remaining},
                    code="rate_limited",
                )
            }
        )


@transaction.atomic
def post_message(
    *,
    dossier: Dossier,
    author: User | None,
    type: str,
    audience: str = Audience.RENSON,
    title: str = "",
    body: str = "",
    files: Sequence[UploadedFile] = (),
    recipients: Sequence[str] = (),
    linked_attachments: Sequence[Attachment] = (),
    parent: Message | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Message:
    """Post a message in a dossier's thread, with its files, history event and mails.

    With an ``idempotency_key`` (one per displayed form), posting the same form twice
    returns the first message and does nothing else.
    """
    if idempotency_key is not None and author is not None:
        existing = Message.objects.filter(author=author, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    check_message(
        dossier=dossier,
        author=author,
        type=type,
        audience=audience,
        title=title,
        body=body,
        files=files,
        recipients=recipients,
        linked_attachments=linked_attachments,
        parent=parent,
    )
    if type == MessageType.EMAIL and author is not None:
        _take_recipient_allowance(author, len(recipients))
    if type == MessageType.SERVICE_REQUEST:
        assert author is not None
        try:
            # Under the dossier's row lock: of two posts at once, the second waits and is refused.
            dossier_services.request_service(dossier=dossier, user=author, expected=Status.COMPLETED)
        except dossier_services.TransitionRefused as exc:
            if idempotency_key is not None:
                # The same form posted twice at once: the first post's message is the answer.
                existing = Message.objects.filter(author=author, idempotency_key=idempotency_key).first()
                if existing is not None:
                    return existing
            current = Dossier.objects.select_related("contact_person", "customer__account_manager").get(pk=dossier.pk)
            refusal = ValidationError(service_request_refused_message(current), code="service_refused")
            raise ValidationError({NON_FIELD_ERRORS: refusal}) from exc
        dossier.status = Status.SERVICE_REQUESTED

    try:
        with transaction.atomic():  # a concurrent double submit hits the unique constraint
            message = Message.objects.create(
                dossier=dossier,
                type=type,
                audience=audience,
                author=author,
                parent=parent,
                title=title.strip(),
                body=body.strip(),
                email_recipients=list(recipients),
                idempotency_key=idempotency_key if author is not None else None,
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        existing = Message.objects.get(author=author, idempotency_key=idempotency_key)
        transaction.set_rollback(True)  # undo anything done before the insert (a status change)
        return existing

    saved = [_save_attachment(message=message, upload=upload, uploader=author) for upload in files]
    message.active_attachments = saved  # type: ignore[attr-defined]
    if linked_attachments:
        message.linked_attachments.set(linked_attachments)
    message.active_linked_attachments = list(linked_attachments)  # type: ignore[attr-defined]
    if type in COMPLAINT_TYPES:
        Complaint.objects.create(dossier=dossier, message=message, created_at=message.created_at)

    dossier_services.record_event(
        dossier=dossier,
        kind=EventKind.MESSAGE_POSTED,
        actor=author,
        internal=audience == Audience.INTERNAL,
        data={"message_id": message.pk, "type": type, "files": len(saved)},
    )
    dossier_services.note_message_posted(
        dossier=dossier, at=message.created_at, internal=message.audience == Audience.INTERNAL
    )
    notifications.notify_message_posted(message=message)
    if type == MessageType.SERVICE_REQUEST:
        # Once committed, never before: the configurator opens the service order and the
        # « Document de garantie » is queued by whoever connects (communication.signals).
        transaction.on_commit(lambda: _announce_service_request(dossier, message, author))
    return message


def _announce_service_request(dossier: Dossier, message: Message, author: User | None) -> None:
    """After the commit the request is registered whatever a receiver does: one that fails is
    logged, the others still run and the dealer still gets the page."""
    for receiver, result in signals.service_requested.send_robust(
        sender=Message, dossier=dossier, message=message, user=author
    ):
        if isinstance(result, Exception):
            logger.error("service_requested receiver %r failed for message %s", receiver, message.pk, exc_info=result)


@transaction.atomic
def answer_message(*, parent: Message, author: User, body: str, files: Sequence[UploadedFile] = ()) -> Message:
    """A staff answer to a dealer's message (admin): a Remarque under it, mailed to its author."""
    if not author.is_staff:
        raise PermissionDenied("Only staff answer from the admin.")
    if parent.is_internal:  # staff never see these; reaching here is a bug
        raise PermissionDenied("Interne messages are not for staff.")
    return post_message(
        dossier=parent.dossier,
        author=author,
        type=MessageType.REMARK,
        audience=Audience.RENSON,
        body=body,
        files=files,
        parent=parent,
    )


@transaction.atomic
def deactivate_annex(*, message: Message, user: User) -> list[Attachment]:
    """« Désactiver » on an Annexe: all its files, so the annexe leaves the thread (FAQ: « Votre
    annexe est supprimée »). Kept in storage, in the admin and as one Historique event; only
    its author may. Returns the files deactivated now (none on a double click)."""
    locked = Message.objects.select_for_update().select_related("dossier").get(pk=message.pk)
    if locked.type != MessageType.ANNEX or locked.author_id != user.pk:
        raise PermissionDenied("Only its author deactivates an Annexe.")
    files = list(
        Attachment.objects.select_for_update().filter(message=locked, is_active=True, uploaded_by=user).order_by("id")
    )
    if not files:
        return []
    now = timezone.now()
    Attachment.objects.filter(pk__in=[f.pk for f in files]).update(
        is_active=False, deactivated_at=now, deactivated_by=user
    )
    for item in files:
        item.is_active, item.deactivated_at, item.deactivated_by = False, now, user
    dossier_services.record_event(
        dossier=locked.dossier,
        kind=EventKind.ATTACHMENT_DEACTIVATED,
        actor=user,
        internal=locked.is_internal,
        data={
            "message_id": locked.pk,
            "attachment_ids": [f.pk for f in files],
            "name": locked.title or files[0].original_name,
        },
    )
    return files


@transaction.atomic
def deactivate_attachment(*, attachment: Attachment, user: User) -> Attachment:
    """« Désactiver » one file: hidden from the thread, kept in storage and in the admin; only the
    uploader may. An Annexe whose last file goes leaves the thread (``MessageQuerySet.in_thread``);
    a message of another type keeps its text."""
    locked = Attachment.objects.select_for_update().select_related("message__dossier").get(pk=attachment.pk)
    if locked.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the uploader deactivates an attachment.")
    if not locked.is_active:
        return locked  # a double click: nothing more to log
    locked.is_active = False
    locked.deactivated_at = timezone.now()
    locked.deactivated_by = user
    locked.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    dossier_services.record_event(
        dossier=locked.message.dossier,
        kind=EventKind.ATTACHMENT_DEACTIVATED,
        actor=user,
        internal=locked.message.is_internal,
        data={"attachment_id": locked.pk, "message_id": locked.message_id, "name": locked.original_name},
    )
    return locked


COMPLAINT_MOVES: dict[str, set[str]] = {
    ComplaintState.NEW: {ComplaintState.IN_PROGRESS, ComplaintState.RESOLVED, ComplaintState.REJECTED},
    ComplaintState.IN_PROGRESS: {ComplaintState.RESOLVED, ComplaintState.REJECTED},
    # A closed complaint can be taken up again.
    ComplaintState.RESOLVED: {ComplaintState.IN_PROGRESS},
    ComplaintState.REJECTED: {ComplaintState.IN_PROGRESS},
}


class ComplaintMoveRefused(Exception):
    pass


def check_complaint_move(*, previous: str, state: str) -> None:
    """Refuse a move :data:`COMPLAINT_MOVES` does not allow (staying in the same state is allowed)."""
    if state != previous and state not in COMPLAINT_MOVES.get(previous, set()):
        raise ComplaintMoveRefused(
            _("Une plainte « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": ComplaintState(previous).label, "to": ComplaintState(state).label}
        )


@transaction.atomic
def change_complaint_state(*, complaint: Complaint, state: str, handler: User, answer: str | None = None) -> Complaint:
    """Staff move a complaint (new → in progress → resolved/rejected); the dealer gets a mail.

    Setting the state it already has only updates the answer (and mails if it changed).
    """
    if not handler.is_staff:
        raise PermissionDenied("Complaints are processed by staff.")
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    locked_message = Message.objects.select_related("author", "dossier").get(pk=locked.message_id)
    if locked_message.is_internal:
        raise PermissionDenied("Interne messages are not for staff.")
    previous_state, previous_answer = locked.state, locked.answer
    check_complaint_move(previous=previous_state, state=state)
    if answer is not None:
        locked.answer = answer.strip()
    if state == previous_state and locked.answer == previous_answer:
        return locked
    now = timezone.now()
    locked.state = state
    locked.handler = handler
    locked.updated_at = now
    locked.closed_at = now if locked.is_closed else None
    locked.save(update_fields=["state", "answer", "handler", "updated_at", "closed_at"])
    locked.message = locked_message
    notifications.notify_complaint_changed(complaint=locked, previous_state=previous_state)
    return locked
