"""File names as uploaded: no path, no control or bidi characters, extension kept."""

from __future__ import annotations

import pytest

from communication.files import sanitise_filename, storage_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plan.pdf", "plan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\marie\\plan final.dwg", "plan final.dwg"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("x.pdf.html", "x.pdf.html"),
        ("a\r\nb\x00.txt", "ab.txt"),
        ("..", "fichier"),
        ("", "fichier"),
        ("   .hidden", "hidden"),
        ("photo.JPG", "photo.JPG"),
        ("Ülkü façade.png", "Ülkü façade.png"),
    ],
)
def test_sanitise_filename(raw: str, expected: str) -> None:
    assert sanitise_filename(raw) == expected


def test_long_names_are_cut_but_keep_their_extension() -> None:
    name = sanitise_filename("a" * 400 + ".pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ülkü façade.png", "Ulku_facade.png"), ("@@@", "fichier"), ("plan v2.pdf", "plan_v2.pdf"), ("日本.pdf", "pdf")],
)
def test_storage_filename_is_ascii(raw: str, expected: str) -> None:
    result = storage_filename(raw)
    assert result.isascii()
    assert result == expected
