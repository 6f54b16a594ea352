"""Adding, editing, duplicating and removing order lines: every save is evaluated on the server,
bad input is refused on its field with nothing stored, a locked dossier refuses every change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Customer, User
from catalogue.models import Product
from configurator import services
from configurator.models import OrderLine
from configurator.services import ConfiguratorRefused, InputRefused, LineConflict
from dossiers.models import Dossier, Status
from tests.catalogue.demo import load_demo_catalogue_v2
from tests.factories import ProductFactory

from .conftest import FIXSCREEN, FIXSCREEN_CRANK, FIXSCREEN_NO_SENSOR, add, new_dossier

pytestmark = pytest.mark.django_db


def test_a_new_line_is_evaluated_and_its_display_data_cached(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    assert line.position == 1
    assert line.values == FIXSCREEN  # as typed, "2 480" included
    assert line.evaluated_values["height_mm"] == "2480"
    assert line.unit_net_amount == Decimal("1435.00")
    assert line.net_amount == Decimal("2870.00")
    assert (line.error_count, line.warning_count, line.revision) == (0, 0, 1)
    assert line.summary["fr"] == "2130 × 2480 mm · RAL 7016 Gris anthracite · Moteur radio Somfy io · Droite"
    assert line.summary["nl"] == "2130 × 2480 mm · RAL 7016 Antracietgrijs · Somfy io-radiomotor · Rechts"
    assert line.product_version.version.number == 1
    assert line.messages == []  # the info message is not cached for the list


def test_the_customers_discount_gives_the_net_price(
    screens: Dossier, customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    Customer.objects.filter(pk=customer.pk).update(discount_percent=Decimal("10"))
    screens.customer.refresh_from_db()
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    assert line.unit_net_amount == Decimal("1291.50")


def test_tampered_price_component_and_version_fields_are_never_stored(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    tampered = {**FIXSCREEN, "net_total": "1", "price": "0.01", "components": "DX-FREE", "catalogue_version": "99"}
    line = add(screens, owner, products["FX100"], tampered)
    assert line.values == FIXSCREEN
    assert line.unit_net_amount == Decimal("1435.00")
    assert line.product_version.version.number == 1


def test_a_configuration_the_rules_refuse_is_saved_with_its_error(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN_CRANK)
    assert line.error_count == 1
    (error,) = [m for m in line.messages if m["severity"] == "error"]
    assert error["id"] == "FX100-E003"
    assert error["fields"] == ["drive", "width_mm"]
    assert error["text"]["fr"] == "Trop grand pour une commande par manivelle\u00a0: choisissez un moteur."


@pytest.mark.parametrize(
    ("field", "typed", "message_id", "french"),
    [
        ("width_mm", "deux mètres", "INPUT-NUMBER", "Saisissez un nombre, par exemple 2130."),
        (
            "width_mm",
            "-2130",
            "FX100-E001",
            "Hors des dimensions de fabrication\u00a0: saisissez de 600 à 5000 mm.",
        ),
        (
            "width_mm",
            "99999999999999999999",
            "FX100-E001",
            "Hors des dimensions de fabrication\u00a0: saisissez de 600 à 5000 mm.",
        ),
        (
            "height_mm",
            "2 130,5",
            "INPUT-WHOLE",
            "Saisissez des millimètres entiers, sans décimale (par exemple 2130).",
        ),
        (
            "colour_ral",
            "RAL 1234",
            "G-E006",
            "Code RAL inconnu\u00a0: choisissez une couleur de la liste RAL Classic.",
        ),
        (
            "fabric",
            "CANVAS",
            "INPUT-OPTION",
            "Option non proposée pour ce produit\u00a0: choisissez-en une autre.",
        ),
        (
            "fabric_colour",
            "M550-0707",
            "INPUT-UNAVAILABLE",
            "Option indisponible avec les choix actuels\u00a0: choisissez-en une autre.",
        ),
        ("width_mm", "", "INPUT-REQUIRED", "Champ obligatoire\u00a0: saisissez une valeur."),
    ],
    ids=["letters", "negative", "huge", "decimal-comma", "unknown-ral", "foreign-fabric", "fabric-colour", "empty"],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(
    screens: Dossier, owner: User, products: dict[str, Product], field: str, typed: str, message_id: str, french: str
) -> None:
    with pytest.raises(InputRefused) as refused:
        add(screens, owner, products["FX100"], {**FIXSCREEN, field: typed})
    assert refused.value.code == "input"
    assert str(refused.value) == "Rien n'a été enregistré\u00a0: corrigez les valeurs signalées."
    # (A refused fabric also leaves its fabric colour without a valid choice.)
    assert refused.value.evaluated.refused_fields[0] == field
    (message,) = refused.value.evaluated.evaluation.messages_by_field[field]
    assert (message.id, message.text.fr) == (message_id, french)
    assert not OrderLine.objects.exists()


def test_the_refusal_speaks_the_dealers_language(
    screens: Dossier, owner: User, products: dict[str, Product], settings: Any
) -> None:
    from django.utils import translation

    with translation.override("nl"), pytest.raises(InputRefused) as refused:
        add(screens, owner, products["FX100"], {**FIXSCREEN, "width_mm": "2 130,5"})
    assert str(refused.value) == "Er is niets opgeslagen: verbeter de aangeduide waarden."
    (message,) = refused.value.evaluated.evaluation.messages_by_field["width_mm"]
    assert message.text.nl == "Geef hele millimeters in, zonder decimalen (bijvoorbeeld 2130)."


def test_a_product_of_another_group_or_inactive_is_refused(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    with pytest.raises(ConfiguratorRefused) as refused:
        add(screens, owner, products["INVV"], {"length_mm": "1000"})
    assert refused.value.code == "product"
    assert str(refused.value) == "Ce produit n'est pas proposé dans le groupe de produits de ce dossier."
    Product.objects.filter(code="FX150").update(is_active=False)
    with pytest.raises(ConfiguratorRefused) as refused:
        add(screens, owner, products["FX150"], {"width_mm": "3000", "height_mm": "3000"})
    assert refused.value.code == "product"
    assert not OrderLine.objects.exists()


def test_a_product_without_a_definition_in_the_current_catalogue_is_refused(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    stray = ProductFactory(group=products["FX100"].group, code="FX-PROTO")
    with pytest.raises(ConfiguratorRefused) as refused:
        add(screens, owner, stray, {"width_mm": "1000"})
    assert (refused.value.code, str(refused.value)) == ("unavailable", "Ce produit ne figure plus au catalogue actuel.")


@pytest.mark.parametrize("quantity", [0, 100])
def test_a_quantity_outside_1_to_99_is_refused(
    screens: Dossier, owner: User, products: dict[str, Product], quantity: int
) -> None:
    with pytest.raises(ConfiguratorRefused) as refused:
        add(screens, owner, products["FX100"], FIXSCREEN, quantity=quantity)
    assert (refused.value.code, str(refused.value)) == ("quantity", "Saisissez une quantité de 1 à 99.")


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (
            Status.QUOTE,
            "quote",
            "Ce dossier est au statut «\u00a0Offre\u00a0»\u00a0: revenez au statut Actif pour modifier sa "
            "configuration.",
        ),
        (
            Status.ORDERED,
            "ordered",
            "Ce dossier est commandé (numéro de commande C2026000001)\u00a0: sa configuration ne peut plus être "
            "modifiée.",
        ),
        (Status.CANCELLED, "cancelled", "Ce dossier est annulé\u00a0: sa configuration ne peut plus être modifiée."),
    ],
)
def test_a_dossier_that_is_not_actif_refuses_every_change(
    screens: Dossier, owner: User, products: dict[str, Product], status: Status, code: str, message: str
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    Dossier.objects.filter(pk=screens.pk).update(status=status, order_number="C2026000001")
    line.refresh_from_db()
    attempts = [
        lambda: add(screens, owner, products["FX100"], FIXSCREEN),
        lambda: services.update_line(
            line=line, user=owner, values=FIXSCREEN, quantity=3, acknowledged=[], revision=line.revision
        ),
        lambda: services.duplicate_line(line=line, user=owner),
        lambda: services.remove_line(line=line, user=owner),
    ]
    for attempt in attempts:
        with pytest.raises(ConfiguratorRefused) as refused:
            attempt()
        assert (refused.value.code, str(refused.value)) == (code, message)
    assert list(OrderLine.objects.values_list("quantity", flat=True)) == [1]


def test_a_dealer_of_another_customer_is_refused(
    screens: Dossier, owner: User, outsider: User, products: dict[str, Product]
) -> None:
    with pytest.raises(ConfiguratorRefused) as refused:
        add(screens, outsider, products["FX100"], FIXSCREEN)
    assert (refused.value.code, str(refused.value)) == ("not_found", "Ce dossier n'existe pas.")


def test_editing_saves_a_new_revision_and_acknowledges_warnings(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    edited = services.update_line(
        line=line, user=owner, values=FIXSCREEN_NO_SENSOR, quantity=3, acknowledged=[], revision=1
    )
    assert (edited.revision, edited.quantity, edited.warning_count) == (2, 3, 1)
    assert [m["id"] for m in edited.messages] == ["G-W005"]
    acknowledged = services.update_line(
        line=edited,
        user=owner,
        values=FIXSCREEN_NO_SENSOR,
        quantity=3,
        acknowledged=["G-W005", "NOT-A-WARNING"],
        revision=2,
    )
    assert (acknowledged.revision, acknowledged.warning_count, acknowledged.acknowledged) == (3, 0, ["G-W005"])
    assert acknowledged.messages[0]["acknowledged"] is True


def test_the_second_of_two_tabs_is_refused_and_the_first_save_kept(
    screens: Dossier, owner: User, colleague: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    first_tab, second_tab = OrderLine.objects.get(pk=line.pk), OrderLine.objects.get(pk=line.pk)
    services.update_line(line=first_tab, user=owner, values=FIXSCREEN, quantity=2, acknowledged=[], revision=1)
    with pytest.raises(LineConflict) as refused:
        services.update_line(line=second_tab, user=colleague, values=FIXSCREEN, quantity=5, acknowledged=[], revision=1)
    assert refused.value.code == "conflict"
    assert refused.value.current_revision == 2
    assert str(refused.value).startswith(
        "Cette ligne a été modifiée entre-temps, dans un autre onglet ou par un collègue."
    )
    line.refresh_from_db()
    assert (line.quantity, line.revision) == (2, 2)


def test_duplicate_adds_a_copy_at_the_end_and_remove_deletes_one_line(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    first = add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    copy = services.duplicate_line(line=first, user=owner)
    assert (copy.position, copy.quantity, copy.values, copy.unit_net_amount) == (
        2,
        2,
        FIXSCREEN,
        Decimal("1435.00"),
    )
    services.remove_line(line=first, user=owner)
    assert list(OrderLine.objects.values_list("pk", flat=True)) == [copy.pk]
    third = add(screens, owner, products["FX100"], FIXSCREEN)
    assert third.position == 3


def test_a_loggia_follows_its_roof_and_says_so_when_the_roof_is_removed(
    customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    dossier = new_dossier(customer, owner, products["ALGV"], "Terrasse Martin")
    roof = add(dossier, owner, products["ALGV"], {"width_mm": "4500", "projection_mm": "3500", "sensor_wind": True})
    loggia = add(dossier, owner, products["LOGG"], {"height_mm": "2500"}, parent=roof)
    assert loggia.parent == roof and loggia.error_count == 0
    assert loggia.unit_net_amount == Decimal("3666.00")
    services.update_line(
        line=roof,
        user=owner,
        values={"width_mm": "6000", "projection_mm": "3500", "sensor_wind": True},
        quantity=1,
        acknowledged=[],
        revision=roof.revision,
    )
    loggia.refresh_from_db()
    assert loggia.unit_net_amount != Decimal("3666.00")  # wider roof, wider opening
    services.remove_line(line=roof, user=owner)
    loggia.refresh_from_db()
    assert loggia.parent is None
    assert [m["id"] for m in loggia.messages] == ["LOGG-E003"]


def test_a_loggia_cannot_hang_from_a_line_of_another_dossier(
    customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    first = new_dossier(customer, owner, products["ALGV"])
    second = new_dossier(customer, owner, products["ALGV"])
    roof = add(first, owner, products["ALGV"], {"width_mm": "4500", "projection_mm": "3500"})
    with pytest.raises(ConfiguratorRefused) as refused:
        add(second, owner, products["LOGG"], {"height_mm": "2500"}, parent=roof)
    assert (refused.value.code, str(refused.value)) == ("parent", "Choisissez une toiture de ce dossier.")


def test_a_new_catalogue_version_leaves_existing_lines_on_theirs_until_saved(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    load_demo_catalogue_v2()
    line.refresh_from_db()
    assert line.product_version.version.number == 1
    assert line.unit_net_amount == Decimal("1435.00")
    saved = services.update_line(line=line, user=owner, values=FIXSCREEN, quantity=1, acknowledged=[], revision=1)
    assert saved.product_version.version.number == 2
    assert saved.unit_net_amount == Decimal("1445.00")


def test_saving_a_line_moves_the_dossiers_last_activity(
    screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    before = screens.last_activity_at
    add(screens, owner, products["FX100"], FIXSCREEN)
    screens.refresh_from_db()
    assert screens.last_activity_at > before
