"""/healthz and /readyz: what a load balancer and an orchestrator ask each web node."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ops import health, heartbeat
from tests.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_migrations_result() -> Iterator[None]:
    health._migrations_applied = False
    yield
    health._migrations_applied = False


def test_healthz_answers_without_touching_the_database(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


def test_probes_answer_a_balancer_over_http_with_the_node_address_as_host(client: Client, settings: Any) -> None:
    # Production settings: HTTPS redirect on, the node's own address not an allowed host.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["ereps.example.com"]
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8001")
        assert response.status_code == 200, path
    # Everything else still gets the host check and the redirect.
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.5:8001").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="ereps.example.com").status_code == 301


def test_readyz_is_ok_when_every_part_answers(client: Client) -> None:
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "storage"}


def test_readyz_names_the_cache_when_redis_is_unreachable(client: Client, settings: Any) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": dead}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert "ConnectionError" in response.json()["checks"]["cache"]


def test_readyz_names_the_broker_when_it_is_unreachable(client: Client, settings: Any) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_names_the_storage_when_the_upload_folder_cannot_exist(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_readyz_names_the_migrations_when_one_is_not_applied(client: Client) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'mailer' AND name = '0002_outboundmail_table_internal'"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == "1 not applied: mailer.0002_outboundmail_table_internal"


def test_dead_workers_are_reported_but_do_not_make_the_node_unready(client: Client) -> None:
    body = client.get("/readyz").json()
    assert body["workers"] == {"ok": False, "detail": "no heartbeat recorded"}
    heartbeat.record(worker="celery@worker-1", now=0)  # long ago
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["workers"]["ok"] is False
    assert "from celery@worker-1" in response.json()["workers"]["detail"]
    heartbeat.record(worker="celery@worker-2")
    assert client.get("/readyz").json()["workers"]["ok"] is True


@pytest.fixture
def s3_bucket(settings: Any) -> Iterator[tuple[Any, str]]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    )
    client.create_bucket(Bucket="ereps-ready")
    options = {"bucket_name": "ereps-ready", "endpoint_url": endpoint, "region_name": "us-east-1"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "access_key": "k", "secret_key": "s"},
        },
    }
    try:
        yield client, "ereps-ready"
    finally:
        server.stop()


@pytest.mark.integration
def test_readyz_checks_the_s3_bucket(client: Client, s3_bucket: tuple[Any, str]) -> None:
    s3, bucket = s3_bucket
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    s3.delete_bucket(Bucket=bucket)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
