"""Reads a catalogue file into a :class:`~catalogue.definition.CatalogueDefinition`.

Everything a catalogue editor can get wrong is found here, at load, and reported together
as ``file:line: field.path: message``: YAML syntax, unknown or missing fields, wrong types,
bad enum values, duplicate keys and ids, expressions that name something unknown or mix
types, and price grids with a hole where the product's limits allow a size. A catalogue
that loads can be evaluated for every configuration its limits allow.

The file layout (see ``catalogue/data/demo.yaml``)::

    format: 1
    lists: {name: [option, …]}            shared option lists (RAL Classic…)
    shared:                               definitions several products reuse by name
      parameters: [parameter, …]
      rules: [rule, …]
      components: {bundle: [component, …]}
    groups: [{code, name, products: [product, …]}, …]

The same builder reads one product back from its JSON (:mod:`catalogue.serialise`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from .definition import (
    LANGUAGES,
    CatalogueDefinition,
    Component,
    ContextName,
    CustomMessage,
    Derived,
    Group,
    ItemPrice,
    Kind,
    Option,
    Parameter,
    PriceGrid,
    Pricing,
    ProductDefinition,
    Rule,
    Severity,
    StepPrice,
    Surcharge,
    SurchargeKind,
    Text,
    TextTemplate,
    value_type,
)
from .expressions import Expression, ExpressionError, Template, Type, Value, compile_expression, compile_template
from .serialise import JsonValue, catalogue_hash
from .yaml_loader import Map, Seq, YamlProblem, line_of, load_yaml

T = TypeVar("T")


class Problem(NamedTuple):
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class CatalogueError(Exception):
    """Every problem found in a catalogue; ``str()`` lists them one per line."""

    def __init__(self, errors: list[Problem]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


def parse_catalogue(text: str, filename: str) -> CatalogueDefinition:
    """Validate and compile a whole catalogue file; raise :class:`CatalogueError` on any problem."""
    try:
        data, problems = load_yaml(text)
    except YamlProblem as syntax:
        raise CatalogueError([Problem(filename, syntax.line, "(syntax)", syntax.message)]) from None
    builder = _Builder(filename)
    for duplicate in problems:
        builder.error(duplicate.line, "(yaml)", duplicate.message)
    groups, products, lists = builder.catalogue(data)
    builder.raise_errors()
    return CatalogueDefinition(groups, products, lists, catalogue_hash(groups, products, lists))


def definition_from_json(data: Mapping[str, JsonValue]) -> ProductDefinition:
    """Rebuild (and recompile) a product from :func:`catalogue.serialise.definition_to_json`'s output.

    It goes through the same checks as a catalogue file, so a stored definition that no
    longer compiles fails loudly instead of evaluating wrongly.
    """
    group = data.get("group")
    return build_product(data, group=group if isinstance(group, str) else "", source=f"<json {data.get('code')}>")


def build_product(data: Mapping[str, Any], *, group: str, source: str) -> ProductDefinition:
    """One product from a resolved mapping (its JSON): everything inline, lists by keys."""
    builder = _Builder(source)
    raw_lists = data.get("lists", {}) if isinstance(data, Mapping) else {}
    lists: dict[str, tuple[Option, ...]] = {}
    if isinstance(raw_lists, Mapping):
        for name, keys in raw_lists.items():
            if isinstance(keys, list) and all(isinstance(key, str) for key in keys):
                lists[str(name)] = tuple(Option(key, Text.same(key)) for key in keys)
            else:
                builder.error(0, f"lists.{name}", "expected a list of strings")
    code = data.get("code", "product") if isinstance(data, Mapping) else "product"
    position = data.get("position", 0) if isinstance(data, Mapping) else 0
    product = builder.product(data, 0, str(code), group, int(position), lists, _Shared.empty(), from_json=True)
    builder.raise_errors()
    assert product is not None
    return product


# --- the builder -------------------------------------------------------------------------

_PRODUCT_FIELDS = (
    "code",
    "name",
    "family_digit",
    "is_service",
    "max_area_m2",
    "context",
    "parameters",
    "derived",
    "rules",
    "pricing",
    "components",
)


@dataclass
class _Shared:
    parameters: dict[str, tuple[Any, int]]
    rules: dict[str, tuple[Any, int]]
    components: dict[str, tuple[Any, int]]

    @classmethod
    def empty(cls) -> _Shared:
        return cls({}, {}, {})


class _At:
    """A mapping being read: its fields with their lines and paths."""

    def __init__(self, builder: _Builder, data: Mapping[str, Any], line: int, path: str) -> None:
        self.b = builder
        self.data = data
        self.line = line
        self.path = path

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def line_of(self, key: str) -> int:
        return line_of(self.data, key, self.line)

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}"

    def error(self, key: str, message: str) -> None:
        self.b.error(self.line_of(key), self.sub(key), message)

    def get(self, key: str, read: Callable[[Any, int, str], T | None], default: T | None = None) -> T | None:
        if key not in self.data:
            return default
        return read(self.data[key], self.line_of(key), self.sub(key))

    def string(self, key: str, default: str | None = None) -> str | None:
        return self.get(key, self.b.string, default)

    def number(self, key: str, default: Decimal | None = None) -> Decimal | None:
        return self.get(key, self.b.number, default)

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        return self.get(key, self.b.boolean, default)

    def text(self, key: str) -> Text | None:
        return self.get(key, self.b.text)

    def expression(self, key: str, names: Mapping[str, Type], expected: Type | None) -> Expression | None:
        return self.get(key, lambda value, line, path: self.b.expression(value, line, path, names, expected))

    def text_template(self, key: str, names: Mapping[str, Type]) -> TextTemplate | None:
        return self.get(key, lambda value, line, path: self.b.text_template(value, line, path, names))

    def choice(self, key: str, allowed: Iterable[str]) -> str | None:
        value = self.string(key)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            self.error(key, f"'{value}' is not one of: {', '.join(allowed)}")
            return None
        return value


class _Builder:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.errors: list[Problem] = []
        # Conditions of shared list options, compiled with each product that uses the list.
        self.list_whens: dict[str, list[tuple[Any, int, str]]] = {}

    def error(self, line: int, path: str, message: str) -> None:
        problem = Problem(self.filename, line, path, message)
        if problem not in self.errors:  # a shared definition is checked once per product using it
            self.errors.append(problem)

    def raise_errors(self) -> None:
        if self.errors:
            raise CatalogueError(sorted(self.errors, key=lambda problem: problem.line))

    # --- scalars and small shapes --------------------------------------------------------

    def fields(
        self, data: Any, line: int, path: str, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> _At | None:
        if not isinstance(data, Mapping):
            self.error(line, path, f"expected a mapping, got {_describe(data)}")
            return None
        required, optional = tuple(required), tuple(optional)
        at = _At(self, data, getattr(data, "line", 0) or line, path)
        for key in data:
            if key not in required and key not in optional:
                at.error(key, f"unknown field; expected one of: {', '.join(required + optional)}")
        for key in required:
            if key not in data:
                self.error(at.line, path, f"missing field '{key}'")
        return at

    def string(self, value: Any, line: int, path: str) -> str | None:
        if isinstance(value, Decimal):  # an unquoted code such as 7016
            return str(value)
        if not isinstance(value, str):
            self.error(line, path, f"expected text, got {_describe(value)}")
            return None
        return value

    def number(self, value: Any, line: int, path: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
            self.error(line, path, f"expected a number, got {_describe(value)}")
            return None
        if isinstance(value, float):  # from a JSON column: the shortest repr is the number written
            return Decimal(repr(value))
        return Decimal(value)

    def boolean(self, value: Any, line: int, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(line, path, f"expected true or false, got {_describe(value)}")
            return None
        return value

    def text(self, value: Any, line: int, path: str) -> Text | None:
        at = self.fields(value, line, path, required=LANGUAGES)
        if at is None or any(language not in value for language in LANGUAGES):
            return None
        strings = [at.string(language) for language in LANGUAGES]
        if any(string is None for string in strings):
            return None
        for language, string in zip(LANGUAGES, strings, strict=True):
            if not (string or "").strip():
                at.error(language, "the text is empty")
        fr, nl, de, en = (string or "" for string in strings)
        return Text(fr, nl, de, en)

    def expression(
        self, value: Any, line: int, path: str, names: Mapping[str, Type], expected: Type | None
    ) -> Expression | None:
        if isinstance(value, bool):
            source = "True" if value else "False"
        elif isinstance(value, Decimal | int | float):
            source = str(self.number(value, line, path))
        elif isinstance(value, str):
            source = value
        else:
            self.error(line, path, f"expected an expression, got {_describe(value)}")
            return None
        try:
            return compile_expression(source, names, expected=expected)
        except ExpressionError as error:
            self.error(line, path, str(error))
            return None

    def template(self, value: Any, line: int, path: str, names: Mapping[str, Type]) -> Template | None:
        source = self.string(value, line, path)
        if source is None:
            return None
        try:
            return compile_template(source, names)
        except ExpressionError as error:
            self.error(line, path, str(error))
            return None

    def text_template(self, value: Any, line: int, path: str, names: Mapping[str, Type]) -> TextTemplate | None:
        text = self.text(value, line, path)
        if text is None:
            return None
        templates = []
        for language in LANGUAGES:
            template = self.template(text.get(language), line_of(value, language, line), f"{path}.{language}", names)
            if template is None:
                return None
            templates.append(template)
        fr, nl, de, en = templates
        return TextTemplate(text, (fr, nl, de, en))

    def items(self, value: Any, line: int, path: str) -> list[tuple[Any, int, str]]:
        """A list's items with their lines and paths (``path[3]``)."""
        if not isinstance(value, list):
            self.error(line, path, f"expected a list, got {_describe(value)}")
            return []
        return [(item, line_of(value, index, line), f"{path}[{index}]") for index, item in enumerate(value)]

    def unique(self, key: str, seen: set[str], line: int, path: str, what: str) -> None:
        if key in seen:
            self.error(line, path, f"duplicate {what} '{key}'")
        seen.add(key)

    # --- the catalogue -------------------------------------------------------------------

    def catalogue(
        self, data: Any
    ) -> tuple[tuple[Group, ...], tuple[ProductDefinition, ...], dict[str, tuple[Option, ...]]]:
        at = self.fields(data, 1, "catalogue", required=("format", "groups"), optional=("lists", "shared"))
        if at is None:
            return (), (), {}
        version = at.number("format")
        if version is not None and version != 1:
            at.error("format", "only format 1 is known")
        lists = self.lists(at.raw("lists") or {}, at.line_of("lists"))
        shared = self.shared(at.raw("shared") or {}, at.line_of("shared"))
        groups: list[Group] = []
        products: list[ProductDefinition] = []
        group_codes: set[str] = set()
        product_codes: set[str] = set()
        digits: dict[int, str] = {}
        for position, (item, line, path) in enumerate(self.items(at.raw("groups"), at.line_of("groups"), "groups")):
            group_at = self.fields(item, line, path, required=("code", "name", "products"))
            if group_at is None:
                continue
            code = group_at.string("code") or f"group{position}"
            path = code
            group_at.path = code
            self.unique(code, group_codes, line, f"{path}.code", "group code")
            name = group_at.text("name")
            if name is not None:
                groups.append(Group(code, name, position))
            for index, (product_data, product_line, _) in enumerate(
                self.items(group_at.raw("products"), group_at.line_of("products"), f"{path}.products")
            ):
                product_code = product_data.get("code") if isinstance(product_data, Mapping) else None
                product_path = product_code if isinstance(product_code, str) else f"{path}.products[{index}]"
                product = self.product(product_data, product_line, product_path, code, index, lists, shared)
                if product is None:
                    continue
                self.unique(product.code, product_codes, product_line, f"{product_path}.code", "product code")
                if product.family_digit is not None:
                    if product.family_digit in digits:
                        self.error(
                            product_line,
                            f"{product_path}.family_digit",
                            f"family digit {product.family_digit} is already used by {digits[product.family_digit]}",
                        )
                    digits[product.family_digit] = product.code
                products.append(product)
        return tuple(groups), tuple(products), lists

    def lists(self, data: Any, line: int) -> dict[str, tuple[Option, ...]]:
        result: dict[str, tuple[Option, ...]] = {}
        if not isinstance(data, Mapping):
            self.error(line, "lists", f"expected a mapping, got {_describe(data)}")
            return result
        for name, items in data.items():
            path = f"lists.{name}"
            options = self.options(items, line_of(data, name, line), path, {})
            result[name] = tuple(option for option, _ in options)
            self.list_whens[name] = [when for _, when in options]
        return result

    def shared(self, data: Any, line: int) -> _Shared:
        shared = _Shared.empty()
        at = self.fields(data, line, "shared", optional=("parameters", "rules", "components"))
        if at is None:
            return shared
        for item, item_line, path in self.items(
            at.raw("parameters") or [], at.line_of("parameters"), at.sub("parameters")
        ):
            key = item.get("key") if isinstance(item, Mapping) else None
            if not isinstance(key, str):
                self.error(item_line, path, "a shared parameter needs a 'key'")
                continue
            if key in shared.parameters:
                self.error(item_line, path, f"duplicate shared parameter '{key}'")
            shared.parameters[key] = (item, item_line)
        for item, item_line, path in self.items(at.raw("rules") or [], at.line_of("rules"), at.sub("rules")):
            rule_id = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(rule_id, str):
                self.error(item_line, path, "a shared rule needs an 'id'")
                continue
            if rule_id in shared.rules:
                self.error(item_line, path, f"duplicate shared rule '{rule_id}'")
            shared.rules[rule_id] = (item, item_line)
        bundles = at.raw("components") or {}
        if not isinstance(bundles, Mapping):
            at.error("components", f"expected a mapping of bundles, got {_describe(bundles)}")
        else:
            for name, items in bundles.items():
                shared.components[name] = (items, line_of(bundles, name, at.line_of("components")))
        return shared

    # --- a product -----------------------------------------------------------------------

    def product(
        self,
        data: Any,
        line: int,
        path: str,
        group: str,
        position: int,
        lists: Mapping[str, tuple[Option, ...]],
        shared: _Shared,
        *,
        from_json: bool = False,
    ) -> ProductDefinition | None:
        # The JSON of one product also carries its group, position and the shared lists' keys.
        optional = (*_PRODUCT_FIELDS[2:], "lists", "group", "position") if from_json else _PRODUCT_FIELDS[2:]
        at = self.fields(data, line, path, required=("code", "name", "parameters", "pricing"), optional=optional)
        if at is None:
            return None
        errors_before = len(self.errors)
        code = at.string("code") or path
        name = at.text("name")
        digit = at.number("family_digit")
        if digit is not None and (digit != digit.to_integral_value() or not 1 <= digit <= 9):
            at.error("family_digit", "expected a digit from 1 to 9")
            digit = None
        is_service = at.boolean("is_service", False)
        max_area = at.number("max_area_m2")

        names: dict[str, Type] = {list_name: Type.STRING_LIST for list_name in lists}
        if max_area is not None:
            names["max_area_m2"] = Type.NUMBER
        context = self.context(at, names)
        parameters = self.parameters(at, names, lists, shared)
        derived = self.derived(at, names)
        parameter_keys = {parameter.key for parameter in parameters}
        rules = self.rules(at, names, parameter_keys | {item.key for item in derived}, shared)
        pricing = self.pricing(at, names, {parameter.key: parameter for parameter in parameters}, max_area)
        components = self.components(at, names, shared)
        if len(self.errors) > errors_before or name is None or pricing is None:
            return None
        return ProductDefinition(
            code=code,
            group=group,
            name=name,
            family_digit=int(digit) if digit is not None else None,
            is_service=bool(is_service),
            parameters=parameters,
            derived=derived,
            rules=rules,
            pricing=pricing,
            components=components,
            context=context,
            max_area_m2=max_area,
            position=position,
            lists={list_name: tuple(option.key for option in options) for list_name, options in lists.items()},
        )

    def declare(self, names: dict[str, Type], key: str, kind: Type, line: int, path: str) -> None:
        if key in names:
            self.error(line, path, f"the name '{key}' is already used")
        names[key] = kind

    def context(self, at: _At, names: dict[str, Type]) -> tuple[ContextName, ...]:
        result: list[ContextName] = []
        for item, line, path in self.items(at.raw("context") or [], at.line_of("context"), at.sub("context")):
            entry = self.fields(item, line, path, required=("key", "type"), optional=("default",))
            if entry is None:
                continue
            key = entry.string("key")
            kind = entry.choice("type", [member.value for member in Type])
            if key is None or kind is None:
                continue
            context_type = Type(kind)
            default: Value | None = None
            if entry.has("default"):
                default = self.value(entry.raw("default"), entry.line_of("default"), entry.sub("default"), context_type)
            self.declare(names, key, context_type, line, f"{path}.key")
            result.append(ContextName(key, context_type, default))
        return tuple(result)

    def string_list(self, value: Any, line: int, path: str) -> tuple[str, ...] | None:
        strings = [
            self.string(item, item_line, item_path) for item, item_line, item_path in self.items(value, line, path)
        ]
        if any(string is None for string in strings):
            return None
        return tuple(string for string in strings if string is not None)

    def value(self, value: Any, line: int, path: str, expected: Type) -> Value | None:
        if expected is Type.NUMBER:
            return self.number(value, line, path)
        if expected is Type.BOOLEAN:
            return self.boolean(value, line, path)
        if expected is Type.STRING:
            return self.string(value, line, path)
        strings = [
            self.string(item, item_line, item_path) for item, item_line, item_path in self.items(value, line, path)
        ]
        if any(string is None for string in strings):
            return None
        return tuple(string for string in strings if string is not None)

    # --- parameters ----------------------------------------------------------------------

    def parameters(
        self, at: _At, names: dict[str, Type], lists: Mapping[str, tuple[Option, ...]], shared: _Shared
    ) -> tuple[Parameter, ...]:
        built: list[tuple[Parameter, list[tuple[Any, int, str]]]] = []
        keys: set[str] = set()
        for item, line, path in self.items(at.raw("parameters"), at.line_of("parameters"), at.sub("parameters")):
            item, line, overrides = self.resolve_parameter(item, line, path, shared)
            if item is None:
                continue
            key = item.get("key") if isinstance(item, Mapping) else None
            item_path = f"{at.path}.parameters.{key}" if isinstance(key, str) else path
            result = self.parameter(item, line, item_path, lists, overrides)
            if result is None:
                continue
            parameter, whens = result
            self.unique(parameter.key, keys, line, f"{item_path}.key", "parameter")
            self.declare(names, parameter.key, parameter.kind.value_type, line, f"{item_path}.key")
            for field_name, field_type in parameter.data_types.items():
                if parameter.kind is Kind.CHOICE:
                    self.declare(names, f"{parameter.key}_{field_name}", field_type, line, f"{item_path}.options")
                elif field_type is Type.STRING:
                    self.declare(names, f"{parameter.key}_{field_name}", Type.STRING_LIST, line, f"{item_path}.options")
            built.append((parameter, whens))
        # Availability conditions read the other parameters, so they compile once all are known.
        result_parameters = []
        for parameter, whens in built:
            if whens:
                own = {parameter.key, *(f"{parameter.key}_{name}" for name in parameter.data_types)}
                visible = {name: kind for name, kind in names.items() if name not in own}
                options = list(parameter.options)
                for index, (source, line, path) in enumerate(whens):
                    if source is not None:
                        when = self.expression(source, line, path, visible, Type.BOOLEAN)
                        options[index] = replace(options[index], when=when)
                parameter = replace(parameter, options=tuple(options))
            result_parameters.append(parameter)
        return tuple(result_parameters)

    def resolve_parameter(
        self, item: Any, line: int, path: str, shared: _Shared
    ) -> tuple[Any, int, dict[str, tuple[Any, int]]]:
        """A parameter written inline, or ``name`` / ``{use: name, exclude: […], default: …}``."""
        overrides: dict[str, tuple[Any, int]] = {}
        if isinstance(item, Mapping) and "use" in item:
            at = self.fields(item, line, path, required=("use",), optional=("exclude", "default", "required"))
            if at is None:
                return None, line, overrides
            for key in ("exclude", "default", "required"):
                if at.has(key):
                    overrides[key] = (at.raw(key), at.line_of(key))
            item = at.raw("use")
        if isinstance(item, str):
            if item not in shared.parameters:
                self.error(line, path, f"unknown shared parameter '{item}'")
                return None, line, overrides
            data, shared_line = shared.parameters[item]
            return data, shared_line, overrides
        return item, line, overrides

    def parameter(
        self,
        data: Any,
        line: int,
        path: str,
        lists: Mapping[str, tuple[Option, ...]],
        overrides: dict[str, tuple[Any, int]],
    ) -> tuple[Parameter, list[tuple[Any, int, str]]] | None:
        at = self.fields(
            data,
            line,
            path,
            required=("key", "kind", "label"),
            optional=(
                "help",
                "unit",
                "min",
                "max",
                "step",
                "default",
                "options",
                "exclude",
                "required",
                "limit",
                "invalid",
            ),
        )
        if at is None:
            return None
        errors_before = len(self.errors)
        key = at.string("key")
        kind_name = at.choice("kind", [kind.value for kind in Kind])
        label = at.text("label")
        help_text = at.text("help") if at.has("help") else None
        if key is None or kind_name is None or label is None:
            return None
        kind = Kind(kind_name)
        unit = at.string("unit", "mm" if kind is Kind.DIMENSION else "") or ""

        minimum = maximum = step = None
        if kind.is_number:
            for bound in ("min", "max"):
                if not at.has(bound):
                    self.error(at.line, path, f"missing field '{bound}'")
            minimum, maximum = at.number("min"), at.number("max")
            step = at.number("step", Decimal(1) if kind in (Kind.DIMENSION, Kind.INTEGER) else None)
            if minimum is not None and maximum is not None and minimum > maximum:
                at.error("max", f"max {maximum} is below min {minimum}")
            if step is not None and step <= 0:
                at.error("step", "the step must be positive")
            if kind in (Kind.DIMENSION, Kind.INTEGER):
                for bound, number in (("min", minimum), ("max", maximum), ("step", step)):
                    if number is not None and number != number.to_integral_value():
                        at.error(bound, f"a {kind} takes whole numbers")
        else:
            for bound in ("min", "max", "step"):
                if at.has(bound):
                    at.error(bound, f"a {kind} parameter has no {bound}")

        options: tuple[Option, ...] = ()
        whens: list[tuple[Any, int, str]] = []
        exclude = overrides.get("exclude", (at.raw("exclude"), at.line_of("exclude")))
        if kind in (Kind.CHOICE, Kind.MULTICHOICE):
            if not at.has("options"):
                self.error(at.line, path, "missing field 'options'")
            else:
                options, whens = self.parameter_options(at, lists, exclude)
        elif at.has("options"):
            at.error("options", f"a {kind} parameter has no options")

        required_value, required_line = overrides.get("required", (at.raw("required"), at.line_of("required")))
        required = True
        if required_value is not None:
            required = bool(self.boolean(required_value, required_line, at.sub("required")))
        if kind is Kind.MULTICHOICE:
            required = False  # an empty selection is a selection

        value_names = {"min": Type.STRING, "max": Type.STRING, "unit": Type.STRING, "value": Type.STRING}
        limit = at.get("limit", lambda value, line, path: self.custom_message(value, line, path, value_names))
        invalid = at.get("invalid", lambda value, line, path: self.custom_message(value, line, path, value_names))
        if limit is not None and not kind.is_number:
            at.error("limit", f"a {kind} parameter has no limits")
        if invalid is not None and kind not in (Kind.CHOICE, Kind.MULTICHOICE):
            at.error("invalid", f"a {kind} parameter has no options")
        if len(self.errors) > errors_before:
            return None
        # A wrong default is reported but keeps the parameter, so that its rules are still checked.
        default_value, default_line = overrides.get("default", (at.raw("default"), at.line_of("default")))
        default: Value | None = None
        if default_value is not None:
            default = self.default(default_value, default_line, at.sub("default"), kind, options, minimum, maximum)
        elif kind is Kind.BOOLEAN:
            at.error("kind", "a boolean parameter needs a default")
        elif kind is Kind.MULTICHOICE:
            default = ()
        parameter = Parameter(
            key=key,
            kind=kind,
            label=label,
            help=help_text,
            unit=unit,
            minimum=minimum,
            maximum=maximum,
            step=step,
            default=default,
            options=options,
            required=required,
            limit=limit,
            invalid=invalid,
        )
        return parameter, whens

    def parameter_options(
        self, at: _At, lists: Mapping[str, tuple[Option, ...]], exclude: tuple[Any, int]
    ) -> tuple[tuple[Option, ...], list[tuple[Any, int, str]]]:
        raw = at.raw("options")
        exclude_value, exclude_line = exclude
        if isinstance(raw, str):
            if raw not in lists:
                at.error("options", f"unknown list '{raw}'")
                return (), []
            options = lists[raw]
            excluded: tuple[str, ...] = ()
            if exclude_value is not None:
                excluded = self.string_list(exclude_value, exclude_line, at.sub("exclude")) or ()
                known = {option.key for option in options}
                for key in excluded:
                    if key not in known:
                        self.error(exclude_line, at.sub("exclude"), f"'{key}' is not in the list '{raw}'")
            whens = self.list_whens.get(raw, [(None, 0, "")] * len(options))
            kept = [(option, when) for option, when in zip(options, whens, strict=True) if option.key not in excluded]
            options = tuple(option for option, _ in kept)
            conditions = [when for _, when in kept]
            return options, conditions if any(when is not None for when, _, _ in conditions) else []
        if exclude_value is not None:
            self.error(exclude_line, at.sub("exclude"), "'exclude' only applies to options taken from a list")
        built = self.options(raw, at.line_of("options"), at.sub("options"), {})
        options = tuple(option for option, _ in built)
        whens = [(when, line, path) for _, (when, line, path) in built]
        if not options:
            at.error("options", "a choice needs at least one option")
        return options, whens if any(when is not None for when, _, _ in whens) else []

    def options(
        self, data: Any, line: int, path: str, names: Mapping[str, Type]
    ) -> list[tuple[Option, tuple[Any, int, str]]]:
        """Options with their ``when`` sources, compiled later against the other parameters."""
        result: list[tuple[Option, tuple[Any, int, str]]] = []
        keys: set[str] = set()
        data_types: dict[str, Type] | None = None
        for item, item_line, item_path in self.items(data, line, path):
            if isinstance(item, str | Decimal):
                key = str(item)
                self.unique(key, keys, item_line, item_path, "option")
                result.append((Option(key, Text.same(key)), (None, item_line, f"{item_path}.when")))
                continue
            at = self.fields(item, item_line, item_path, required=("key",), optional=("label", "data", "when"))
            if at is None:
                continue
            option_key = at.string("key")
            if option_key is None:
                continue
            key = option_key
            self.unique(key, keys, item_line, f"{item_path}.key", "option")
            label = at.text("label") if at.has("label") else Text.same(key)
            option_data = self.option_data(at)
            if label is None or option_data is None:
                continue
            types = {name: value_type(value) for name, value in option_data.items()}
            if data_types is None:
                data_types = types
            elif types != data_types:
                at.error("data", f"every option needs the data fields and types of the first: {_types(data_types)}")
            result.append((Option(key, label, option_data), (at.raw("when"), at.line_of("when"), at.sub("when"))))
        return result

    def option_data(self, at: _At) -> dict[str, Value] | None:
        raw = at.raw("data")
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            at.error("data", f"expected a mapping, got {_describe(raw)}")
            return None
        result: dict[str, Value] = {}
        for name, value in raw.items():
            line, path = line_of(raw, name, at.line), f"{at.sub('data')}.{name}"
            if isinstance(value, list):
                strings = self.string_list(value, line, path)
                if strings is None:
                    return None
                result[name] = strings
            elif isinstance(value, bool | str | Decimal):
                result[name] = value
            elif isinstance(value, int | float):
                number = self.number(value, line, path)
                if number is None:
                    return None
                result[name] = number
            else:
                self.error(line, path, f"expected text, a number, true/false or a list, got {_describe(value)}")
                return None
        return result

    def default(
        self,
        value: Any,
        line: int,
        path: str,
        kind: Kind,
        options: tuple[Option, ...],
        minimum: Decimal | None,
        maximum: Decimal | None,
    ) -> Value | None:
        expected = kind.value_type
        default = self.value(value, line, path, expected)
        if default is None:
            return None
        keys = {option.key for option in options}
        if isinstance(default, str) and kind is Kind.CHOICE and default not in keys:
            self.error(line, path, f"the default '{default}' is not one of the options")
        if isinstance(default, tuple):
            for key in default:
                if key not in keys:
                    self.error(line, path, f"the default '{key}' is not one of the options")
        in_limits = minimum is None or maximum is None or not isinstance(default, Decimal)
        if not in_limits and not minimum <= default <= maximum:  # type: ignore[operator]
            self.error(line, path, f"the default {default} is outside {minimum}…{maximum}")
        return default

    def custom_message(self, value: Any, line: int, path: str, names: Mapping[str, Type]) -> CustomMessage | None:
        at = self.fields(value, line, path, required=("id", "message"))
        if at is None:
            return None
        message_id = at.string("id")
        message = at.text_template("message", names)
        if message_id is None or message is None:
            return None
        return CustomMessage(message_id, message)

    # --- derived values and rules --------------------------------------------------------

    def derived(self, at: _At, names: dict[str, Type]) -> tuple[Derived, ...]:
        result: list[Derived] = []
        for item, line, path in self.items(at.raw("derived") or [], at.line_of("derived"), at.sub("derived")):
            entry = self.fields(item, line, path, required=("key", "label", "value"), optional=("unit",))
            if entry is None:
                continue
            key = entry.string("key")
            if key is not None:
                entry.path = f"{at.path}.derived.{key}"
            label = entry.text("label")
            unit = entry.string("unit", "") or ""
            # Each derived value sees the ones declared before it, never those after.
            expression = entry.expression("value", names, None)
            if key is None or label is None or expression is None:
                continue
            self.declare(names, key, expression.type, line, f"{entry.path}.key")
            result.append(Derived(key, label, unit, expression))
        return tuple(result)

    def rules(self, at: _At, names: Mapping[str, Type], field_keys: set[str], shared: _Shared) -> tuple[Rule, ...]:
        result: list[Rule] = []
        ids: set[str] = set()
        for item, line, path in self.items(at.raw("rules") or [], at.line_of("rules"), at.sub("rules")):
            if isinstance(item, str):
                if item not in shared.rules:
                    self.error(line, path, f"unknown shared rule '{item}'")
                    continue
                item, line = shared.rules[item]
            entry = self.fields(item, line, path, required=("id", "severity", "when", "message", "fields"))
            if entry is None:
                continue
            rule_id = entry.string("id")
            if rule_id is None:
                continue
            entry.path = f"{at.path}.rules.{rule_id}"
            self.unique(rule_id, ids, line, f"{entry.path}.id", "rule id")
            severity = entry.choice("severity", [severity.value for severity in Severity])
            condition = entry.expression("when", names, Type.BOOLEAN)
            message = entry.text_template("message", names)
            fields = entry.get("fields", self.string_list)
            for field_name in fields or ():
                if field_name not in field_keys:
                    entry.error("fields", f"'{field_name}' is not a parameter or derived value of this product")
            if severity is None or condition is None or message is None or fields is None:
                continue
            assert isinstance(fields, tuple)
            result.append(Rule(rule_id, Severity(severity), condition, message, fields))
        return tuple(result)

    # --- pricing -------------------------------------------------------------------------

    def pricing(
        self,
        at: _At,
        names: Mapping[str, Type],
        parameters: Mapping[str, Parameter],
        max_area: Decimal | None,
    ) -> Pricing | None:
        pricing = self.fields(
            at.raw("pricing"),
            at.line_of("pricing"),
            at.sub("pricing"),
            optional=("grid", "per_step", "per_item", "surcharges"),
        )
        if pricing is None:
            return None
        bases = [key for key in ("grid", "per_step", "per_item") if pricing.has(key)]
        if len(bases) != 1:
            self.error(pricing.line, pricing.path, "needs exactly one of: grid, per_step, per_item")
            return None
        (base_key,) = bases
        line, path, raw = pricing.line_of(base_key), pricing.sub(base_key), pricing.raw(base_key)
        base: PriceGrid | StepPrice | ItemPrice | None
        if base_key == "grid":
            base = self.grid(raw, line, path, names, parameters, max_area)
        elif base_key == "per_step":
            base = self.step_price(raw, line, path, names, parameters)
        else:
            base = self.item_price(raw, line, path, names)
        surcharges = self.surcharges(pricing, names)
        if base is None:
            return None
        return Pricing(base, surcharges)

    def grid(
        self,
        data: Any,
        line: int,
        path: str,
        names: Mapping[str, Type],
        parameters: Mapping[str, Parameter],
        max_area: Decimal | None,
    ) -> PriceGrid | None:
        at = self.fields(data, line, path, required=("label", "x", "y", "x_steps", "y_steps", "cells"))
        if at is None:
            return None
        label = at.text_template("label", names)
        axes = []
        for axis in ("x", "y"):
            key = at.string(axis)
            parameter = parameters.get(key or "")
            if key is not None and (parameter is None or parameter.kind is not Kind.DIMENSION):
                at.error(axis, f"'{key}' is not a dimension parameter of this product")
                parameter = None
            steps = self.steps(at, f"{axis}_steps")
            axes.append((parameter, steps))
        (x_param, x_steps), (y_param, y_steps) = axes
        cells = self.cells(at, len(x_steps), len(y_steps)) if x_steps is not None and y_steps is not None else None
        if label is None or x_param is None or y_param is None or x_steps is None or y_steps is None or cells is None:
            return None
        grid = PriceGrid(label, x_param.key, y_param.key, x_steps, y_steps, cells)
        self.check_grid_limits(at, grid, x_param, y_param, max_area)
        return grid

    def steps(self, at: _At, key: str) -> tuple[Decimal, ...] | None:
        numbers = [
            self.number(item, line, path) for item, line, path in self.items(at.raw(key), at.line_of(key), at.sub(key))
        ]
        if not numbers or any(number is None for number in numbers):
            if not numbers:
                at.error(key, "needs at least one step")
            return None
        steps = tuple(number for number in numbers if number is not None)
        for before, after in itertools.pairwise(steps):
            if after <= before:
                at.error(key, f"steps must increase strictly: {after} follows {before}")
                return None
        return steps

    def cells(self, at: _At, columns: int, rows: int) -> tuple[tuple[Decimal | None, ...], ...] | None:
        raw_rows = self.items(at.raw("cells"), at.line_of("cells"), at.sub("cells"))
        if len(raw_rows) != rows:
            at.error("cells", f"expected {rows} rows (one per y step), got {len(raw_rows)}")
            return None
        result = []
        for row, line, path in raw_rows:
            values = self.items(row, line, path)
            if len(values) != columns:
                self.error(line, path, f"expected {columns} cells (one per x step), got {len(values)}")
                return None
            cells: list[Decimal | None] = []
            for value, cell_line, cell_path in values:
                number = None if value is None else self.number(value, cell_line, cell_path)
                if number is not None and number < 0:
                    self.error(cell_line, cell_path, "a price cannot be negative")
                cells.append(number)
            result.append(tuple(cells))
        return tuple(result)

    def check_grid_limits(
        self, at: _At, grid: PriceGrid, x_param: Parameter, y_param: Parameter, max_area: Decimal | None
    ) -> None:
        """Every size the limits allow must land in a priced cell."""
        for parameter, steps, key in ((x_param, grid.x_steps, "x_steps"), (y_param, grid.y_steps, "y_steps")):
            if parameter.maximum is not None and parameter.maximum > steps[-1]:
                at.error(key, f"{parameter.key} may reach {parameter.maximum} but the last step is {steps[-1]}")
                return
        x_ranges = _cell_ranges(grid.x_steps, x_param)
        y_ranges = _cell_ranges(grid.y_steps, y_param)
        rows = at.raw("cells")
        for row_index, y_range in enumerate(y_ranges):
            for column_index, x_range in enumerate(x_ranges):
                if grid.cells[row_index][column_index] is not None or x_range is None or y_range is None:
                    continue
                smallest_area = x_range[0] * y_range[0] / 1_000_000
                if max_area is not None and smallest_area > max_area:
                    continue
                line = line_of(rows, row_index, at.line_of("cells"))
                self.error(
                    line,
                    f"{at.sub('cells')}[{row_index}][{column_index}]",
                    f"no price for {grid.x_steps[column_index]} × {grid.y_steps[row_index]} although the limits "
                    f"allow {x_range[0]} × {y_range[0]} ({smallest_area.normalize():f} m²), which rounds into it",
                )

    def step_price(
        self, data: Any, line: int, path: str, names: Mapping[str, Type], parameters: Mapping[str, Parameter]
    ) -> StepPrice | None:
        at = self.fields(data, line, path, required=("label", "param", "step", "amount"))
        if at is None:
            return None
        label = at.text_template("label", names)
        param = at.string("param")
        if param is not None and (param not in parameters or not parameters[param].kind.is_number):
            at.error("param", f"'{param}' is not a number parameter of this product")
            param = None
        step, amount = at.number("step"), at.number("amount")
        if step is not None and step <= 0:
            at.error("step", "the step must be positive")
            step = None
        if label is None or param is None or step is None or amount is None:
            return None
        return StepPrice(label, param, step, amount)

    def item_price(self, data: Any, line: int, path: str, names: Mapping[str, Type]) -> ItemPrice | None:
        at = self.fields(data, line, path, required=("label", "amount"), optional=("quantity",))
        if at is None:
            return None
        label = at.text_template("label", names)
        amount = at.expression("amount", names, Type.NUMBER)
        quantity = at.expression("quantity", names, Type.NUMBER) if at.has("quantity") else compile_expression("1", {})
        if label is None or amount is None or quantity is None:
            return None
        return ItemPrice(label, amount, quantity)

    def surcharges(self, pricing: _At, names: Mapping[str, Type]) -> tuple[Surcharge, ...]:
        result: list[Surcharge] = []
        keys: set[str] = set()
        measures = {
            SurchargeKind.FIXED: "quantity",
            SurchargeKind.PER_METRE: "length_mm",
            SurchargeKind.PER_STARTED_METRE: "length_mm",
            SurchargeKind.PER_M2: "area_m2",
        }
        kinds = [kind.value for kind in SurchargeKind]
        raw = pricing.raw("surcharges") or []
        for item, line, path in self.items(raw, pricing.line_of("surcharges"), pricing.sub("surcharges")):
            at = self.fields(
                item,
                line,
                path,
                required=("key", "label"),
                optional=(*kinds, "when", "quantity", "length_mm", "area_m2", "minimum"),
            )
            if at is None:
                continue
            key = at.string("key")
            if key is None:
                continue
            at.path = f"{pricing.path}.surcharges.{key}"
            self.unique(key, keys, line, f"{at.path}.key", "surcharge")
            present = [kind for kind in kinds if at.has(kind)]
            if len(present) != 1:
                self.error(line, at.path, f"needs exactly one of: {', '.join(kinds)}")
                continue
            kind = SurchargeKind(present[0])
            label = at.text_template("label", names)
            amount = at.expression(kind.value, names, Type.NUMBER)
            when = at.expression("when", names, Type.BOOLEAN) if at.has("when") else None
            measure_key = measures.get(kind)
            for other in ("quantity", "length_mm", "area_m2"):
                if at.has(other) and other != measure_key:
                    at.error(other, f"a {kind} surcharge has no {other}")
            measure = None
            if measure_key is not None:
                if at.has(measure_key):
                    measure = at.expression(measure_key, names, Type.NUMBER)
                elif kind is SurchargeKind.FIXED:
                    measure = compile_expression("1", {})
                else:
                    self.error(line, at.path, f"a {kind} surcharge needs '{measure_key}'")
            minimum = at.number("minimum") if at.has("minimum") else None
            if minimum is not None and kind is not SurchargeKind.PERCENT:
                at.error("minimum", "only a percent surcharge has a minimum")
            if label is None or amount is None or (measure_key is not None and measure is None):
                continue
            if at.has("when") and when is None:
                continue
            result.append(Surcharge(key, label, kind, amount, when, measure, minimum))
        return tuple(result)

    # --- components ----------------------------------------------------------------------

    def components(self, at: _At, names: Mapping[str, Type], shared: _Shared) -> tuple[Component, ...]:
        result: list[Component] = []
        for item, line, path in self.items(at.raw("components") or [], at.line_of("components"), at.sub("components")):
            if isinstance(item, str):
                if item not in shared.components:
                    self.error(line, path, f"unknown shared component bundle '{item}'")
                    continue
                bundle, bundle_line = shared.components[item]
                for part, part_line, part_path in self.items(bundle, bundle_line, f"{at.path}.components.{item}"):
                    component = self.component(part, part_line, part_path, names)
                    if component is not None:
                        result.append(component)
                continue
            component = self.component(item, line, path, names)
            if component is not None:
                result.append(component)
        return tuple(result)

    def component(self, data: Any, line: int, path: str, names: Mapping[str, Type]) -> Component | None:
        at = self.fields(
            data, line, path, required=("code", "description", "unit"), optional=("quantity", "cut_mm", "when")
        )
        if at is None:
            return None
        code = at.get("code", lambda value, line, path: self.template(value, line, path, names))
        description = at.text("description")
        unit = at.string("unit")
        quantity = at.expression("quantity", names, Type.NUMBER) if at.has("quantity") else compile_expression("1", {})
        cut = at.expression("cut_mm", names, Type.NUMBER) if at.has("cut_mm") else None
        when = at.expression("when", names, Type.BOOLEAN) if at.has("when") else None
        if code is None or description is None or unit is None or quantity is None:
            return None
        if (at.has("cut_mm") and cut is None) or (at.has("when") and when is None):
            return None
        return Component(code, description, quantity, unit, cut, when)


def _cell_ranges(steps: tuple[Decimal, ...], parameter: Parameter) -> list[tuple[Decimal, Decimal] | None]:
    """For each step, the smallest and largest allowed size that rounds into it (None: none)."""
    unit = parameter.step or Decimal(1)
    low_limit = parameter.minimum if parameter.minimum is not None else Decimal(0)
    high_limit = parameter.maximum if parameter.maximum is not None else steps[-1]
    ranges: list[tuple[Decimal, Decimal] | None] = []
    previous: Decimal | None = None
    for step in steps:
        low = low_limit if previous is None else max(low_limit, previous + unit)
        high = min(step, high_limit)
        ranges.append((low, high) if low <= high else None)
        previous = step
    return ranges


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, Decimal | int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list | Seq):
        return "a list"
    if isinstance(value, Mapping | Map):
        return "a mapping"
    return type(value).__name__


def _types(types: Mapping[str, Type]) -> str:
    return ", ".join(f"{name} ({kind})" for name, kind in types.items()) or "none"
