"""Row URLs built from one reverse() are the URLs reverse() gives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.links import url_maker


@pytest.mark.parametrize(
    "name", ["dossiers:dossier-detail", "dossiers:dossier-favourite", "communication:message-list"]
)
def test_dossier_urls_match_reverse(name: str) -> None:
    url = url_maker(name)
    for pk in (1, 0, 42, 2026000001):
        assert url(pk) == reverse(name, kwargs={"pk": pk})


def test_urls_of_a_dossiers_files_match_reverse() -> None:
    url = url_maker("communication:attachment-download", "attachment", pk=7)
    for attachment in (7, 70, 1):
        assert url(attachment) == reverse(
            "communication:attachment-download", kwargs={"pk": 7, "attachment": attachment}
        )
