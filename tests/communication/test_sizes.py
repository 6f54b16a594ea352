"""File sizes as each language writes them: « 2,0 Ko », « 25 Mo » in French, kB/MB elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from communication.models import Message, MessageType
from communication.sizes import file_size
from communication.uploads import check_uploads
from dossiers.models import Dossier

from .conftest import upload

NB = "\u00a0"
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("language", "size", "expected"),
    [
        ("fr", 2048, f"2,0{NB}Ko"),
        ("fr", 25 * MB, f"25{NB}Mo"),
        ("fr", 512, f"512{NB}o"),
        ("fr", int(2.4 * MB), f"2,4{NB}Mo"),
        ("nl", 2048, f"2,0{NB}kB"),
        ("nl", 25 * MB, f"25{NB}MB"),
        ("de", int(1.5 * 1024), f"1,5{NB}kB"),
        ("de", 25 * MB, f"25{NB}MB"),
        ("en", 2048, f"2.0{NB}kB"),
        ("en", 25 * MB, f"25{NB}MB"),
        ("en", 3 * 1024 * MB, f"3.0{NB}GB"),
        ("en", 512, f"512{NB}B"),
        # 1023.99 kB rounds up to the next unit rather than reading « 1024 Ko ».
        ("fr", 1024 * 1024 - 5, f"1,0{NB}Mo"),
        ("fr", 0, f"0{NB}o"),
    ],
)
def test_file_size_reads_as_the_language_writes_it(language: str, size: int, expected: str) -> None:
    with translation.override(language):
        assert file_size(size) == expected


@pytest.mark.parametrize(
    ("language", "limit"), [("fr", f"25{NB}Mo"), ("nl", f"25{NB}MB"), ("de", f"25{NB}MB"), ("en", f"25{NB}MB")]
)
def test_upload_limit_error_names_the_limit_in_the_language(settings, language: str, limit: str) -> None:
    settings.ATTACHMENT_MAX_BYTES = 25 * MB
    big = upload("grand.pdf")
    big.size = 26 * MB
    with translation.override(language), pytest.raises(ValidationError) as raised:
        check_uploads([big])
    assert limit in raised.value.messages[0]
    assert "Mio" not in raised.value.messages[0] and "MiB" not in raised.value.messages[0]


@pytest.mark.django_db
def test_thread_and_form_show_sizes_in_the_readers_language(
    owner: User, owner_client: Client, dossier: Dossier, post: Callable[..., Message]
) -> None:
    post(type=MessageType.ANNEX, title="Plans", files=[upload("plan.pdf", b"x" * 2048)])
    thread = reverse("communication:message-list", kwargs={"pk": dossier.pk})
    add = reverse("communication:message-create", kwargs={"pk": dossier.pk})
    assert f"2,0{NB}Ko" in owner_client.get(thread).content.decode()
    assert f"25{NB}Mo" in owner_client.get(add).content.decode()
    owner.language = "en"
    owner.save(update_fields=["language"])
    assert f"2.0{NB}kB" in owner_client.get(thread).content.decode()
    assert f"25{NB}MB" in owner_client.get(add).content.decode()
