"""Attachments on S3 (django-storages) against moto's S3 server: upload, then a signed URL."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from communication.models import Attachment, Message
from dossiers.models import Dossier
from tests.smtp import free_port

from .conftest import upload

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

BUCKET = "ereps-test-attachments"


@pytest.fixture
def s3(settings: Any) -> Iterator[str]:
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": None,
                    "querystring_auth": True,
                    "querystring_expire": 60,
                    "file_overwrite": False,
                },
            },
        }
        yield endpoint
    finally:
        server.stop()


def test_annex_on_s3_is_downloaded_through_a_short_lived_signed_url(
    s3: str, owner_client: Client, dossier: Dossier, outsider_client: Client
) -> None:
    add = reverse("communication:message-create", kwargs={"pk": dossier.pk})
    token = str(owner_client.get(add).context["form"].initial["form_token"])
    content = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    response = owner_client.post(
        add,
        {
            "form_token": token,
            "type": "annex",
            "audience": "renson",
            "title": "Logo",
            "file": [upload("../logo été.svg", content, "image/svg+xml")],
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "logo été.svg"
    assert attachment.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert attachment.file.storage.__class__.__name__ == "S3Storage"

    url = reverse("communication:attachment-download", kwargs={"pk": dossier.pk, "attachment": attachment.pk})
    assert outsider_client.get(url).status_code == 404
    redirect = owner_client.get(url)
    assert redirect.status_code == 302
    location = redirect["Location"]
    assert location.startswith(s3)
    query = parse_qs(urlparse(location).query)
    if "X-Amz-Expires" in query:  # SigV4: a duration
        assert int(query["X-Amz-Expires"][0]) <= 300
    else:  # SigV2: an absolute time
        assert int(query["Expires"][0]) - time.time() <= 300
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"][0].startswith("attachment;")

    with urllib.request.urlopen(location, timeout=10) as signed:
        assert signed.read() == content
        assert signed.headers["Content-Type"] == "application/octet-stream"
        assert signed.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''logo%20%C3%A9t%C3%A9.svg" in signed.headers["Content-Disposition"]

    # Without the signature the object is private.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(location.split("?")[0], timeout=10)
    assert Message.objects.get().attachments.count() == 1
