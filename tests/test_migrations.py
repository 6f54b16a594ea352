"""Models that changed app keep their tables and rows: a database filled under the old
migrations is migrated to the current ones and every row is found again.

Each test migrates the test database back to the state before a move, writes rows with
the models of that state, migrates forward and reads them with the current models.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from catalogue.models import Product, ProductGroup
from communication.models import Audience
from dossiers.models import Dossier
from mailer.models import MailStatus, OutboundMail

pytestmark = pytest.mark.django_db(transaction=True)

# The outbox as the communication app owned it, before the mailer app existed.
BEFORE_MAILER = [("communication", "0002_messages"), ("mailer", None)]
# Product groups and products as the configurator app owned them, before the catalogue app.
BEFORE_CATALOGUE = [("configurator", "0001_initial"), ("catalogue", None), ("dossiers", "0006_overview_sort_indexes")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate_back(targets: list[tuple[str, str | None]]) -> Apps:
    """Unapply the migrations after ``targets``; the models as they were then."""
    return _executor().migrate(targets).apps  # type: ignore[arg-type]


@pytest.fixture
def back_to_latest() -> Iterator[None]:
    """Whatever happens in the test, the database ends at the latest migrations again."""
    try:
        yield
    finally:
        _migrate_to_latest()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _migrate_to_latest() -> None:
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _dossier(old: Apps) -> object:
    """A customer, a dealer and a dossier, written with the models of ``old``."""
    customer = old.get_model("accounts", "Customer").objects.create(number="100200", name="Dupont")
    dealer = old.get_model("accounts", "User").objects.create(
        email="marie@dupont.example", password="!", customer=customer
    )
    catalogue = "catalogue" if "productgroup" in old.all_models["catalogue"] else "configurator"
    group = old.get_model(catalogue, "ProductGroup").objects.create(code="sun", name_fr="Protection solaire")
    product = old.get_model(catalogue, "Product").objects.create(group=group, code="fixscreen", name_fr="Fixscreen")
    return old.get_model("dossiers", "Dossier").objects.create(
        number="2026000001", customer=customer, product_group=group, product=product, created_by=dealer
    )


def test_outbox_rows_are_found_in_the_mailer_app_after_the_move(back_to_latest: None) -> None:
    content_type = ContentType.objects.get_for_model(OutboundMail)
    old = _migrate_back(BEFORE_MAILER)
    assert "communication_outboundmail" in _tables()
    assert "mailer_outboundmail" not in _tables()
    assert ContentType.objects.filter(app_label="communication", model="outboundmail").exists()

    dossier = _dossier(old)
    Message = old.get_model("communication", "Message")
    internal = Message.objects.create(dossier=dossier, type="remark", audience=Audience.INTERNAL, body="Marge")
    public = Message.objects.create(dossier=dossier, type="remark", audience=Audience.RENSON, body="Bonjour")
    OldMail = old.get_model("communication", "OutboundMail")
    rows = {
        name: OldMail.objects.create(
            recipient=f"{name}@dupont.example",
            language="fr",
            template="message_posted",
            subject=f"Objet {name}",
            body_text="Texte",
            status=MailStatus.SENT,
            message_id=f"<{name}@ereps.localhost>",
            dossier_id=dossier.pk,  # type: ignore[attr-defined]
            related_message_id=message.pk if message else None,
        ).pk
        for name, message in [("internal", internal), ("public", public), ("invite", None)]
    }

    _migrate_to_latest()

    assert "mailer_outboundmail" in _tables()
    assert "communication_outboundmail" not in _tables()
    mails = {mail.pk: mail for mail in OutboundMail.objects.all()}
    assert sorted(mails) == sorted(rows.values())
    assert mails[rows["public"]].subject == "Objet public"
    assert mails[rows["public"]].message_id == "<public@ereps.localhost>"
    # Filled from the messages: only the mail about the Interne message is hidden from staff.
    assert {name: mails[pk].internal for name, pk in rows.items()} == {
        "internal": True,
        "public": False,
        "invite": False,
    }
    # The content type moved with the model: permissions given on it still hold.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(OutboundMail).pk == content_type.pk
    # New rows continue the same id sequence.
    assert OutboundMail.objects.create(recipient="x@dupont.example", message_id="<x@e>").pk > max(rows.values())


def test_catalogue_rows_and_the_dossiers_pointing_at_them_survive_the_move(back_to_latest: None) -> None:
    content_types = {model: ContentType.objects.get_for_model(model).pk for model in (Product, ProductGroup)}
    old = _migrate_back(BEFORE_CATALOGUE)
    assert {"configurator_product", "configurator_productgroup"} <= set(_tables())
    assert not {"catalogue_product", "catalogue_productgroup"} & set(_tables())
    old_dossier = _dossier(old)

    _migrate_to_latest()

    assert {"catalogue_product", "catalogue_productgroup"} <= set(_tables())
    assert not {"configurator_product", "configurator_productgroup"} & set(_tables())
    dossier = Dossier.objects.select_related("product", "product_group").get(pk=old_dossier.pk)  # type: ignore[attr-defined]
    assert (dossier.product.code, dossier.product.name_fr) == ("fixscreen", "Fixscreen")
    assert dossier.product_group.code == "sun"
    assert list(Product.objects.values_list("group__code", "code")) == [("sun", "fixscreen")]
    # The database still refuses a dossier whose product does not exist.
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(product_id=dossier.product_id + 1000)
    ContentType.objects.clear_cache()
    assert {model: ContentType.objects.get_for_model(model).pk for model in (Product, ProductGroup)} == content_types


def test_every_model_change_has_its_migration() -> None:
    """A label, a help text or a constraint's message changed in a model (a typography fix,
    a new Historique event kind) comes with its migration."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:
        raise AssertionError(f"missing migrations:\n{out.getvalue()}") from exc
