"""The demo seed (``manage.py seed_demo``, in the ereps app: it uses every app of the portal)."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command, get_commands
from django.test import Client

from accounts.models import Customer, User
from communication.models import DOCUMENT_TYPES, Audience, Message
from dossiers.models import Dossier, Status


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_with_debug_off(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        _call("seed_demo")


def test_seed_demo_is_idempotent_and_prints_logins(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = _call("seed_demo")
    assert "marie@dupont.example" in out and "demo-ereps-2026" in out
    counts = (Customer.objects.count(), User.objects.count(), Dossier.objects.count())
    _call("seed_demo", "--force")
    assert (Customer.objects.count(), User.objects.count(), Dossier.objects.count()) == counts
    assert counts[0] >= 2
    first = Customer.objects.get(number="100200")
    assert first.users.count() == 2
    assert Customer.objects.get(number="300400").users.count() == 1
    assert User.objects.filter(is_superuser=True).exists()
    assert Dossier.objects.filter(status=Status.COMPLETED).exists()
    assert Dossier.objects.values("status").distinct().count() >= 5
    client = Client()
    response = client.post("/accounts/login/", {"username": "marie@dupont.example", "password": "demo-ereps-2026"})
    assert response.status_code == 302


def test_seed_demo_gives_the_contact_person_a_thread_to_answer(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    _call("seed_demo")
    staff = User.objects.get(email="contact@renson.example")
    assert staff.has_perm("communication.change_message")
    # The demo thread; the generated documents' cards are counted in the documents' test below.
    thread = Message.objects.filter(dossier__customer__number="100200").exclude(type__in=DOCUMENT_TYPES)
    assert thread.count() == 4
    assert thread.filter(audience=Audience.INTERNAL).count() == 1
    assert thread.filter(author=staff, parent__isnull=False).exists()


def test_the_benchmark_data_command_exists_only_with_the_bench_settings() -> None:
    assert "bench" not in django_settings.INSTALLED_APPS
    assert get_commands()["seed_demo"] == "ereps"
    assert "bench_data" not in get_commands()


def test_seed_demo_orders_every_dossier_past_offre_through_passer_la_commande(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    from catalogue.models import CatalogueVersion, Product
    from configurator.models import OrderLine, WarrantyItem
    from configurator.warranty import normalise

    settings.DEBUG = True
    out = _call("seed_demo")
    assert CatalogueVersion.objects.get().source == "demo.yaml"
    assert {"FX100", "FX150", "TPFX", "ALGV", "CAMG", "LOGG", "INVV", "HBX3", "SRV"} <= set(
        Product.objects.active().values_list("code", flat=True)
    )
    ordered = Dossier.objects.filter(
        status__in=[Status.ORDERED, Status.IN_PRODUCTION, Status.DELIVERED, Status.COMPLETED]
    )
    assert ordered.count() == 10  # five per customer
    for dossier in ordered:
        lines = list(OrderLine.objects.filter(dossier=dossier))
        assert lines and all(line.snapshot is not None for line in lines), dossier.reference
        assert dossier.order_number.startswith("C"), dossier.reference
        items = WarrantyItem.objects.filter(dossier=dossier)
        assert items.count() == sum(line.quantity for line in lines), dossier.reference
        assert all(item.number in dossier.warranty_numbers for item in items)
    for dossier in Dossier.objects.filter(status__in=[Status.ACTIVE, Status.QUOTE, Status.CANCELLED]):
        assert OrderLine.objects.filter(dossier=dossier, snapshot__isnull=True).exists(), dossier.reference
        assert not WarrantyItem.objects.filter(dossier=dossier).exists()
    # A Terminé dossier with delivered items, for the after-sales flow; printed for a new user.
    completed = WarrantyItem.objects.filter(dossier__status=Status.COMPLETED, dossier__customer__number="100200")
    assert completed.exists()
    showcase = WarrantyItem.objects.get(
        dossier__reference="Appartement Gérard", dossier__customer__number="100200", index=1
    )
    assert f"order number     {showcase.dossier.order_number}" in out
    assert f"warranty number  {showcase.display_number}  (Fixscreen 100 EVO, 2130 × 2480 mm, RAL 9016" in out
    assert normalise(showcase.display_number) == showcase.number
    # The second customer's discount shows on its lines.
    janssens = OrderLine.objects.filter(dossier__customer__number="300400", product__code="FX100").first()
    assert janssens is not None and janssens.snapshot is not None and janssens.snapshot["discount_percent"] == "8.00"
    # Run again: nothing ordered twice, no new catalogue version.
    counts = (OrderLine.objects.count(), WarrantyItem.objects.count(), CatalogueVersion.objects.count())
    _call("seed_demo")
    assert (OrderLine.objects.count(), WarrantyItem.objects.count(), CatalogueVersion.objects.count()) == counts


def test_seed_demo_generates_the_documents_of_its_dossiers(
    db: None, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from documents.models import Document, DocumentKind, DocumentState

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # the demo's commit: tasks run inline
        out = _call("seed_demo")
    documents = Document.objects.all()
    assert documents.count() == 2 + 10 + 6  # a quote per customer, each order, each delivered dossier
    assert set(documents.values_list("state", flat=True)) == {DocumentState.READY}
    # Printed before this test's transaction ends (a real run prints after its commit).
    assert "Documents: 0 ready, 8 pending, 0 failed" in out
    for dossier in Dossier.objects.filter(status__in=[Status.DELIVERED, Status.COMPLETED]):
        invoice = Document.objects.get(dossier=dossier, kind=DocumentKind.INVOICE)
        assert invoice.data["vat_number"].startswith("BE") and invoice.number.startswith("F")
        assert dossier.messages.filter(type="invoice", document_pending=False, attachments__isnull=False).exists()
