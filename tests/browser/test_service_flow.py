"""The FAQ's « Comment passer une demande de service ? », both procedures, end to end in French as a
dealer would walk them with the demo data (the order and warranty numbers ``seed_demo`` prints):
only visible labels, a real Celery worker delivering the mails to a real SMTP server, PostgreSQL.

Via the original dossier: « Aperçu des dossiers », « Communication », « Ajouter », « Demande de
service », « Enregistrer », then « Configurateur », « Selon numéro de garantie », « Numéro de
garantie », « Passer la commande » with « Votre référence » left empty. Via a new dossier:
« Nouvelle demande », the group and the product « Service », « Selon mesures » with the order
number in « Numéro de garantie », « Passer la commande » with a « Votre référence », and a
« Plainte » in « Communication ». The request brings the « Document de garantie » to
« Communication » and, with its PDF, to the dealer's mailbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from configurator.models import OrderLine, ServiceOrder
from dossiers.models import Dossier, Status
from ereps.management.commands.seed_demo import DEMO_PASSWORD
from tests.documents.conftest import pdf_text
from tests.integration import conftest as integration
from tests.smtp import SmtpSink, body_text

from .conftest import BASE_URL, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(BASE_URL), reason="brings its own Celery worker and SMTP server"),
]

celery_worker_factory = integration.celery_worker_factory
DELIVERY_TIMEOUT = 45.0


def _seed() -> dict[str, str]:
    """Run seed_demo and read what it prints for a new user to try the after-sales flow."""
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    text = out.getvalue()
    order = re.search(r"order number\s+(C\d+)", text)
    found = re.search(r"warranty number\s+(\d{4}-\d-\d{6}-\d)\s+\(([^,]+), (\d+) × (\d+) mm, (RAL \d{4})", text)
    dossier = re.search(r"on dossier (\d+) « ([^»]+) »", text)
    assert order and found and dossier, text
    return {
        "order": order.group(1),
        "warranty": found.group(1),
        "product": found.group(2),
        "width": found.group(3),
        "height": found.group(4),
        "colour": found.group(5),
        "dossier": dossier.group(1),
        "reference": dossier.group(2).strip(),
    }


def _mails_to(sink: SmtpSink, address: str, subject: str) -> Callable[[], list[Any]]:
    return lambda: [m for m in sink.to(address) if subject in str(m["Subject"])]


def _click(page: Any, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def test_both_service_procedures_of_the_faq(
    page: Any, live_server: Any, smtp_sink: SmtpSink, celery_worker_factory: Callable[..., Any], tmp_path: Path
) -> None:
    celery_worker_factory(smtp_port=smtp_sink.port)
    demo = _seed()
    marie = User.objects.get(email="marie@dupont.example")
    original = Dossier.objects.get(number=demo["dossier"])
    assert original.status == Status.COMPLETED and original.order_number == demo["order"]
    login(page, live_server, marie, password=DEMO_PASSWORD)

    # --- Via le dossier d'origine --------------------------------------------------------------
    # 1. Cherchez le dossier d'origine via « Aperçu des dossiers ».
    page.get_by_role("link", name="Aperçu des dossiers").first.click()
    page.get_by_label("Rechercher", exact=True).fill(demo["order"])
    _click(page, "button", "Rechercher")
    _click(page, "link", demo["dossier"])

    # 2. « Communication », « Ajouter », type « Demande de service », « Enregistrer ».
    _click(page, "link", "Communication")
    _click(page, "link", "Ajouter")
    page.get_by_label("Type").select_option(label="Demande de service")
    page.get_by_label("Message").fill("La toile du store de la cuisine est déchirée.")
    _click(page, "button", "Enregistrer")
    expect(page.locator(".status-service_requested").first).to_have_text("Demande de service")
    expect(page.get_by_text(re.compile(r"Plainte\s*:\s*Nouvelle"))).to_be_visible()  # registered automatically

    # The Configurateur is unlocked: « Selon numéro de garantie ». A typo first.
    _click(page, "link", "Configurateur")
    _click(page, "link", "Selon numéro de garantie")
    typo = demo["warranty"][:-1] + str((int(demo["warranty"][-1]) + 1) % 10)
    page.get_by_label("Numéro de garantie", exact=True).fill(typo)
    _click(page, "button", "Rechercher")
    expect(page.locator("#id_number").locator("xpath=..")).to_contain_text("Le chiffre de contrôle ne correspond pas")
    page.get_by_label("Numéro de garantie", exact=True).fill(demo["warranty"])
    _click(page, "button", "Rechercher")
    card = page.locator(".item-card")
    expect(card).to_contain_text(demo["product"])
    expect(card).to_contain_text(f"{demo['width']} × {demo['height']} mm")
    expect(card).to_contain_text(f"{demo['colour']} Blanc signalisation")
    expect(card).to_contain_text("Droite")
    expect(card.get_by_role("img")).to_be_visible()  # the drawing
    parts = page.locator("table.parts")
    expect(parts).to_contain_text("DX-FX10-GDR-S045-C9016")
    expect(parts.locator('tr[data-part="DX-FX10-GDR-S045-C9016"]')).to_contain_text(
        str(int(demo["height"]) - 105)  # the guide's cut length, as the original's
    )
    page.get_by_label("Commander DX-FX10-GDR-S045-C9016").check()
    _click(page, "button", "Enregistrer")
    expect(page.locator(".service-lines")).to_contain_text(demo["warranty"])
    expect(page.locator(".service-lines")).to_contain_text("DX-FX10-GDR-S045-C9016")

    # « Votre référence » left empty: the original order's number and reference.
    expect(page.get_by_label("Votre référence")).to_have_value("")
    _click(page, "button", "Passer la commande")
    expect(page.locator(".alert-success").first).to_contain_text(
        re.compile(rf"Commande de service passée\s*:\s*numéro de commande {demo['order']}")
    )
    original.refresh_from_db()
    assert original.status == Status.ORDERED
    assert (original.linked_order_number, original.linked_reference) == (demo["order"], demo["reference"])
    placed = ServiceOrder.objects.get(dossier=original, placed_at__isnull=False)
    [line] = OrderLine.objects.filter(service_order=placed)
    assert line.snapshot is not None
    assert [(c["code"], c["cut_mm"]) for c in line.snapshot["components"]] == [
        ("DX-FX10-GDR-S045-C9016", int(demo["height"]) - 105)
    ]

    # The contact person at Renson was mailed about the request, through the worker.
    integration.wait_until(
        _mails_to(smtp_sink, "contact@renson.example", f"Demande de service – dossier {demo['dossier']}"),
        DELIVERY_TIMEOUT,
        "the mail about the « Demande de service »",
    )
    [mail] = _mails_to(smtp_sink, "contact@renson.example", f"Demande de service – dossier {demo['dossier']}")()
    assert "La toile du store de la cuisine est déchirée." in body_text(mail)

    # The request brought the « Document de garantie » to « Communication », from Renson.
    _click(page, "link", "Communication")
    card = page.locator("li[data-message-type=warranty_document]")
    expect(card).to_contain_text("Document de garantie")
    name = f"Document de garantie {demo['order']}.pdf"

    def ready() -> bool:
        page.reload()
        return page.get_by_role("link", name=name).count() == 1

    integration.wait_until(ready, DELIVERY_TIMEOUT, "the warranty document's PDF on its card", interval=1.0)
    expect(card).not_to_contain_text("en cours de génération")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=name).click()
    saved = tmp_path / "garantie.pdf"
    download_info.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "Document de garantie" in text and f"Numéro de commande : {demo['order']}" in text
    assert demo["warranty"] in text and demo["product"] in text
    assert f"{demo['width']} × {demo['height']} mm – {demo['colour']} Blanc signalisation – Droite" in text
    assert f"DX-FX10-GDR-S045-C9016 Coulisse 2 {int(demo['height']) - 105}" in text  # code and cut length

    # And in Marie's mailbox, in French, with the same PDF.
    integration.wait_until(
        _mails_to(smtp_sink, marie.email, f"Document de garantie – dossier {demo['dossier']}"),
        DELIVERY_TIMEOUT,
        "the mail with the « Document de garantie »",
    )
    [mail] = _mails_to(smtp_sink, marie.email, f"Document de garantie – dossier {demo['dossier']}")()
    assert mail["Content-Language"] == "fr"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == name
    assert attachment.get_content() == saved.read_bytes()

    # --- Via un nouveau dossier ----------------------------------------------------------------
    # 1. « Nouvelle demande », un groupe de produits, le produit « Service ».
    page.get_by_role("link", name="Aperçu des dossiers").first.click()
    page.get_by_role("link", name="Nouvelle demande").first.click()
    _click(page, "link", "Service")
    page.get_by_label("Service", exact=True).check()
    page.get_by_label("Votre référence").fill("SAV Gérard – moteur")
    _click(page, "button", "Créer le dossier")
    created = Dossier.objects.get(reference="SAV Gérard – moteur")

    # 2. « Configurateur », « Selon mesures »: the order number in « Numéro de garantie ».
    _click(page, "link", "Configurateur")
    _click(page, "link", "Selon mesures")
    page.get_by_label("Numéro de garantie", exact=True).fill(demo["order"])
    page.get_by_label("Largeur (mm)").fill("3000")
    page.get_by_label("Hauteur (mm)").fill(demo["height"])
    _click(page, "button", "Rechercher")
    expect(page.locator("#service-search")).to_contain_text(f"Aucun article de la commande {demo['order']}")
    page.get_by_label("Largeur (mm)").fill(str(int(demo["width"]) + 5))  # measured on site, within ±10 mm
    _click(page, "button", "Rechercher")
    # The demo order has two of them: the portal lists both to choose from.
    expect(page.locator(".candidates li")).to_have_count(2)
    expect(page.locator(".candidates")).to_contain_text(demo["warranty"])
    _click(page, "link", f"Choisir {demo['warranty']}")
    expect(page.locator(".item-card")).to_contain_text(demo["warranty"])
    page.get_by_label(re.compile(r"^Commander DX-MOT-")).check()
    _click(page, "button", "Enregistrer")

    # 3. « Passer la commande », with the reference the dossier was opened with.
    expect(page.get_by_label("Votre référence")).to_have_value("SAV Gérard – moteur")
    _click(page, "button", "Passer la commande")
    created.refresh_from_db()
    assert created.status == Status.ORDERED and created.order_number not in ("", demo["order"])
    assert (created.linked_order_number, created.linked_reference) == (demo["order"], demo["reference"])
    expect(page.locator(".alert-success").first).to_contain_text(f"numéro de commande {created.order_number}")

    # A complaint too: a « Plainte » in « Communication ».
    _click(page, "link", "Communication")
    _click(page, "link", "Ajouter")
    page.get_by_label("Type").select_option(label="Plainte")
    page.get_by_label("Message").fill("Le moteur s'arrête à mi-course.")
    _click(page, "button", "Enregistrer")
    expect(page.get_by_text("Le moteur s'arrête à mi-course.")).to_be_visible()

    # The Information tab and the overview show both orders.
    _click(page, "link", "Information")
    expect(page.locator("dl")).to_contain_text("Commande d'origine")
    expect(page.locator("[data-linked-order]")).to_have_text(demo["order"])
    page.get_by_role("link", name="Aperçu des dossiers").first.click()
    expect(page.locator(f'tr[data-dossier="{created.number}"]')).to_contain_text(f"Commande d'origine {demo['order']}")
    expect(page.locator(f'tr[data-dossier="{original.number}"]')).to_contain_text(
        f"Commande de service {demo['order']}"
    )

    integration.wait_until(
        _mails_to(smtp_sink, "contact@renson.example", f"Plainte – dossier {created.number}"),
        DELIVERY_TIMEOUT,
        "the mail about the « Plainte »",
    )
