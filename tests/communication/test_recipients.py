"""Recipients of an E-mail: comma-separated, validated one by one, bounded, one line."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from communication.recipients import MAX_RECIPIENTS, parse_recipients


def test_addresses_are_split_on_commas_and_deduplicated() -> None:
    assert parse_recipients(" a@example.com, b@example.org ,A@example.com;c@example.net") == [
        "a@example.com",
        "b@example.org",
        "c@example.net",
    ]


@pytest.mark.parametrize("raw", ["a@b.c\r\nBcc: x@y.z", "a@example.com\nBcc: x@y.z", "a@example.com\u2028x@y.z"])
def test_line_breaks_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="retour à la ligne"):
        parse_recipients(raw)


def test_error_names_every_invalid_address() -> None:
    with pytest.raises(ValidationError) as info:
        parse_recipients("ok@example.com, pas-une-adresse, Name <x@y.z>, autre@")
    assert info.value.code == "invalid"
    text = " ".join(info.value.messages)
    assert "pas-une-adresse" in text
    assert "Name <x@y.z>" in text
    assert "autre@" in text
    assert "ok@example.com" not in text


def test_more_than_the_maximum_is_refused() -> None:
    raw = ", ".join(f"user{i}@example.com" for i in range(500))
    with pytest.raises(ValidationError, match=f"Au maximum {MAX_RECIPIENTS} destinataires"):
        parse_recipients(raw)
    assert len(parse_recipients(", ".join(f"user{i}@example.com" for i in range(MAX_RECIPIENTS)))) == MAX_RECIPIENTS


def test_empty_is_refused() -> None:
    with pytest.raises(ValidationError, match="Indiquez au moins un destinataire") as refused:
        parse_recipients(" , ;")
    assert refused.value.code == "required"
