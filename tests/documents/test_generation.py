"""The pipeline: a card « en cours de génération », then its one PDF; retries, final failure,
regeneration (one card, one file, even two at once) and the Historique."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communication.models import Attachment, Message, MessageType
from configurator import services as configurator_services
from documents import services, tasks
from documents.models import Document, DocumentKind, DocumentState
from dossiers.models import Dossier, EventKind, HistoryEvent
from mailer.models import OutboundMail
from tests.documents.conftest import TODAY, card_of, pdf_text, stored_pdf

pytestmark = pytest.mark.django_db


def _communication(client: Client, dossier: Dossier) -> str:
    response = client.get(reverse("communication:message-list", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _confirmation(dossier: Dossier) -> Document:
    return Document.objects.get(dossier=dossier, kind=DocumentKind.ORDER_CONFIRMATION)


def test_while_generating_the_card_says_so_and_shows_no_file_then_shows_its_pdf(
    with_lines: Dossier, owner: User, owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # The order commits and the confirmation is issued, but no worker has run yet.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        configurator_services.place_order(dossier=with_lines, user=owner, today=TODAY)
    for callback in callbacks:  # order_placed: the document is issued, its generation queued
        with django_capture_on_commit_callbacks(execute=False) as queued:
            callback()
    document = _confirmation(with_lines)
    assert document.state == DocumentState.PENDING
    card = card_of(with_lines, MessageType.ORDER_CONFIRMATION)
    assert card.document_pending and card.author is None
    page = _communication(owner_client, with_lines)
    assert "en cours de génération" in page
    assert "Confirmation de commande" in page
    assert "/attachments/" not in page  # no file, no half-post
    assert not OutboundMail.objects.filter(template="document_ready").exists()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # the worker
    document.refresh_from_db()
    assert document.state == DocumentState.READY
    page = _communication(owner_client, with_lines)
    assert "en cours de génération" not in page
    [attachment] = Attachment.objects.filter(message=card)
    with_lines.refresh_from_db()
    assert attachment.original_name == f"Confirmation de commande {with_lines.order_number}.pdf"
    url = reverse("communication:attachment-download", kwargs={"pk": with_lines.pk, "attachment": attachment.pk})
    assert url in page
    download = owner_client.get(url)
    assert download.status_code == 200
    assert with_lines.order_number in pdf_text(b"".join(download.streaming_content))


def test_a_generation_and_a_regeneration_are_written_in_the_historique(
    ordered: Dossier, staff: User, owner_client: Client, run_on_commit: Callable[..., Any]
) -> None:
    document = _confirmation(ordered)
    run_on_commit(services.regenerate_document, document=document, user=staff)
    events = list(HistoryEvent.objects.filter(dossier=ordered, kind=EventKind.DOCUMENT_GENERATED).order_by("pk"))
    assert [event.description for event in events] == [
        "Confirmation de commande",
        "Confirmation de commande, régénération",
    ]
    assert events[1].actor == staff
    page = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": ordered.pk})).content.decode()
    assert "Confirmation de commande, régénération" in page


def test_regenerating_replaces_the_file_and_keeps_one_card(
    ordered: Dossier, staff: User, owner: User, run_on_commit: Callable[..., Any], settings: Any
) -> None:
    document = _confirmation(ordered)
    first_path = document.file_path
    run_on_commit(services.regenerate_document, document=document, user=staff)
    document.refresh_from_db()
    assert document.state == DocumentState.READY and document.generations == 2
    assert document.file_path == first_path
    assert Message.objects.filter(dossier=ordered, type=MessageType.ORDER_CONFIRMATION).count() == 1
    assert Attachment.objects.filter(message__dossier=ordered).count() == 1
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / Path(first_path).parent
    assert [p.name for p in folder.iterdir()] == [Path(first_path).name]
    # Mailed again with the new file, to the same dealer.
    assert OutboundMail.objects.filter(template="document_ready", recipient=owner.email).count() == 2


def _broken_template(tmp_path: Path, settings: Any, kind: str) -> Path:
    folder = tmp_path / "broken-templates"
    (folder / "pdf").mkdir(parents=True)
    (folder / "pdf" / f"{kind}.html").write_text("{% load i18n %}{% if %}broken{% endif %}")
    django_engine, *others = settings.TEMPLATES  # the Jinja2 engine of the hot fragments stays
    settings.TEMPLATES = [{**django_engine, "DIRS": [folder, *django_engine["DIRS"]]}, *others]
    return folder


def test_a_broken_template_is_retried_then_failed_for_staff_while_the_dealer_only_waits(
    with_lines: Dossier,
    owner: User,
    owner_client: Client,
    backoffice_clerk: User,
    tmp_path: Path,
    settings: Any,
    run_on_commit: Callable[..., Any],
) -> None:
    staff_client = Client()
    staff_client.force_login(backoffice_clerk)
    folder = _broken_template(tmp_path, settings, DocumentKind.ORDER_CONFIRMATION)
    run_on_commit(configurator_services.place_order, dossier=with_lines, user=owner, today=TODAY)
    document = _confirmation(with_lines)
    assert document.state == DocumentState.FAILED
    assert document.attempts == tasks.MAX_RETRIES + 1
    assert document.last_error.startswith("TemplateSyntaxError")
    assert not document.file_path
    # The dealer: « en cours de génération » and nothing else; no mail without its PDF.
    page = _communication(owner_client, with_lines)
    assert "en cours de génération" in page and "TemplateSyntaxError" not in page
    assert not Attachment.objects.filter(message__dossier=with_lines).exists()
    assert not OutboundMail.objects.filter(template="document_ready").exists()
    # Staff: the failed documents, with the error, in the admin list.
    changelist = reverse("admin:documents_document_changelist")
    listed = staff_client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert with_lines.number in listed and "TemplateSyntaxError" in listed
    # Fixed by a deploy, « Régénérer » makes it and mails it.
    (folder / "pdf" / "order_confirmation.html").unlink()
    run_on_commit(staff_client.post, path=changelist, data={"action": "regenerate", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.state == DocumentState.READY and document.last_error == ""
    assert OutboundMail.objects.filter(template="document_ready", recipient=owner.email).count() == 1


def test_storage_down_is_retried_and_recorded_and_no_mail_leaves(
    ordered: Dossier, staff: User, owner: User, tmp_path: Path, settings: Any, run_on_commit: Callable[..., Any]
) -> None:
    document = _confirmation(ordered)
    mails = OutboundMail.objects.count()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage's folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}},
    }
    run_on_commit(services.regenerate_document, document=document, user=staff)
    document.refresh_from_db()
    assert document.state == DocumentState.FAILED
    assert document.attempts == tasks.MAX_RETRIES + 1
    assert "Error" in document.last_error  # NotADirectoryError / FileExistsError from the file system
    assert card_of(ordered, MessageType.ORDER_CONFIRMATION).document_pending
    assert OutboundMail.objects.count() == mails


def test_the_task_does_nothing_for_a_document_already_made(ordered: Dossier) -> None:
    document = _confirmation(ordered)
    assert tasks.generate_document.apply((document.pk,)).get() == "skipped"
    assert tasks.generate_document.apply((0,)).get() == "gone"
    document.refresh_from_db()
    assert document.generations == 1


def test_the_back_off_is_bounded() -> None:
    waits = [tasks.backoff(retry) for retry in range(10)]
    assert waits[: tasks.MAX_RETRIES] == list(tasks.BACKOFF)
    assert max(waits) == tasks.BACKOFF[-1] <= 900


@pytest.mark.django_db(transaction=True)
def test_two_regenerations_at_once_leave_one_card_and_one_file(
    customer: Any, owner: User, staff: User, settings: Any, products: Any
) -> None:
    from tests.configurator.conftest import FIXSCREEN, add, new_dossier

    dossier = new_dossier(customer, owner, products["FX100"])
    add(dossier, owner, products["FX100"], FIXSCREEN)
    configurator_services.place_order(dossier=dossier, user=owner, today=TODAY)  # commits: generated eagerly
    document = _confirmation(dossier)
    assert document.state == DocumentState.READY
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def regenerate() -> None:
        try:
            barrier.wait(timeout=10)
            services.regenerate_document(document=document, user=staff)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=regenerate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    document.refresh_from_db()
    assert document.state == DocumentState.READY
    assert Message.objects.filter(dossier=dossier, type=MessageType.ORDER_CONFIRMATION).count() == 1
    [attachment] = Attachment.objects.filter(message__dossier=dossier)
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / Path(document.file_path).parent
    assert [p.name for p in folder.iterdir()] == [Path(document.file_path).name]
    assert attachment.file.name == document.file_path
    assert dossier.number in pdf_text(stored_pdf(document.file_path))


def test_the_documents_admin_lists_with_filters_and_never_edits(superuser_client: Client, ordered: Dossier) -> None:
    model_admin = admin.site._registry[Document]
    assert {"state", "kind"} <= set(model_admin.list_filter)
    document = _confirmation(ordered)
    page = superuser_client.get(reverse("admin:documents_document_change", args=[document.pk]))
    assert page.status_code == 200
    assert superuser_client.post(reverse("admin:documents_document_change", args=[document.pk])).status_code == 403


def _overview_row(client: Client, dossier: Dossier) -> str:
    page = client.get(reverse("dossiers:dossier-list")).content.decode()
    start = page.index(f'<tr data-dossier="{dossier.number}"')
    return page[start : page.index("</tr>", start)]


def test_a_new_document_file_shows_as_new_in_the_cached_overview(
    ordered: Dossier, staff: User, owner_client: Client, run_on_commit: Callable[..., Any]
) -> None:
    _communication(owner_client, ordered)  # read: nothing new
    assert "unread-marker" not in _overview_row(owner_client, ordered)
    assert "unread-marker" not in _overview_row(owner_client, ordered)  # now from the cache
    run_on_commit(services.regenerate_document, document=_confirmation(ordered), user=staff)
    assert "unread-marker" in _overview_row(owner_client, ordered)


def test_placing_an_order_in_the_portal_only_queues_its_document(
    with_lines: Dossier, owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.celery_publishing import celery_publishing

    url = reverse("configurator:order-place", kwargs={"pk": with_lines.pk})
    # Where a broker is set (production), the request publishes the task and renders nothing.
    with celery_publishing(broker_url="memory://"), django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url)
    assert response.status_code == 302
    document = _confirmation(with_lines)
    assert document.state == DocumentState.PENDING and document.attempts == 0 and not document.file_path
    assert card_of(with_lines, MessageType.ORDER_CONFIRMATION).document_pending


def test_the_sweep_queues_again_a_document_whose_task_was_lost(
    with_lines: Dossier, owner: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        configurator_services.place_order(dossier=with_lines, user=owner, today=TODAY)
    with django_capture_on_commit_callbacks(execute=False):  # the generation's task is lost
        for callback in callbacks:
            callback()
    document = _confirmation(with_lines)
    assert tasks.sweep_pending() == 0  # just queued: its task may still come
    grace = timedelta(seconds=settings.DOCUMENTS_SWEEP_GRACE_SECONDS)
    assert tasks.sweep_pending(now=timezone.now() + grace - timedelta(seconds=5)) == 0
    later = timezone.now() + grace + timedelta(seconds=5)
    assert tasks.sweep_pending(now=later) == 1  # eager here: made at once
    document.refresh_from_db()
    assert document.state == DocumentState.READY
    assert tasks.sweep_pending(now=later) == 0


def test_the_sweep_leaves_a_retry_alone_until_its_back_off_is_over(
    with_lines: Dossier, owner: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        configurator_services.place_order(dossier=with_lines, user=owner, today=TODAY)
    with django_capture_on_commit_callbacks(execute=False):  # the generation's task is not run
        for callback in callbacks:
            callback()
    document = _confirmation(with_lines)
    Document.objects.filter(pk=document.pk).update(attempts=2)  # two tries failed; the third waits 60 s
    grace = timedelta(seconds=settings.DOCUMENTS_SWEEP_GRACE_SECONDS)
    wait = timedelta(seconds=tasks.backoff(1))
    assert tasks.sweep_pending(now=timezone.now() + grace + wait - timedelta(seconds=5)) == 0
    assert tasks.sweep_pending(now=timezone.now() + grace + wait + timedelta(seconds=5)) == 1
    document.refresh_from_db()
    assert document.state == DocumentState.READY
