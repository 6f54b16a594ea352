"""« Copier le dossier » at most COPY_DOSSIER_LIMIT_PER_HOUR times per user per hour."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _copy(client: Client, dossier: Dossier) -> Any:
    return client.post(reverse("dossiers:dossier-copy", kwargs={"pk": dossier.pk}), follow=True)


def test_copies_beyond_the_hourly_limit_are_refused_with_a_message(
    owner_client: Client, colleague_client: Client, dossier: Dossier, settings: Any
) -> None:
    settings.COPY_DOSSIER_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert "a été créé, copie du dossier" in _copy(owner_client, dossier).content.decode()
    response = _copy(owner_client, dossier)
    assert response.redirect_chain[-1][0] == reverse("dossiers:dossier-detail", kwargs={"pk": dossier.pk})
    assert "Limite atteinte\xa0: au maximum 2 copies de dossier par heure. Réessayez plus tard." in (
        response.content.decode()
    )
    assert Dossier.objects.count() == 3  # the original and two copies
    # The budget is per user: a colleague may still copy.
    _copy(colleague_client, dossier)
    assert Dossier.objects.count() == 4


def test_the_refusal_is_in_the_users_language(colleague: User, dossier: Dossier, settings: Any) -> None:
    settings.COPY_DOSSIER_LIMIT_PER_HOUR = 1
    client = Client()
    client.force_login(colleague)  # a Dutch-speaking dealer
    _copy(client, dossier)
    page = _copy(client, dossier).content.decode()
    assert "Limiet bereikt" in page
