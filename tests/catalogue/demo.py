"""The demo catalogue, loaded once per test run (loading compiles every expression)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from catalogue.definition import CatalogueDefinition
from catalogue.models import CatalogueVersion
from catalogue.schema import parse_catalogue
from catalogue.services import store_catalogue

DEMO_PATH = Path(__file__).resolve().parents[2] / "catalogue" / "data" / "demo.yaml"


@cache
def demo_catalogue() -> CatalogueDefinition:
    return parse_catalogue(DEMO_PATH.read_text(encoding="utf-8"), "demo.yaml")


def load_demo_catalogue() -> CatalogueVersion:
    """The demo catalogue stored as a version (the parse is shared by the whole run)."""
    return store_catalogue(catalogue=demo_catalogue(), filename="demo.yaml").version


@cache
def demo_catalogue_v2() -> CatalogueDefinition:
    """The demo catalogue with one price changed: the Somfy io motor costs €10 more (€255)."""
    text = DEMO_PATH.read_text(encoding="utf-8")
    changed = text.replace("fixed: 245, when: \"drive == 'motor_io'\"", "fixed: 255, when: \"drive == 'motor_io'\"")
    assert changed != text
    return parse_catalogue(changed, "demo-v2.yaml")


def load_demo_catalogue_v2() -> CatalogueVersion:
    return store_catalogue(catalogue=demo_catalogue_v2(), filename="demo-v2.yaml").version
