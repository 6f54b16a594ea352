"""The Communication tab of a dossier: thread, « Ajouter », replies, files.

Every view: the dossier through ``get_owned_or_404`` (the customer's), then the message
or file through ``visible_to`` and that dossier, so a foreign id anywhere is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.tenancy import DealerRequest, dealer_required
from dossiers import services as dossier_services
from dossiers.access import get_dossier_or_404
from dossiers.models import Dossier
from dossiers.paging import page_number

from . import services
from .authors import author_name
from .downloads import attachment_response
from .forms import ConfirmForm, MessageForm, ReplyForm, add_service_errors
from .models import Attachment, Message, MessageType, thread_rows
from .thread_cards import render_thread

THREAD_PAGE_SIZE = 50


def _thread_url(dossier: Dossier, message: Message | None = None) -> str:
    url = reverse("communication:message-list", kwargs={"pk": dossier.pk})
    return f"{url}#message-{message.pk}" if message is not None else url


def _form_error(form: MessageForm | ReplyForm, exc: ValidationError | PermissionDenied) -> None:
    """A refusal of the service the form could not foresee (a race): on the form, or a 404."""
    if isinstance(exc, PermissionDenied):
        raise Http404
    if isinstance(form, MessageForm):
        form.add_service_errors(exc)
    else:
        add_service_errors(form, exc)


def _thread_page(request: DealerRequest, dossier: Dossier, number: str | None) -> Page:
    """The page ``number`` of the dealer's thread (page 1 when not a number, the last when past it).

    Each row ends with the thread's number of messages (``thread_rows``): a page that has
    rows needs no COUNT; only a number past the end costs a second query."""
    wanted = max(page_number(number), 1)

    def rows(page_at: int) -> list[tuple[Any, ...]]:
        return thread_rows(
            dossier_id=dossier.pk,
            customer_id=request.customer.pk,
            limit=THREAD_PAGE_SIZE,
            offset=(page_at - 1) * THREAD_PAGE_SIZE,
        )

    found = rows(wanted)
    paginator = Paginator(found, THREAD_PAGE_SIZE)
    if not found and wanted > 1:
        # Past the end: the count comes with any row of the thread.
        first = thread_rows(dossier_id=dossier.pk, customer_id=request.customer.pk, limit=1)
        paginator.count = first[0][-1] if first else 0  # a cached_property: set, it is not computed
        wanted = paginator.num_pages
        found = rows(wanted) if first else []
    else:
        paginator.count = found[0][-1] if found else 0
    return Page(found, wanted, paginator)


@require_GET
@dealer_required
def message_list(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_or_404(request, pk, columns=False, read_state=True)
    page = _thread_page(request, dossier, request.GET.get("page"))
    dossier_services.mark_dossier_seen(user=request.user, dossier=dossier, read=dossier.is_read)  # type: ignore[attr-defined]
    messages_on_page = [row[:-1] for row in page.object_list]  # without the thread's count
    return render(
        request,
        "dossiers/dossier_communication.html",
        {
            "dossier": dossier,
            "tab": "communication",
            "page": page,
            "thread_html": render_thread(request, messages_on_page, dossier_pk=dossier.pk) if messages_on_page else "",
        },
    )


@require_http_methods(["GET", "POST"])
@dealer_required
def message_create(request: DealerRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_or_404(request, pk)
    initial: dict[str, str] = {}
    if request.GET.get("type") in MessageForm.FIELDS_BY_TYPE:
        initial["type"] = request.GET["type"]
    form = MessageForm(
        request.POST or None,
        request.FILES or None,
        dossier=dossier,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.post_message(
                dossier=dossier,
                author=request.user,
                type=data["type"],
                audience=data["audience"],
                title=form.title_value(),
                body=data["body"],
                files=data["file"],
                recipients=data.get("recipient_list", []),
                linked_attachments=list(data["attachments"]),
                idempotency_key=data["form_token"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Votre message a été enregistré."))
            return redirect(_thread_url(dossier, message))
    return render(
        request,
        "communication/message_form.html",
        {"dossier": dossier, "tab": "communication", "form": form, "fields_by_type": MessageForm.FIELDS_BY_TYPE},
    )


@require_http_methods(["GET", "POST"])
@dealer_required
def message_reply(request: DealerRequest, pk: int, message: int) -> HttpResponse:
    dossier = get_dossier_or_404(request, pk)
    parent = get_object_or_404(
        Message.objects.visible_to(request.user).in_thread().select_related("author"), pk=message, dossier=dossier
    )
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.post_message(
                dossier=dossier,
                author=request.user,
                type=MessageType.REMARK,
                audience=parent.audience,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["file"],
                parent=parent,
                idempotency_key=form.cleaned_data["form_token"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Votre réponse a été enregistrée."))
            return redirect(_thread_url(dossier, reply))
    return render(
        request,
        "communication/message_reply.html",
        {
            "dossier": dossier,
            "tab": "communication",
            "form": form,
            "parent": parent,
            "parent_author": author_name(parent.author),
        },
    )


def _attachment(request: DealerRequest, dossier: Dossier, attachment: int) -> Attachment:
    queryset = Attachment.objects.visible_to(request.user).active().select_related("message")
    return get_object_or_404(queryset, pk=attachment, message__dossier=dossier)


@require_GET
@dealer_required
def attachment_download(request: DealerRequest, pk: int, attachment: int) -> HttpResponseBase:
    dossier = get_dossier_or_404(request, pk)
    return attachment_response(_attachment(request, dossier, attachment))


@require_http_methods(["GET", "POST"])
@dealer_required
def attachment_deactivate(request: DealerRequest, pk: int, attachment: int) -> HttpResponse:
    """GET: a confirmation page (works without JavaScript); POST: « Désactiver »."""
    dossier = get_dossier_or_404(request, pk)
    item = _attachment(request, dossier, attachment)
    if item.uploaded_by_id != request.user.pk:
        raise Http404  # only the uploader may, and others need not know the file is there
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.deactivate_attachment(attachment=item, user=request.user)
        messages.success(request, _("L'annexe « %(name)s » a été désactivée.") % {"name": item.original_name})
        return redirect(_thread_url(dossier))
    return render(
        request,
        "communication/attachment_deactivate.html",
        {"dossier": dossier, "tab": "communication", "name": item.original_name, "form": form},
    )


@require_http_methods(["GET", "POST"])
@dealer_required
def annex_deactivate(request: DealerRequest, pk: int, message: int) -> HttpResponse:
    """The gear of an Annexe card. GET: a confirmation page (works without JavaScript);
    POST: « Désactiver » every file of the annexe, which then leaves the thread."""
    dossier = get_dossier_or_404(request, pk)
    annex = get_object_or_404(
        Message.objects.visible_to(request.user).in_thread(), pk=message, dossier=dossier, type=MessageType.ANNEX
    )
    if annex.author_id != request.user.pk:
        raise Http404  # only its author may, as for a single file
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.deactivate_annex(message=annex, user=request.user)
        messages.success(request, _("L'annexe « %(name)s » a été désactivée.") % {"name": annex.title})
        return redirect(_thread_url(dossier))
    return render(
        request,
        "communication/attachment_deactivate.html",
        {"dossier": dossier, "tab": "communication", "name": annex.title, "form": form},
    )
