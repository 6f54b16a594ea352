"""The FAQ's steps with the keyboard only: Tab to move, Enter to act, and every element that
takes the focus shows it. Log in, open a dossier, open Communication, add a Remarque, use the
gear of an Annexe → « Désactiver », star a dossier."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from communication import services
from communication.models import Attachment, Message, MessageType
from dossiers.models import Favourite
from tests.factories import PASSWORD, DossierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element is called and whether its focus shows: an outline or a ring
# (box-shadow) that differs from how it looks unfocused.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  return {name: name.replace(/\\s+/g, " "), tag: el.tagName, visible: outline || ring};
}"""
MAX_TABS = 80


def _called(focused: dict[str, Any], name: str) -> bool:
    # A required field's label ends with crispy-forms' « * ».
    return str(focused["name"]).removesuffix("*").strip() == name


def tab_to(page: Any, name: str) -> dict[str, Any]:
    """Press Tab until the element called ``name`` has the focus (it may have it already, as
    the login form's first field); each stop must show its focus."""
    focused = page.evaluate(FOCUSED)
    if focused is not None and _called(focused, name):
        return dict(focused)
    passed = []
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"no visible focus on {focused}"
        passed.append(focused["name"])
        if _called(focused, name):
            return dict(focused)
    raise AssertionError(f"« {name} » not reached with Tab; passed: {passed}")


def enter(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_faq_with_the_keyboard_only(page: Any, live_server: Any, owner: User) -> None:
    dossier = DossierFactory(customer=owner.customer, reference="Villa Leroy", created_by=owner)
    other = DossierFactory(customer=owner.customer, reference="École Saint-Jean")
    annex = services.post_message(
        dossier=dossier,
        author=owner,
        type=MessageType.ANNEX,
        title="Photo du chantier",
        files=[SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff photo")],
    )

    # Log in.
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "Adresse e-mail")
    page.keyboard.type(owner.email)
    tab_to(page, "Mot de passe")
    page.keyboard.type(PASSWORD)
    tab_to(page, "Se connecter")
    enter(page)
    assert page.get_by_role("heading", name="Aperçu des dossiers").is_visible()

    # Open the dossier.
    tab_to(page, dossier.number)
    enter(page)
    assert page.get_by_role("heading", name=f"Dossier {dossier.number}").is_visible()

    # Open Communication and add a Remarque (the default type).
    tab_to(page, "Communication")
    enter(page)
    tab_to(page, "Ajouter")
    enter(page)
    assert page.get_by_label("Type").input_value() == MessageType.REMARK
    tab_to(page, "Message")
    page.keyboard.type("Pouvez-vous confirmer la date de pose ?")
    tab_to(page, "Enregistrer")
    enter(page)
    assert page.get_by_text("Pouvez-vous confirmer la date de pose ?").is_visible()
    assert Message.objects.filter(type=MessageType.REMARK, body="Pouvez-vous confirmer la date de pose ?").exists()

    # The gear of the Annexe → « Désactiver ».
    tab_to(page, "Actions de l'annexe Photo du chantier")
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Désactiver").is_visible()
    tab_to(page, "Désactiver")
    enter(page)
    assert page.get_by_text("a été désactivée").is_visible()
    assert page.locator(f"#message-{annex.pk}").count() == 0
    assert not Attachment.objects.filter(message=annex, is_active=True).exists()

    # Star a dossier from the overview.
    tab_to(page, "Aperçu des dossiers")
    enter(page)
    tab_to(page, f"Ajouter aux favoris {other.number}")
    enter(page)
    assert (
        page.get_by_role("button", name=f"Retirer des favoris {other.number}").get_attribute("aria-pressed") == "true"
    )
    assert Favourite.objects.filter(user=owner, dossier=other).exists()
