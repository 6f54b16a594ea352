"""French typography: a no-break space (U+00A0) before : ; ! ? and inside « », so that
« Interne » never breaks with its » alone on the next line. Other languages put no space
before a colon: templates never hard-code one, the colon belongs to the translated string.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
TEMPLATES = ROOT / "templates"

# A plain space (or a narrow no-break space, which we do not use) where French wants U+00A0.
_BREAKABLE_BEFORE = re.compile(r"[ \u202f]+[:;!?»]")
_BREAKABLE_AFTER = re.compile(r"«[ \u202f]")
# Any space before a colon or semicolon, for the other languages.
_SPACE_BEFORE_COLON = re.compile(r"[ \u00a0\u202f][:;]")


def french_faults(text: str) -> list[str]:
    """The places in ``text`` where French typography wants a no-break space, with some context."""
    found = []
    for pattern in (_BREAKABLE_BEFORE, _BREAKABLE_AFTER):
        for match in pattern.finditer(text):
            found.append(text[max(match.start() - 20, 0) : match.end() + 10])
    return found


def _french_po() -> polib.POFile:
    return polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize(
    ("text", "faulty"),
    [
        ("Groupe-cible : Interne", True),
        ("Groupe-cible\u00a0: Interne", False),
        ("le groupe-cible « Interne »", True),
        ("le groupe-cible «\u00a0Interne\u00a0»", False),
        ("Mot de passe oublié ?", True),
        ("http://example.com:8000", False),
    ],
)
def test_the_check_itself(text: str, faulty: bool) -> None:
    assert bool(french_faults(text)) is faulty


def test_french_source_strings_use_no_break_spaces() -> None:
    """Every msgid (the French text in the code and templates) and every French msgstr."""
    faults = {}
    for entry in _french_po():
        for text in (entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()):
            if text and french_faults(text):
                faults[entry.msgid] = french_faults(text)
    assert not faults, faults


def test_the_compiled_french_catalogue_gives_no_break_spaces() -> None:
    """What a French reader gets at run time: the compiled catalogues (ours over Django's), every string."""
    faults = {}
    with translation.override("fr"):
        for entry in _french_po():
            if entry.msgid_plural and entry.msgctxt:
                texts = [translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            elif entry.msgid_plural:
                texts = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            elif entry.msgctxt:
                texts = [translation.pgettext(entry.msgctxt, entry.msgid)]
            else:
                texts = [translation.gettext(entry.msgid)]
            for text in texts:
                if french_faults(text):
                    faults[entry.msgid] = french_faults(text)
    assert not faults, faults


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_other_languages_put_no_space_before_a_colon(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    faults = [
        text
        for entry in po
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        if _SPACE_BEFORE_COLON.search(text) or "«" in text or "»" in text
    ]
    assert not faults, faults


def _literal_text(template: str) -> str:
    """A template's own text: without its tags, variables and comments (which are code or translated)."""
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", " ", template, flags=re.S)
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    text = re.sub(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", "\x00", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", "\x00", text, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "\x00", text, flags=re.S)


def test_templates_hard_code_no_colon_after_a_translated_label() -> None:
    """« {% translate "Référence" %} : {{ x }} » would put the French space in every language."""
    faults = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        for number, line in enumerate(_literal_text(path.read_text()).splitlines(), start=1):
            # A tag or a variable, then a colon: the colon was typed outside the translation.
            if re.search(r"\x00[ \u00a0\u202f]*[:;]", line):
                faults.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not faults, "\n".join(faults)
