"""Fixtures of the communication tests: messages posted through the services, files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from communication import services
from communication.models import Audience, Message, MessageType
from dossiers.models import Dossier


def upload(name: str = "plan.pdf", content: bytes = b"%PDF-1.4 plan", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_codes(exc: ValidationError) -> dict[str, list[str | None]]:
    """What a service refused, as ``{argument: [code, …]}`` (``__all__``: the whole message)."""
    return {name: [error.code for error in errors] for name, errors in exc.error_dict.items()}


@pytest.fixture
def post(dossier: Dossier, owner: User) -> Callable[..., Message]:
    """Post through the service: ``post(type=..., author=..., **fields)``, defaults owner/remark."""

    def _post(**kwargs: Any) -> Message:
        params: dict[str, Any] = {
            "dossier": dossier,
            "author": owner,
            "type": MessageType.REMARK,
            "audience": Audience.RENSON,
            "body": "Bonjour",
        }
        params.update(kwargs)
        return services.post_message(**params)

    return _post


@pytest.fixture
def annex(post: Callable[..., Message]) -> Message:
    return post(type=MessageType.ANNEX, title="Plans", body="", files=[upload()])


@pytest.fixture
def internal_annex(post: Callable[..., Message], colleague: User) -> Message:
    return post(
        type=MessageType.ANNEX,
        title="Marge interne",
        body="Ne pas montrer à Renson",
        audience=Audience.INTERNAL,
        author=colleague,
        files=[upload("marges.xlsx", b"secret margins", "application/vnd.ms-excel")],
    )
