"""The Configurateur tab over HTTP: the list, the line form (live and without JavaScript),
duplicate, remove, « Passer la commande », another dossier's line, query budgets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Customer, User
from catalogue.models import Product
from configurator import services
from configurator.models import OrderLine, WarrantyItem
from dossiers import services as dossier_services
from dossiers.models import Dossier, Status
from tests.catalogue.demo import load_demo_catalogue_v2

from .conftest import FIXSCREEN, FIXSCREEN_NO_SENSOR, GRILLE, add, new_dossier

pytestmark = pytest.mark.django_db

LIVE = {"HTTP_HX_REQUEST": "true"}


def _list(dossier: Dossier) -> str:
    return reverse("configurator:line-list", kwargs={"pk": dossier.pk})


def _create(dossier: Dossier) -> str:
    return reverse("configurator:line-create", kwargs={"pk": dossier.pk})


def _update(line: OrderLine) -> str:
    return reverse("configurator:line-update", kwargs={"pk": line.dossier_id, "line": line.pk})


def _form(product: Product, values: dict[str, Any], action: str = "save", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"product": product.pk, "action": action, "quantity": "1", **extra}
    data.update({f"p_{key}": value for key, value in values.items()})
    return data


def _messages(response: Any) -> list[str]:
    """The flash messages waiting after ``response`` (those of earlier redirects not shown yet first)."""
    return [str(message) for message in response.wsgi_request._messages]


def test_the_tab_lists_lines_with_summary_quantity_price_and_badges(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    body = owner_client.get(_list(screens)).content.decode()
    assert "2130 × 2480 mm · RAL 7016 Gris anthracite · Moteur radio Somfy io · Droite" in body
    assert "2\u00a0870,00\u00a0€" in body  # 2 × 1 435,00 €
    assert "1 avertissement à confirmer" in body
    assert "Capteur de vent fortement recommandé" in body
    assert ">Passer la commande</button>" in body and ">Ajouter</a>" in body


def test_the_tab_speaks_the_readers_language(
    colleague_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    body = colleague_client.get(_list(screens)).content.decode()  # colleague reads Dutch
    assert "RAL 7016 Antracietgrijs · Somfy io-radiomotor · Rechts" in body
    assert "€\u00a01.275,00" in body
    assert "Windsensor sterk aanbevolen" in body


def test_the_form_shows_each_parameter_with_its_unit_limits_help_and_labelled_choices(
    owner_client: Client, screens: Dossier, products: dict[str, Product]
) -> None:
    body = owner_client.get(_create(screens)).content.decode()
    assert '<label class="form-label mb-1" for="id_p_width_mm">Largeur (mm)</label>' in body
    assert "de 600 à 5000\u00a0mm" in body
    assert "Largeur hors tout, coulisses comprises." in body  # the « ? » help
    assert '<option value="RAL 9016">RAL 9016 Blanc signalisation</option>' in body
    assert '<option value="RAL 7016" selected>RAL 7016 Gris anthracite</option>' in body
    assert 'hx-post="' in body and "vendor/htmx/htmx.min.js" in body
    # A fresh form does not greet the dealer with « required » errors.
    assert "Champ obligatoire" not in body


def test_a_live_round_trip_returns_messages_beside_fields_prices_components_and_drawing_and_saves_nothing(
    owner_client: Client, screens: Dossier, products: dict[str, Product]
) -> None:
    values = {"width_mm": "3000", "height_mm": "2480", "drive": "crank", "control": "ctl_none"}
    response = owner_client.post(_create(screens), _form(products["FX100"], values, "recalculate"), **LIVE)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="line-result"')  # a fragment, not a page
    width = re.search(r'<div id="messages-p_width_mm"[^>]*hx-swap-oob="true">(.*?)</div>\s*</div>', body, re.S)
    assert width and "Trop grand pour une commande par manivelle" in width[1]
    assert 'data-amount="gross">1\u00a0245,00\u00a0€' in body
    assert "DX-FX10-GEA-R007" in body  # the crank gear, right-hand side
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and 'data-width="3000"' in body
    assert not OrderLine.objects.exists()


def test_without_javascript_recalculer_shows_the_page_and_enregistrer_saves(
    owner_client: Client, screens: Dossier, products: dict[str, Product]
) -> None:
    page = owner_client.post(_create(screens), _form(products["FX100"], FIXSCREEN, "recalculate"))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert not OrderLine.objects.exists()
    saved = owner_client.post(_create(screens), _form(products["FX100"], FIXSCREEN, quantity="2"))
    line = OrderLine.objects.get()
    assert saved["Location"] == f"{_list(screens)}#line-{line.pk}"
    assert (line.quantity, line.values) == (2, {**FIXSCREEN, "sensors": ["wind_io"]})
    assert _messages(saved) == ["La ligne 1 a été enregistrée."]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"width_mm": "deux mètres"}, "width_mm", "Geef een getal in, bijvoorbeeld 2130."),
        ({"width_mm": "-5"}, "width_mm", "Buiten het productiebereik: geef 600 tot 5000 mm in."),
        ({"width_mm": "120000000"}, "width_mm", "Buiten het productiebereik: geef 600 tot 5000 mm in."),
        ({"height_mm": "2 130,5"}, "height_mm", "Geef hele millimeters in, zonder decimalen (bijvoorbeeld 2130)."),
        ({"colour_ral": "RAL 1234"}, "colour_ral", "Onbekende RAL-code: kies een kleur uit de RAL Classic-lijst."),
        ({"fabric": "LINEN"}, "fabric", "Optie niet beschikbaar voor dit product: kies een andere."),
        ({"drive": "hydraulic"}, "drive", "Optie niet beschikbaar voor dit product: kies een andere."),
    ],
)
def test_bad_input_is_refused_in_the_dealers_language_and_nothing_is_saved(
    colleague_client: Client,
    screens: Dossier,
    products: dict[str, Product],
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = colleague_client.post(_create(screens), _form(products["FX100"], {**FIXSCREEN, **values}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Er is niets opgeslagen: verbeter de aangeduide waarden." in body
    found = re.search(rf'<div id="messages-p_{field}"[^>]*>(.*?)</div>\s*</div>', body, re.S)
    assert found and message in found[1]
    assert not OrderLine.objects.exists()


def test_a_quantity_outside_1_to_99_is_refused_on_its_field(
    owner_client: Client, screens: Dossier, products: dict[str, Product]
) -> None:
    response = owner_client.post(_create(screens), _form(products["FX100"], FIXSCREEN, quantity="100"))
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == ["Saisissez une quantité de 1 à 99."]
    assert not OrderLine.objects.exists()


@pytest.mark.parametrize("code", ["INVV", "withdrawn", "made-up"])
def test_a_product_of_another_group_inactive_or_made_up_saves_nothing(
    owner_client: Client, screens: Dossier, products: dict[str, Product], code: str
) -> None:
    if code == "withdrawn":
        Product.objects.filter(code="FX150").update(is_active=False)
        product_id: Any = products["FX150"].pk
    elif code == "made-up":
        product_id = 999999
    else:
        product_id = products[code].pk
    response = owner_client.post(_create(screens), {**_form(products["FX100"], FIXSCREEN), "product": product_id})
    assert response.status_code == 302
    assert _messages(response) == ["Ce produit n'est pas proposé dans le groupe de produits de ce dossier."]
    assert not OrderLine.objects.exists()


def test_tampered_prices_components_and_catalogue_version_are_ignored(
    owner_client: Client, screens: Dossier, products: dict[str, Product]
) -> None:
    tampered = {"net_total": "1.00", "gross_total": "1.00", "components": "DX-FREE", "catalogue_version": "7"}
    tampered |= {"p_net_total": "1", "product_version": "1", "unit_net_amount": "1"}
    owner_client.post(_create(screens), {**_form(products["FX100"], FIXSCREEN), **tampered})
    line = OrderLine.objects.get()
    assert str(line.unit_net_amount) == "1435.00"
    assert line.values == {**FIXSCREEN, "sensors": ["wind_io"]}
    assert line.product_version.version.number == 1


def test_editing_a_line_keeps_the_input_when_another_tab_saved_first(
    owner_client: Client, colleague_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    first = owner_client.post(_update(line), _form(products["FX100"], FIXSCREEN, revision="1", quantity="2"))
    assert first.status_code == 302
    second = owner_client.post(_update(line), _form(products["FX100"], {**FIXSCREEN, "width_mm": "2400"}, revision="1"))
    assert second.status_code == 200
    body = second.content.decode()
    assert "Cette ligne a été modifiée entre-temps" in body
    assert 'value="2400"' in body  # the dealer's input is still there
    assert 'name="revision" value="2"' in body  # saving again now replaces the other version
    line.refresh_from_db()
    assert (line.quantity, line.values["width_mm"], line.revision) == (2, "2130", 2)
    again = owner_client.post(_update(line), _form(products["FX100"], {**FIXSCREEN, "width_mm": "2400"}, revision="2"))
    assert again.status_code == 302
    line.refresh_from_db()
    assert (line.values["width_mm"], line.revision) == ("2400", 3)


def test_acknowledging_a_warning_is_stored_with_the_line(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    form = owner_client.get(_update(line)).content.decode()
    assert 'name="acknowledged" value="G-W005"' in form
    owner_client.post(_update(line), _form(products["FX100"], FIXSCREEN_NO_SENSOR, revision="1", acknowledged="G-W005"))
    line.refresh_from_db()
    assert (line.acknowledged, line.warning_count) == (["G-W005"], 0)


def test_a_line_of_another_dossier_is_404_even_of_the_same_customer(
    owner_client: Client, screens: Dossier, customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    other = new_dossier(customer, owner, products["FX100"], "Autre chantier")
    line = add(other, owner, products["FX100"], FIXSCREEN)
    for name in ("configurator:line-update", "configurator:line-duplicate", "configurator:line-delete"):
        url = reverse(name, kwargs={"pk": screens.pk, "line": line.pk})
        assert owner_client.get(url).status_code == 404, name
        assert owner_client.post(url).status_code == 404, name
    assert OrderLine.objects.filter(dossier=other).count() == 1


def test_duplicate_and_remove(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    duplicated = owner_client.post(reverse("configurator:line-duplicate", kwargs={"pk": screens.pk, "line": line.pk}))
    assert _messages(duplicated) == ["La ligne 1 a été dupliquée en ligne 2."]
    removed = owner_client.post(reverse("configurator:line-delete", kwargs={"pk": screens.pk, "line": line.pk}))
    assert _messages(removed)[-1] == "La ligne 1 a été supprimée."
    assert list(OrderLine.objects.values_list("position", flat=True)) == [2]


def test_passer_la_commande_gives_the_order_number_and_a_replay_places_no_second_order(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN, quantity=2)
    url = reverse("configurator:order-place", kwargs={"pk": screens.pk})
    placed = owner_client.post(url)
    screens.refresh_from_db()
    assert screens.status == Status.ORDERED
    assert _messages(placed) == [
        f"Commande passée\u00a0: numéro de commande {screens.order_number}, 2 numéros de garantie."
    ]
    replay = owner_client.post(url)
    assert _messages(replay)[-1:] == [f"Ce dossier est déjà commandé (numéro de commande {screens.order_number})."]
    assert WarrantyItem.objects.count() == 2
    body = owner_client.get(_list(screens)).content.decode()
    for item in WarrantyItem.objects.all():
        assert f'<li class="list-inline-item font-monospace" data-warranty-number>{item.display_number}</li>' in body
    # Read-only once ordered: no form, no buttons.
    assert ">Passer la commande</button>" not in body and ">Modifier" not in body and ">Ajouter</a>" not in body


def test_a_refused_order_lists_what_to_fix(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    response = owner_client.post(reverse("configurator:order-place", kwargs={"pk": screens.pk}))
    assert _messages(response) == [
        "La commande n'a pas été passée\u00a0: confirmez d'abord les avertissements des lignes ci-dessous.",
        "Ligne 1 (Fixscreen 100 EVO)\u00a0: Capteur de vent fortement recommandé\u00a0; enrouler au-delà de 60 km/h.",
    ]
    assert Dossier.objects.get(pk=screens.pk).status == Status.ACTIVE


def test_an_ordered_dossiers_line_form_sends_back_to_the_list(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    line = add(screens, owner, products["FX100"], FIXSCREEN)
    services.place_order(dossier=screens, user=owner)
    response = owner_client.get(_update(line))
    assert response.status_code == 302
    posted = owner_client.post(_update(line), _form(products["FX100"], FIXSCREEN, revision="1", quantity="9"))
    assert posted.status_code == 302
    assert _messages(posted)[0].startswith("Ce dossier est commandé (numéro de commande C")
    line.refresh_from_db()
    assert line.quantity == 1
    assert owner_client.get(_create(screens)).status_code == 302


def test_the_copy_of_a_dossier_shows_its_lines_recalculated_with_their_messages(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX100"], FIXSCREEN)
    line = add(screens, owner, products["FX100"], FIXSCREEN_NO_SENSOR)
    services.update_line(
        line=line, user=owner, values=FIXSCREEN_NO_SENSOR, quantity=1, acknowledged=["G-W005"], revision=1
    )
    services.place_order(dossier=screens, user=owner)
    load_demo_catalogue_v2()  # today's catalogue: the io motor costs €10 more
    owner_client.post(reverse("dossiers:dossier-copy", kwargs={"pk": screens.pk}))
    copy = Dossier.objects.exclude(pk=screens.pk).get()
    lines = list(OrderLine.objects.filter(dossier=copy).order_by("position"))
    assert [str(line.unit_net_amount) for line in lines] == ["1445.00", "1285.00"]
    assert all(line.snapshot is None and line.product_version.version.number == 2 for line in lines)
    assert lines[1].acknowledged == [] and lines[1].warning_count == 1  # confirmed again for the new order
    body = owner_client.get(_list(copy)).content.decode()
    assert "Capteur de vent fortement recommandé" in body and "1 avertissement à confirmer" in body
    history = owner_client.get(reverse("dossiers:dossier-history", kwargs={"pk": copy.pk})).context["page"]
    assert "2 lignes recalculées au catalogue actuel" in [event.description for event in history]


def test_a_copy_keeps_a_loggia_on_the_copy_of_its_roof(
    customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    dossier = new_dossier(customer, owner, products["ALGV"], "Terrasse Martin")
    roof = add(dossier, owner, products["ALGV"], {"width_mm": "4500", "projection_mm": "3500", "sensor_wind": True})
    add(dossier, owner, products["LOGG"], {"height_mm": "2500"}, parent=roof)
    copy = dossier_services.copy_dossier(dossier=dossier, user=owner)
    copied_roof, copied_loggia = OrderLine.objects.filter(dossier=copy).order_by("position")
    assert copied_loggia.parent == copied_roof
    assert copied_loggia.error_count == 0


@pytest.mark.parametrize("count", [1, 20])
def test_the_tab_query_budget_is_constant(
    owner_client: Client,
    screens: Dossier,
    owner: User,
    products: dict[str, Product],
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(count):
        add(screens, owner, products["FX100"], FIXSCREEN)
    # session, user with customer, dossier, lines with products and definitions, current version
    with django_assert_max_num_queries(5):
        response = owner_client.get(_list(screens))
    assert len(response.context["rows"]) == count
    services.place_order(dossier=screens, user=owner)
    # ordered: the warranty items instead of the current version
    with django_assert_max_num_queries(5):
        response = owner_client.get(_list(screens))
    assert sum(len(row.ordered.warranty_numbers) for row in response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_live_round_trip_query_budget_is_constant(
    owner_client: Client,
    screens: Dossier,
    owner: User,
    products: dict[str, Product],
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    lines = [add(screens, owner, products["FX100"], FIXSCREEN) for _ in range(count)]
    data = _form(products["FX100"], {**FIXSCREEN, "width_mm": "2400"}, "recalculate", revision="1")
    owner_client.post(_update(lines[-1]), data, **LIVE)  # the definition compiled once per process
    # session, user with customer, the line with its dossier, its product's current definition
    with django_assert_max_num_queries(4):
        response = owner_client.post(_update(lines[-1]), data, **LIVE)
    assert response.status_code == 200 and 'data-width="2400"' in response.content.decode()


def test_the_grille_form_needs_no_roof_and_a_loggia_form_offers_the_roofs(
    owner_client: Client, ventilation: Dossier, customer: Customer, owner: User, products: dict[str, Product]
) -> None:
    body = owner_client.get(_create(ventilation)).content.decode()
    assert "Toiture" not in body
    owner_client.post(_create(ventilation), _form(products["INVV"], GRILLE))
    assert OrderLine.objects.get().unit_net_amount is not None
    terrace = new_dossier(customer, owner, products["ALGV"], "Terrasse")
    roof = add(terrace, owner, products["ALGV"], {"width_mm": "4500", "projection_mm": "3500"})
    form = owner_client.get(_create(terrace), {"product": products["LOGG"].pk}).content.decode()
    assert f'<option value="{roof.pk}">Ligne 1 – Algarve' in form


def test_a_copied_line_whose_product_left_the_catalogue_says_so(
    owner_client: Client, screens: Dossier, owner: User, products: dict[str, Product]
) -> None:
    add(screens, owner, products["FX150"], {"width_mm": "3000", "height_mm": "3000", "sensors": ["wind_io"]})
    Product.objects.filter(code="FX150").update(is_active=False)
    copy = dossier_services.copy_dossier(dossier=screens, user=owner)
    line = OrderLine.objects.get(dossier=copy)
    assert (line.error_count, line.unit_net_amount) == (1, None)
    body = owner_client.get(_list(copy)).content.decode()
    assert "Ce produit ne figure plus au catalogue actuel\u00a0: supprimez cette ligne." in body
    refused = owner_client.post(reverse("configurator:order-place", kwargs={"pk": copy.pk}))
    assert _messages(refused)[0] == "La commande n'a pas été passée\u00a0: un produit ne figure plus au catalogue."
