"""With DEBUG off, each web process serves the static files itself (WhiteNoise): hashed
names cached for a year, compressed, after collectstatic. Without it a production
install had no CSS at all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(settings: Any, tmp_path: Path) -> Path:
    assert settings.DEBUG is False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


def test_pages_link_hashed_files_that_the_web_process_serves_compressed(collected: Path) -> None:
    client = Client()  # a new handler: WhiteNoise indexes the collected files
    page = client.get("/accounts/login/").content.decode()
    [css] = re.findall(r'href="(/static/css/ereps\.[0-9a-f]{12}\.css)"', page)
    response = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert (collected / css.removeprefix("/static/")).with_suffix(".css.gz").exists()


def test_an_unhashed_name_is_served_briefly_cached(collected: Path) -> None:
    response = Client().get("/static/css/ereps.css")
    assert response.status_code == 200
    assert "immutable" not in response.get("Cache-Control", "")
