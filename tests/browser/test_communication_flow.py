"""The FAQ's Communication steps in a real browser, in French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from communication.models import Attachment, Audience, Message, MessageType
from dossiers.models import Dossier

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_communication(page: Any, live_server: Any, dossier: Dossier) -> None:
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Communication", exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def _add(page: Any, kind: str) -> None:
    page.get_by_role("link", name="Ajouter").click()
    page.get_by_label("Type").select_option(label=kind)


def test_annex_remark_and_internal_message_as_in_the_faq(
    page: Any, live_server: Any, owner: User, colleague: User, dossier: Dossier, tmp_path: Path
) -> None:
    colleague.language = "fr"
    colleague.save(update_fields=["language"])
    drawing = tmp_path / "plan façade.pdf"
    drawing.write_bytes(b"%PDF-1.4 plan")

    login(page, live_server, owner)
    _open_communication(page, live_server, dossier)

    # Annexe: « Ajouter », type Annexe, fill the fields, « Fichier », « Enregistrer ».
    _add(page, "Annexe")
    assert page.get_by_label("Destinataires").is_hidden()  # only the Annexe's fields
    page.get_by_label("Titre").fill("Plans")
    page.get_by_label("Fichier").set_input_files(str(drawing))
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("link", name="plan façade.pdf").is_visible()

    # « roue dentée » → « Désactiver »: the annex disappears from the thread.
    page.get_by_role("button", name="Actions de l'annexe Plans").click()
    page.get_by_role("button", name="Désactiver").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("a été désactivée").is_visible()
    assert page.get_by_role("link", name="plan façade.pdf").count() == 0
    assert Attachment.objects.get().is_active is False

    # Remarque, to the contact person at Renson.
    _add(page, "Remarque")
    page.get_by_label("Message").fill("Pouvez-vous confirmer la date de livraison ?")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Pouvez-vous confirmer la date de livraison ?").is_visible()

    # Interne: for the customer's users only.
    _add(page, "Remarque")
    page.get_by_label("Interne").check()
    page.get_by_label("Message").fill("Attention : marge réduite sur ce chantier.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Attention : marge réduite sur ce chantier.").is_visible()
    internal = Message.objects.get(audience=Audience.INTERNAL)
    assert internal.type == MessageType.REMARK

    # A colleague of the same customer reads it.
    page.context.clear_cookies()
    login(page, live_server, colleague)
    _open_communication(page, live_server, dossier)
    card = page.locator(f"#message-{internal.pk}")
    assert card.get_by_text("Attention : marge réduite sur ce chantier.").is_visible()
    assert card.get_by_text("Groupe-cible : Interne").is_visible()
    assert page.get_by_text("Pouvez-vous confirmer la date de livraison ?").is_visible()
