"""The documents' panel of the staff page « État du service »: waiting, overdue and failed documents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from documents.models import Document, DocumentKind, DocumentState
from dossiers.models import Dossier
from ops import status
from tests.factories import DossierFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:status")


def _document(dossier: Dossier, key: str, state: str = DocumentState.PENDING, **fields: Any) -> Document:
    document = Document.objects.create(
        dossier=dossier, kind=DocumentKind.INVOICE, key=key, number=key, language="fr", state=state
    )
    if fields:
        Document.objects.filter(pk=document.pk).update(**fields)  # past updated_at: no auto_now
    return document


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _panel(page: str) -> str:
    start = page.index('id="panel-documentsdocuments"')
    return page[start : page.index("</section>", start)]


def _alert(page: str) -> bool:
    """The panel's section is marked « à surveiller »."""
    at = page.index('id="panel-documentsdocuments"')
    return "status-alert" in page[at - 80 : at]


def test_the_documents_registered_their_panel_after_the_outbox() -> None:
    keys = [panel.key for panel in status.registered()]
    assert keys.index("mailer.outbox") < keys.index("documents.documents")


def test_pending_overdue_and_failed_documents_within_the_query_budget(
    backoffice_viewer: User, dossier: Dossier, django_assert_max_num_queries: Any, settings: Any
) -> None:
    late = settings.DOCUMENTS_SWEEP_GRACE_SECONDS + settings.DOCUMENTS_SWEEP_INTERVAL_SECONDS
    long_ago = timezone.now() - timedelta(seconds=late + 60)
    _document(dossier, "F-1")  # just queued
    # Two tries failed; the third is due 60 s after the second failure: not late yet.
    _document(dossier, "F-2", attempts=2, updated_at=timezone.now() - timedelta(seconds=late + 30))
    _document(dossier, "F-3", updated_at=long_ago, created_at=long_ago)  # its task was lost
    _document(dossier, "F-4", state=DocumentState.READY)
    failed = _document(dossier, "F-5", state=DocumentState.FAILED, attempts=5, last_error="OSError: S3 unreachable")
    client = _client(backoffice_viewer)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert "En cours de génération</a></th><td>3 (le plus ancien depuis " in panel
    assert "Dont après un essai manqué</th><td>1</td>" in panel
    assert f"Dont en retard de plus de {late}\u00a0s</th><td><strong>1</strong>" in panel
    assert "En échec</a></th><td><strong>1</strong>" in panel
    assert reverse("admin:documents_document_change", args=[failed.pk]) in panel
    assert "Facture F-5</td><td>5</td><td>OSError: S3 unreachable" in panel
    assert "?state__exact=failed" in panel and "?state__exact=pending" in panel
    assert _alert(response.content.decode())


def test_nothing_to_watch_is_no_alert(backoffice_viewer: User, dossier: Dossier) -> None:
    _document(dossier, "F-1", state=DocumentState.READY)
    _document(dossier, "F-2")  # waiting for its worker: normal
    page = _client(backoffice_viewer).get(URL).content.decode()
    panel = _panel(page)
    assert "En échec</a></th><td>0</td>" in panel and "Derniers documents en échec" not in panel
    assert not _alert(page)


def test_the_budget_holds_with_many_failed_documents(superuser: User, django_assert_max_num_queries: Any) -> None:
    for n in range(30):
        _document(DossierFactory(), f"F-{n}", state=DocumentState.FAILED, last_error="timeout")
    client = _client(superuser)
    with django_assert_max_num_queries(10):
        page = client.get(URL).content.decode()
    assert _panel(page).count("<td>timeout</td>") == 10


def test_shown_only_to_staff_who_may_see_the_documents(db: None) -> None:
    bare_staff = StaffFactory.create(email="nobody@renson.example")
    assert "panel-documentsdocuments" not in _client(bare_staff).get(URL).content.decode()
