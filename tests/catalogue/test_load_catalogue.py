"""``manage.py load_catalogue``: each load is a version, a bad file writes nothing, a file loaded twice is one."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from catalogue.models import CatalogueVersion, Product, ProductGroup, ProductVersion
from catalogue.schema import definition_from_json
from dossiers import overview_cache
from tests.catalogue.demo import DEMO_PATH, demo_catalogue
from tests.catalogue.test_schema import VALID
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _load(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_catalogue", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(path: Path) -> tuple[str, list[str]]:
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("load_catalogue", str(path), stdout=StringIO(), stderr=err)
    return str(refused.value), err.getvalue().splitlines()


def _write(tmp_path: Path, text: str, name: str = "range.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_catalogue_loads_as_version_1_with_every_product_and_its_definition() -> None:
    out, _err = _load(DEMO_PATH)
    assert out.strip() == "load_catalogue: version 1 from demo.yaml: 9 products in 4 groups, 0 withdrawn"
    version = CatalogueVersion.objects.get()
    assert (version.number, version.source, version.product_count) == (1, "demo.yaml", 9)
    assert version.content_hash == demo_catalogue().content_hash
    assert list(ProductGroup.objects.values_list("code", flat=True)) == [
        "screens",
        "terrace_covers",
        "ventilation",
        "service",
    ]
    fixscreen = Product.objects.get(code="FX100")
    assert (fixscreen.name_fr, fixscreen.group.code, fixscreen.is_service) == ("Fixscreen 100 EVO", "screens", False)
    assert Product.objects.get(code="SRV").is_service
    stored = ProductVersion.objects.get(version=version, product=fixscreen)
    assert stored.compiled() == definition_from_json(stored.definition)
    assert stored.compiled().parameter("width_mm").maximum == 5000


def test_loading_the_same_file_again_is_unchanged_and_writes_nothing() -> None:
    _load(DEMO_PATH)
    out, _err = _load(DEMO_PATH)
    assert out.strip() == "load_catalogue: demo.yaml unchanged (version 1, 9 products)"
    assert CatalogueVersion.objects.count() == 1
    assert ProductVersion.objects.count() == 9


def test_a_changed_file_is_a_new_version_and_withdraws_the_products_it_lacks(tmp_path: Path) -> None:
    legacy = ProductFactory(code="fixscreen")  # a product of an earlier catalogue
    _load(_write(tmp_path, VALID))
    first = CatalogueVersion.objects.get()
    first_fx = ProductVersion.objects.get(version=first)
    out, _err = _load(
        _write(tmp_path, VALID.replace("[100, 200]", "[105, 200]").replace("name: {fr: FX,", "name: {fr: FX 2,"))
    )
    assert out.strip() == "load_catalogue: version 2 from range.yaml: 1 products in 1 groups, 0 withdrawn"
    second = CatalogueVersion.objects.current()
    assert second is not None and second.number == 2
    # The old version and its definition stay as they were: lines ordered under it keep them.
    first_fx.refresh_from_db()
    assert first_fx.definition["pricing"]["grid"]["cells"][0] == [100, 200]
    assert ProductVersion.objects.get(version=second).definition["pricing"]["grid"]["cells"][0] == [105, 200]
    assert Product.objects.get(code="FX").name_fr == "FX 2"
    legacy.refresh_from_db()
    assert legacy.is_active is False  # withdrawn at the first load, never deleted
    assert Product.objects.filter(code="fixscreen").exists()


def test_withdrawn_products_are_counted_and_become_inactive(tmp_path: Path) -> None:
    ProductFactory(code="old-screen")
    out, _err = _load(_write(tmp_path, VALID))
    assert out.strip().endswith("1 products in 1 groups, 1 withdrawn")
    assert list(Product.objects.active().values_list("code", flat=True)) == ["FX"]


def test_going_back_to_the_content_of_an_older_version_is_refused_with_the_reason(tmp_path: Path) -> None:
    _load(_write(tmp_path, VALID))
    _load(_write(tmp_path, VALID.replace("[100, 200]", "[105, 200]")))
    message, errors = _refused(_write(tmp_path, VALID))
    assert message == "1 problem(s) in range.yaml: nothing loaded"
    assert errors == [
        "range.yaml:1: (file): same content as catalogue version 1, older than the current version 2: to go back "
        "to it, change something (a price, a text) so that it loads as a new version"
    ]
    assert CatalogueVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        # A YAML syntax error.
        (VALID.replace("    products:\n", "    products: [\n", 1), "range.yaml:6: (syntax): YAML syntax error: "),
        # An unknown field.
        (
            VALID.replace("            min: 500\n", "            min: 500\n            colour: red\n", 1),
            "range.yaml:15: FX.parameters.width_mm.colour: unknown field; expected one of: ",
        ),
        # An expression naming an unknown parameter.
        (
            VALID.replace("width_mm > 1500", "widht_mm > 1500"),
            "range.yaml:29: FX.rules.FX-E001.when: unknown name 'widht_mm' (did you mean 'width_mm'?) (column 22)",
        ),
        # A price grid with a hole where the limits allow a size.
        (
            VALID.replace("        max_area_m2: 1\n", ""),
            "range.yaml:40: FX.pricing.grid.cells[1][1]: no price for 2000 × 2000 although the limits allow ",
        ),
    ],
    ids=["syntax", "unknown-field", "unknown-parameter", "grid-hole"],
)
def test_a_bad_file_prints_file_line_field_message_and_writes_nothing(
    tmp_path: Path, broken: str, expected: str
) -> None:
    message, errors = _refused(_write(tmp_path, broken))
    assert message == "1 problem(s) in range.yaml: nothing loaded"
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert not CatalogueVersion.objects.exists()
    assert not ProductGroup.objects.exists() and not Product.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_catalogue", str(tmp_path / "nope.yaml"), stdout=StringIO(), stderr=StringIO())


def test_help_states_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("load_catalogue", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for rule in ("new catalogue version", "file:line: field: message", "unchanged", "become inactive"):
        assert rule in text


def test_a_load_moves_the_catalogue_stamp_of_the_overview_cache(tmp_path: Path) -> None:
    _load(_write(tmp_path, VALID))
    before = cache.get(overview_cache.CATALOGUE_STAMP)
    _load(_write(tmp_path, VALID.replace("[100, 200]", "[105, 200]")))
    assert cache.get(overview_cache.CATALOGUE_STAMP) != before
