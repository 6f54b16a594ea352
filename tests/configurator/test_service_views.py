"""The service order in the portal: the Configurateur tab in service mode, the search « Selon
numéro de garantie » / « Selon mesures », the item as it was ordered, the parts form and
« Passer la commande » with « Votre référence »; bad input answered in words, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalogue.models import Product
from configurator.models import OrderLine, ServiceOrder, WarrantyItem
from configurator.parts import parts_of
from dossiers.models import Dossier, Status
from dossiers.services import create_dossier

from .conftest import FIXSCREEN, add, deliver

pytestmark = pytest.mark.django_db


def _tab(dossier: Dossier) -> str:
    return reverse("configurator:line-list", kwargs={"pk": dossier.pk})


def _search(dossier: Dossier) -> str:
    return reverse("configurator:service-line-create", kwargs={"pk": dossier.pk})


def _items(dossier: Dossier) -> list[WarrantyItem]:
    return list(WarrantyItem.objects.filter(dossier=dossier).order_by("line__position", "index"))


def _key(item: WarrantyItem, fragment: str) -> str:
    return next(part.key for part in parts_of(item.line.snapshot or {}) if fragment in part.code)


def _messages(response: Any) -> list[str]:
    """The messages of the request, those left by an earlier redirect included (last one last)."""
    return [str(message) for message in response.wsgi_request._messages]


def _post_parts(client: Client, dossier: Dossier, item: WarrantyItem, **parts: str) -> Any:
    data: dict[str, Any] = {"item": item.display_number, "part": list(parts), "reason": "defect"}
    data.update({f"quantity-{key}": value for key, value in parts.items()})
    return client.post(_search(dossier), data)


# --- the tab ----------------------------------------------------------------------------------


def test_the_tab_offers_the_faqs_two_ways_after_a_service_request(
    owner_client: Client, requested: Dossier, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        response = owner_client.get(_tab(requested))
    html = response.content.decode()
    assert response.context["service_mode"] is True
    assert ">Selon numéro de garantie</a>" in html and ">Selon mesures</a>" in html
    assert f'href="{_search(requested)}?mode=warranty"' in html
    assert ">Ajouter</a>" not in html  # nothing to configure: parts of delivered items
    assert "Commande d'origine\u00a0: " + requested.order_number in html
    assert "Aucune pièce choisie pour le moment." in html


def test_a_completed_dossier_without_service_request_has_no_service_order(
    owner_client: Client, completed: Dossier
) -> None:
    html = owner_client.get(_tab(completed)).content.decode()
    assert "Selon numéro de garantie" not in html
    response = owner_client.get(_search(completed))
    assert response.status_code == 302
    assert "«\u00a0Demande de service\u00a0»" in _messages(response)[0]


def test_the_tab_lists_the_parts_chosen_with_their_cut_and_the_reference_field(
    owner_client: Client, requested: Dossier, django_assert_max_num_queries: Any
) -> None:
    item = _items(requested)[0]
    _post_parts(owner_client, requested, item, **{_key(item, "GDR"): "2"})
    owner_client.get(_tab(requested))  # the redirect, which shows (and clears) the confirmation
    with django_assert_max_num_queries(8):
        html = owner_client.get(_tab(requested)).content.decode()
    assert item.display_number in html and "DX-FX10-GDR-S045-C9016" in html and ">2375<" in html
    assert 'name="reference"' in html and "Votre référence" in html and ">Passer la commande<" in html


# --- « Selon numéro de garantie » ---------------------------------------------------------------


def test_the_search_form_has_the_faqs_labels(owner_client: Client, requested: Dossier) -> None:
    response = owner_client.get(_search(requested), {"mode": "measurements"})
    html = response.content.decode()
    for label in ("Selon numéro de garantie", "Selon mesures", "Numéro de garantie", "Largeur (mm)", "Hauteur (mm)"):
        assert label in html
    assert response.context["search"]["mode"].value() == "measurements"  # the way chosen on the tab
    assert not response.context["search"].errors  # nothing searched yet, nothing refused


def test_a_warranty_number_shows_the_item_as_it_was_ordered(
    owner_client: Client, requested: Dossier, django_assert_max_num_queries: Any
) -> None:
    item = _items(requested)[0]
    with django_assert_max_num_queries(9):
        response = owner_client.get(_search(requested), {"mode": "warranty", "number": item.number})
    html = response.content.decode()
    card = response.context["card"]
    assert (card.number, card.product, card.dimensions) == (item.display_number, "Fixscreen 100 EVO", "2130 × 2480 mm")
    assert (card.colour, card.side) == ("RAL 9016 Blanc signalisation", "Droite")
    assert 'role="img"' in html and "<title" in html  # the drawing, named in words
    codes = [part.code for part in card.parts]
    assert "DX-FX10-GDR-S045-C9016" in codes and any(code.startswith("DX-MOT-") for code in codes)
    guide = next(part for part in card.parts if "GDR" in part.code)
    assert (guide.cut_mm, guide.default_pieces) == ("2375", 2)
    assert 'name="item" value="' + item.display_number + '"' in html
    assert "Commander DX-FX10-GDR-S045-C9016" in html  # each box named by its article code


def test_a_typo_is_caught_by_the_check_digit(owner_client: Client, requested: Dossier) -> None:
    number = _items(requested)[0].number
    wrong = number[:6] + str((int(number[6]) + 3) % 10) + number[7:]
    response = owner_client.get(_search(requested), {"mode": "warranty", "number": wrong})
    assert response.context["search"].errors["number"] == [
        "Le chiffre de contrôle ne correspond pas\u00a0: relisez l'étiquette."
    ]
    assert "card" not in response.context


def test_another_customers_number_reads_exactly_like_an_unknown_one(
    owner_client: Client, requested: Dossier, outsider: User, staff: User, products: dict[str, Product]
) -> None:
    theirs = create_dossier(customer=outsider.customer, user=outsider, product=products["FX100"], reference="Leur")
    add(theirs, outsider, products["FX100"], FIXSCREEN)
    theirs = deliver(theirs, outsider, staff)
    foreign = owner_client.get(_search(requested), {"mode": "warranty", "number": _items(theirs)[0].number})
    from stdnum import damm

    payload = _items(requested)[0].number[:5] + "999999"
    unknown = owner_client.get(
        _search(requested), {"mode": "warranty", "number": payload + damm.calc_check_digit(payload)}
    )
    assert foreign.context["search"].errors == unknown.context["search"].errors
    assert "introuvable" in foreign.context["search"].errors["number"][0]
    assert theirs.reference not in foreign.content.decode() and theirs.number not in foreign.content.decode()


def test_the_parts_posted_become_a_line_of_the_service_order(owner_client: Client, requested: Dossier) -> None:
    item = _items(requested)[0]
    response = _post_parts(owner_client, requested, item, **{_key(item, "GDR"): "2", _key(item, "MOT"): "1"})
    line = OrderLine.objects.get(warranty_item=item)
    assert response.status_code == 302 and response["Location"] == f"{_tab(requested)}#line-{line.pk}"
    assert [part["code"] for part in line.parts] == ["DX-FX10-GDR-S045-C9016", "DX-MOT-IO00-10NM"]
    assert _messages(response) == [
        f"Les pièces de l'article {item.display_number} ont été ajoutées à la commande de service."
    ]


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        ({"GDR": "0"}, "Saisissez un nombre de pièces de 1 à 99 pour DX-FX10-GDR-S045-C9016."),
        ({"GDR": "10000"}, "Saisissez un nombre de pièces de 1 à 99 pour DX-FX10-GDR-S045-C9016."),
        ({}, "Choisissez au moins une pièce à commander, avec sa quantité."),
        ({"42": "1"}, "Cette pièce n'appartient pas à l'article"),
    ],
    ids=["0 pieces", "10 000 pieces", "no part", "a part the item does not have"],
)
def test_bad_parts_come_back_with_the_reason_and_nothing_is_saved(
    owner_client: Client, requested: Dossier, parts: dict[str, str], words: str
) -> None:
    item = _items(requested)[0]
    keyed = {(_key(item, key) if key == "GDR" else key): value for key, value in parts.items()}
    response = _post_parts(owner_client, requested, item, **keyed)
    assert response.status_code == 200
    assert words in response.context["refusal"]
    assert response.context["card"].number == item.display_number  # the item stays on screen
    assert not OrderLine.objects.filter(warranty_item__isnull=False).exists()


def test_a_forged_item_number_is_refused_before_anything(
    owner_client: Client, requested: Dossier, outsider: User, staff: User, products: dict[str, Product]
) -> None:
    theirs = create_dossier(customer=outsider.customer, user=outsider, product=products["FX100"], reference="Leur")
    add(theirs, outsider, products["FX100"], FIXSCREEN)
    theirs = deliver(theirs, outsider, staff)
    their_item = _items(theirs)[0]
    response = _post_parts(owner_client, requested, their_item, **{_key(their_item, "GDR"): "1"})
    assert response.status_code == 302 and response["Location"] == _search(requested)
    assert "introuvable" in _messages(response)[0]
    assert not OrderLine.objects.filter(warranty_item__isnull=False).exists()


# --- « Selon mesures » ----------------------------------------------------------------------


def test_the_order_number_and_dimensions_find_the_warranty_number(owner_client: Client, requested: Dossier) -> None:
    small = _items(requested)[2]
    response = owner_client.get(
        _search(requested),
        {"mode": "measurements", "number": requested.order_number, "width": "1395", "height": "1608"},
    )
    assert response.context["card"].number == small.display_number
    assert f'Numéro de garantie trouvé\u00a0: <strong class="font-monospace">{small.display_number}</strong>' in (
        response.content.decode()
    )


def test_several_items_of_those_dimensions_are_listed_to_choose_from(
    owner_client: Client, requested: Dossier, django_assert_max_num_queries: Any
) -> None:
    first, second, _small = _items(requested)
    with django_assert_max_num_queries(6):
        response = owner_client.get(
            _search(requested),
            {"mode": "measurements", "number": requested.order_number, "width": "2130", "height": "2480"},
        )
    html = response.content.decode()
    assert [c["item"] for c in response.context["candidates"]] == [first, second]
    assert "2 articles correspondent à ces mesures\u00a0: choisissez le vôtre." in html
    assert f"?mode=warranty&amp;number={first.display_number}" in html
    assert "card" not in response.context


@pytest.mark.parametrize(
    ("width", "height", "field", "words"),
    [
        ("3000", "2480", "width", "Aucun article de la commande"),
        ("deux mètres", "", "width", "Saisissez la largeur en millimètres, par exemple 2130."),
        ("2130", "haut", "height", "Saisissez la hauteur en millimètres"),
    ],
)
def test_measurements_that_match_nothing_say_so(
    owner_client: Client, requested: Dossier, width: str, height: str, field: str, words: str
) -> None:
    response = owner_client.get(
        _search(requested), {"mode": "measurements", "number": requested.order_number, "width": width, "height": height}
    )
    assert words in response.context["search"].errors[field][0]


def test_an_order_number_of_another_customer_is_not_found(
    owner_client: Client, outsider: User, staff: User, products: dict[str, Product], customer: Any, owner: User
) -> None:
    theirs = create_dossier(customer=outsider.customer, user=outsider, product=products["FX100"], reference="Leur")
    add(theirs, outsider, products["FX100"], FIXSCREEN)
    theirs = deliver(theirs, outsider, staff)
    mine = create_dossier(customer=customer, user=owner, product=products["SRV"], reference="")
    response = owner_client.get(
        _search(mine), {"mode": "measurements", "number": theirs.order_number, "width": "2130", "height": "2480"}
    )
    assert response.context["search"].errors["number"] == [
        "Numéro de commande introuvable\u00a0: vérifiez-le sur la confirmation de commande ou la facture "
        "(par exemple C2026000007)."
    ]


# --- « Passer la commande » -----------------------------------------------------------------


def test_passer_la_commande_with_a_reference_then_again(
    owner_client: Client, requested: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    item = _items(requested)[0]
    _post_parts(owner_client, requested, item, **{_key(item, "MOT"): "1"})
    url = reverse("configurator:order-place", kwargs={"pk": requested.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, {"reference": "SAV moteur"})
    order = ServiceOrder.objects.get(placed_at__isnull=False)
    assert response.status_code == 302
    assert _messages(response)[-1] == (
        f"Commande de service passée\u00a0: numéro de commande {order.order_number}, "
        "référence «\u00a0SAV moteur\u00a0»."
    )
    assert Dossier.objects.get(pk=requested.pk).status == Status.ORDERED
    again = owner_client.post(url, {"reference": "SAV moteur"})
    assert (
        _messages(again)[-1] == f"Cette commande de service est déjà passée (numéro de commande {order.order_number})."
    )
    assert ServiceOrder.objects.filter(placed_at__isnull=False).count() == 1
    html = owner_client.get(_tab(requested)).content.decode()
    assert f"Commande de service {order.order_number} – «\u00a0SAV moteur\u00a0»" in html
    assert "Selon numéro de garantie" not in html  # locked again


def test_a_reference_too_long_is_refused(owner_client: Client, requested: Dossier) -> None:
    item = _items(requested)[0]
    _post_parts(owner_client, requested, item, **{_key(item, "MOT"): "1"})
    response = owner_client.post(
        reverse("configurator:order-place", kwargs={"pk": requested.pk}), {"reference": "x" * 101}
    )
    assert "au plus 100 caractères" in _messages(response)[-1]
    assert not ServiceOrder.objects.filter(placed_at__isnull=False).exists()


# --- a « Service » dossier ------------------------------------------------------------------


def test_a_service_dossier_opens_on_the_service_order(
    owner_client: Client, customer: Any, owner: User, products: dict[str, Product], requested: Dossier
) -> None:
    service = create_dossier(customer=customer, user=owner, product=products["SRV"], reference="Moteur")
    html = owner_client.get(_tab(service)).content.decode()
    assert "Selon numéro de garantie" in html and "Aucune ligne dans ce dossier" not in html
    add_url = reverse("configurator:line-create", kwargs={"pk": service.pk})
    assert owner_client.get(add_url)["Location"] == _search(service)
    item = _items(requested)[1]  # any dossier of the customer
    response = owner_client.get(_search(service), {"mode": "warranty", "number": item.display_number})
    assert response.context["card"].number == item.display_number
    html = owner_client.get(_tab(service)).content.decode()
    assert 'name="reference" value="Moteur"' not in html  # no parts yet: no order form
    _post_parts(owner_client, service, item, **{_key(item, "MOT"): "1"})
    html = owner_client.get(_tab(service)).content.decode()
    assert 'value="Moteur"' in html  # « Votre référence » starts from the dossier's own


def test_a_service_line_is_not_edited_in_the_product_form(owner_client: Client, requested: Dossier) -> None:
    item = _items(requested)[0]
    _post_parts(owner_client, requested, item, **{_key(item, "MOT"): "1"})
    line = OrderLine.objects.get(warranty_item=item)
    url = reverse("configurator:line-update", kwargs={"pk": requested.pk, "line": line.pk})
    response = owner_client.get(url)
    assert response.status_code == 302
    assert "ne se modifie pas" in _messages(response)[-1]
    delete = reverse("configurator:line-delete", kwargs={"pk": requested.pk, "line": line.pk})
    assert owner_client.post(delete).status_code == 302
    assert not OrderLine.objects.filter(pk=line.pk).exists()


def test_a_dutch_dealer_reads_the_service_order_in_dutch(
    colleague_client: Client, requested: Dossier, colleague: User
) -> None:
    html = colleague_client.get(_search(requested), {"mode": "warranty"}).content.decode()
    assert "Volgens garantienummer" in html and "Volgens afmetingen" in html and "Garantienummer" in html
