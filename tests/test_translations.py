"""Every UI string exists in nl, de and en (French is the source language), and the
glossary's binding terms are translated as PRODUCT.md says."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ["nl", "de", "en"]

GLOSSARY = {
    "Aperçu des dossiers": {"nl": "Dossieroverzicht", "de": "Dossierübersicht", "en": "Dossier overview"},
    "Configurateur": {"nl": "Configurator", "de": "Konfigurator", "en": "Configurator"},
    "Communication": {"nl": "Communicatie", "de": "Kommunikation", "en": "Communication"},
    "Historique": {"nl": "Historiek", "de": "Verlauf", "en": "History"},
    "Votre référence": {"nl": "Uw referentie", "de": "Ihre Referenz", "en": "Your reference"},
    "Terminé": {"nl": "Afgewerkt", "de": "Abgeschlossen", "en": "Completed"},
    "Demande de service": {"nl": "Serviceaanvraag", "de": "Serviceanfrage", "en": "Service request"},
    "Annulé": {"nl": "Geannuleerd", "de": "Storniert", "en": "Cancelled"},
    "Commandé": {"nl": "Besteld", "de": "Bestellt", "en": "Ordered"},
    "Enregistrer": {"nl": "Opslaan", "de": "Speichern", "en": "Save"},
}


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    po = _catalogue(language)
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_terms(language: str) -> None:
    po = _catalogue(language)
    found = {e.msgid: e.msgstr for e in po if e.msgid in GLOSSARY and not e.msgctxt and not e.obsolete}
    missing = sorted(set(GLOSSARY) - set(found))
    assert not missing, f"glossary terms missing from the {language} catalogue: {missing}"
    for msgid, translations in GLOSSARY.items():
        assert found[msgid] == translations[language], (language, msgid, found[msgid])


@pytest.mark.parametrize("language", [*LANGUAGES, "fr"])
def test_catalogue_compiles_cleanly(language: str) -> None:
    po_file = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
