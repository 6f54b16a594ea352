"""The unread marker's inputs: the dossier's last message time and the reader's mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, DossierSeen

pytestmark = pytest.mark.django_db


def test_note_message_posted_bumps_last_message_and_activity(dossier: Dossier) -> None:
    at = timezone.now() + timedelta(minutes=5)
    services.note_message_posted(dossier=dossier, at=at)
    dossier.refresh_from_db()
    assert dossier.last_message_at == at
    assert dossier.last_activity_at == at


def test_mark_dossier_seen_upserts_one_row_per_user(dossier: Dossier, owner: User, colleague: User) -> None:
    services.note_message_posted(dossier=dossier, at=timezone.now())
    services.mark_dossier_seen(user=owner, dossier=dossier)
    first = DossierSeen.objects.get(user=owner, dossier=dossier).seen_at
    services.note_message_posted(dossier=dossier, at=timezone.now())
    services.mark_dossier_seen(user=owner, dossier=dossier)
    services.mark_dossier_seen(user=colleague, dossier=dossier)
    assert DossierSeen.objects.filter(dossier=dossier).count() == 2
    assert DossierSeen.objects.get(user=owner, dossier=dossier).seen_at > first


def test_mark_dossier_seen_writes_only_when_something_is_unread(dossier: Dossier, owner: User) -> None:
    services.mark_dossier_seen(user=owner, dossier=dossier)  # no message at all
    assert not DossierSeen.objects.filter(user=owner).exists()
    services.note_message_posted(dossier=dossier, at=timezone.now())
    services.mark_dossier_seen(user=owner, dossier=dossier)
    first = DossierSeen.objects.get(user=owner, dossier=dossier).seen_at
    services.mark_dossier_seen(user=owner, dossier=dossier)  # read already: left alone
    assert DossierSeen.objects.get(user=owner, dossier=dossier).seen_at == first
