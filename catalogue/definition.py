"""A product definition as frozen data: what the engine evaluates and the database stores.

Built by :mod:`catalogue.schema` from the YAML catalogue (or rebuilt from its JSON), never
by hand in the portal. Every expression in it is already compiled and type-checked, so a
definition that exists can be evaluated; the engine (:mod:`configurator.engine`) holds no
knowledge of any product. Nothing here touches Django.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .expressions import Env, Expression, Template, Type, Value

LANGUAGES = ("fr", "nl", "de", "en")
# How numbers are written inside messages, per language.
DECIMAL_SEPARATORS = {"fr": ",", "nl": ",", "de": ",", "en": "."}


@dataclass(frozen=True)
class Text:
    """One text in the portal's four languages; all four are required."""

    fr: str
    nl: str
    de: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``language`` ("fr", "nl-be", …), French when the language is unknown."""
        value: str = getattr(self, language[:2].lower(), self.fr) if language else self.fr
        return value

    def as_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "nl": self.nl, "de": self.de, "en": self.en}

    @classmethod
    def same(cls, text: str) -> Text:
        """A text that reads the same in every language (a code, a unit)."""
        return cls(text, text, text, text)


@dataclass(frozen=True)
class TextTemplate:
    """A :class:`Text` whose strings hold ``{expression}`` placeholders, compiled per language."""

    text: Text
    templates: tuple[Template, Template, Template, Template] = field(compare=False, repr=False)

    @property
    def names(self) -> frozenset[str]:
        return frozenset().union(*(template.names for template in self.templates))

    def render(self, env: Env) -> Text:
        fr, nl, de, en = (
            template.render(env, DECIMAL_SEPARATORS[language])
            for language, template in zip(LANGUAGES, self.templates, strict=True)
        )
        return Text(fr, nl, de, en)


class Kind(enum.StrEnum):
    DIMENSION = "dimension"  # whole millimetres
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"

    @property
    def value_type(self) -> Type:
        if self is Kind.CHOICE:
            return Type.STRING
        if self is Kind.MULTICHOICE:
            return Type.STRING_LIST
        if self is Kind.BOOLEAN:
            return Type.BOOLEAN
        return Type.NUMBER

    @property
    def is_number(self) -> bool:
        return self.value_type is Type.NUMBER


class Severity(enum.StrEnum):
    ERROR = "error"  # blocks ordering
    WARNING = "warning"  # needs an acknowledgement before ordering
    INFO = "info"


@dataclass(frozen=True)
class Option:
    """One choice. ``data`` carries facts about it (fabric group, roll width, radio protocol…)
    that expressions read as ``<parameter>_<field>``; ``when`` limits when it may be chosen."""

    key: str
    label: Text
    data: Mapping[str, Value] = field(default_factory=dict)
    when: Expression | None = None


@dataclass(frozen=True)
class CustomMessage:
    """A catalogue's own id and wording for an input problem (out of limits, option refused)."""

    id: str
    message: TextTemplate


@dataclass(frozen=True)
class Parameter:
    key: str
    kind: Kind
    label: Text
    help: Text | None = None
    unit: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    step: Decimal | None = None
    default: Value | None = None
    options: tuple[Option, ...] = ()
    required: bool = True
    # Shown instead of the generic message when the value is outside minimum…maximum
    # (placeholders {min}, {max}, {unit}, {value}).
    limit: CustomMessage | None = None
    # Shown instead of the generic message when an option is not offered ({value}).
    invalid: CustomMessage | None = None

    def option(self, key: str) -> Option | None:
        for option in self.options:
            if option.key == key:
                return option
        return None

    @property
    def data_types(self) -> dict[str, Type]:
        """The option data fields and their types (uniform across options: the schema checks it)."""
        if not self.options:
            return {}
        return {name: value_type(value) for name, value in self.options[0].data.items()}


@dataclass(frozen=True)
class ContextName:
    """A value the caller supplies from outside the line (the parent pergola of a Loggia,
    the family of the product a service order is for). Absent unless it has a default."""

    key: str
    type: Type
    default: Value | None = None


@dataclass(frozen=True)
class Derived:
    key: str
    label: Text
    unit: str
    expression: Expression


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    condition: Expression
    message: TextTemplate
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PriceGrid:
    """Width × height (or projection) → price. A size rounds up to the next step, a size below
    the first step takes the first; a ``None`` cell is a size that is not produced."""

    label: TextTemplate
    x: str
    y: str
    x_steps: tuple[Decimal, ...]
    y_steps: tuple[Decimal, ...]
    cells: tuple[tuple[Decimal | None, ...], ...]  # one row per y step

    def lookup(self, x: Decimal, y: Decimal) -> tuple[Decimal | None, Decimal, Decimal] | None:
        """(price, x step, y step), or None when the size is beyond the last step."""
        column = _step_index(self.x_steps, x)
        row = _step_index(self.y_steps, y)
        if column is None or row is None:
            return None
        return self.cells[row][column], self.x_steps[column], self.y_steps[row]


def _step_index(steps: tuple[Decimal, ...], value: Decimal) -> int | None:
    for index, step in enumerate(steps):
        if value <= step:
            return index
    return None


@dataclass(frozen=True)
class StepPrice:
    """``amount`` per started ``step`` of a dimension (a grille is sold per started 100 mm)."""

    label: TextTemplate
    param: str
    step: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ItemPrice:
    """``amount`` × ``quantity`` (a Healthbox unit, a set of sliding panels, a spare part)."""

    label: TextTemplate
    amount: Expression
    quantity: Expression


class SurchargeKind(enum.StrEnum):
    FIXED = "fixed"  # amount × quantity (quantity defaults to 1)
    PER_METRE = "per_metre"  # amount × length_mm / 1000
    PER_STARTED_METRE = "per_started_metre"  # amount × ceil(length_mm / 1000)
    PER_M2 = "per_m2"  # amount × area_m2
    PERCENT = "percent"  # amount % of the base price, at least ``minimum``


@dataclass(frozen=True)
class Surcharge:
    key: str
    label: TextTemplate
    kind: SurchargeKind
    amount: Expression
    when: Expression | None = None
    # quantity (fixed), length in mm (per metre), area in m² (per m²); None for percent.
    measure: Expression | None = None
    minimum: Decimal | None = None


@dataclass(frozen=True)
class Pricing:
    base: PriceGrid | StepPrice | ItemPrice
    surcharges: tuple[Surcharge, ...] = ()


@dataclass(frozen=True)
class Component:
    """A bill-of-components line. Cut-to-size parts keep one article code: ``cut_mm`` says
    how long each of the ``quantity`` pieces is (unit ``mm``); other parts have no cut.
    A line whose quantity comes out at zero is left out."""

    code: Template
    description: Text
    quantity: Expression
    unit: str
    cut_mm: Expression | None = None
    when: Expression | None = None


@dataclass(frozen=True)
class ProductDefinition:
    code: str
    group: str
    name: Text
    family_digit: int | None  # the F of warranty numbers; None for products that get none
    is_service: bool
    parameters: tuple[Parameter, ...]
    derived: tuple[Derived, ...]
    rules: tuple[Rule, ...]
    pricing: Pricing
    components: tuple[Component, ...]
    context: tuple[ContextName, ...] = ()
    max_area_m2: Decimal | None = None
    position: int = 0
    # The shared lists (RAL Classic, standard colours…) by name, as expressions see them.
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def parameter(self, key: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.key == key:
                return parameter
        raise KeyError(key)


@dataclass(frozen=True)
class Group:
    code: str
    name: Text
    position: int


@dataclass(frozen=True)
class CatalogueDefinition:
    groups: tuple[Group, ...]
    products: tuple[ProductDefinition, ...]
    lists: Mapping[str, tuple[Option, ...]]
    content_hash: str  # sha256 of the canonical JSON: the same file loads to the same hash

    def product(self, code: str) -> ProductDefinition:
        for product in self.products:
            if product.code == code:
                return product
        raise KeyError(code)


def value_type(value: Value) -> Type:
    if isinstance(value, bool):
        return Type.BOOLEAN
    if isinstance(value, Decimal):
        return Type.NUMBER
    if isinstance(value, tuple):
        return Type.STRING_LIST
    return Type.STRING
