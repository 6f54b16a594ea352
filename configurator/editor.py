"""The line form of the Configurateur, built from a product's parameters: what is read from a
request and what each field, message, price and component shows, in the reader's language.

No ORM, no request object: a mapping in (the POST data), plain data out, so the full page
and the live (htmx) fragment render the same things.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from catalogue.definition import Kind, Parameter, ProductDefinition, Severity
from catalogue.expressions import format_value

from .display import money, number
from .drawing import line_drawing
from .engine import Evaluation, Message

PREFIX = "p_"  # parameter inputs are named p_<key>: no clash with quantity, revision, parent…
MAX_TEXT = 40  # longer than any number or option key; more is cut, never stored
REQUIRED = "INPUT-REQUIRED"


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...
    def __contains__(self, key: object) -> bool: ...


def input_name(parameter: Parameter) -> str:
    return f"{PREFIX}{parameter.key}"


def read_values(definition: ProductDefinition, data: FormData) -> dict[str, object]:
    """The raw values of the product's parameters in ``data``; anything else is ignored.

    Text is kept as typed (the engine reads "2 130" and refuses "2 130,5" with a message);
    an empty field is left out, so its default applies. A check box comes with a hidden
    "false" before it: the last value sent is the answer.
    """
    values: dict[str, object] = {}
    for parameter in definition.parameters:
        name = input_name(parameter)
        if parameter.kind is Kind.MULTICHOICE:
            chosen = [str(item)[:MAX_TEXT] for item in data.getlist(name) if str(item).strip()]
            if chosen or name in data:
                values[parameter.key] = chosen
        elif parameter.kind is Kind.BOOLEAN:
            answers = data.getlist(name)
            if answers:
                values[parameter.key] = str(answers[-1]).strip().lower() in ("true", "on", "1")
        else:
            text = str(data.get(name) or "").strip()[:MAX_TEXT]
            if text:
                values[parameter.key] = text
    return values


@dataclass(frozen=True)
class MessageView:
    id: str
    severity: str  # error, warning, info
    text: str


@dataclass(frozen=True)
class OptionView:
    key: str
    label: str
    selected: bool
    available: bool


@dataclass(frozen=True)
class FieldView:
    key: str
    name: str
    widget: str  # text, select, checkboxes, checkbox
    label: str
    unit: str
    limits: str
    help: str
    value: str
    inputmode: str
    options: list[OptionView]
    checked: bool
    required: bool
    messages: list[MessageView]
    conditional: bool  # its options depend on other answers: re-rendered by each live round trip

    @property
    def has_error(self) -> bool:
        return any(message.severity == "error" for message in self.messages)


def _messages(messages: Collection[Message], language: str) -> list[MessageView]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return [
        MessageView(m.id, m.severity.value, m.text.get(language))
        for m in sorted(messages, key=lambda m: order[m.severity])
    ]


def _limits(parameter: Parameter, language: str) -> str:
    unit = f"\u00a0{parameter.unit}" if parameter.unit else ""
    low, high = parameter.minimum, parameter.maximum
    if low is not None and high is not None:
        return _("de %(min)s à %(max)s%(unit)s") % {
            "min": number(format_value(low), language),
            "max": number(format_value(high), language),
            "unit": unit,
        }
    if low is not None:
        return _("au moins %(min)s%(unit)s") % {"min": number(format_value(low), language), "unit": unit}
    if high is not None:
        return _("au plus %(max)s%(unit)s") % {"max": number(format_value(high), language), "unit": unit}
    return ""


def _shown(messages: tuple[Message, ...], raw: Mapping[str, object], key: str, show_required: bool) -> list[Message]:
    """The field's messages; "required" only once the dealer submits (not while typing)."""
    return [m for m in messages if show_required or m.id != REQUIRED or key in raw]


def fields(
    definition: ProductDefinition,
    raw: Mapping[str, object],
    evaluation: Evaluation,
    *,
    language: str,
    show_required: bool,
    live: bool = False,
) -> list[FieldView]:
    """Every parameter's field. ``live``: for a round trip, which replaces only the messages
    and the choices that depend on other answers, so the other option lists are not built."""
    by_field = evaluation.messages_by_field
    views = []
    for parameter in definition.parameters:
        key = parameter.key
        given = raw.get(key)
        default = parameter.default
        current: object = given if given is not None else default
        offered = evaluation.available_options.get(key)
        kind = parameter.kind
        if kind is Kind.CHOICE:
            widget = "select"
        elif kind is Kind.MULTICHOICE:
            widget = "checkboxes"
        elif kind is Kind.BOOLEAN:
            widget = "checkbox"
        else:
            widget = "text"
        chosen = (
            {str(item) for item in current}
            if isinstance(current, list | tuple)
            else ({str(current)} if current is not None else set())
        )
        options = [
            OptionView(
                option.key,
                option.label.get(language),
                option.key in chosen,
                offered is None or option.key in offered,
            )
            for option in (parameter.options if offered is not None or not live else ())
            # A conditional choice lists what is offered now, and the dealer's own choice.
            if offered is None or option.key in offered or option.key in chosen
        ]
        if isinstance(current, bool) or current is None:
            value = ""
        elif isinstance(current, Decimal):
            value = number(format_value(current), language)
        else:
            value = str(current) if not isinstance(current, list | tuple) else ""
        views.append(
            FieldView(
                key=key,
                name=input_name(parameter),
                widget=widget,
                label=parameter.label.get(language),
                unit=parameter.unit,
                limits=_limits(parameter, language) if kind.is_number else "",
                help=parameter.help.get(language) if parameter.help else "",
                value=value,
                inputmode="decimal" if kind is Kind.DECIMAL else "numeric",
                options=options,
                checked=bool(current) if kind is Kind.BOOLEAN else False,
                required=parameter.required and default is None,
                messages=_messages(_shown(by_field.get(key, ()), raw, key, show_required), language),
                conditional=offered is not None,
            )
        )
    return views


@dataclass(frozen=True)
class WarningView:
    id: str
    text: str
    acknowledged: bool


@dataclass(frozen=True)
class ComponentView:
    code: str
    description: str
    quantity: str
    unit: str
    cut_mm: str


@dataclass
class ResultView:
    messages: list[MessageView]  # about the whole line
    warnings: list[WarningView]  # every warning, with its acknowledgement box
    price_lines: list[tuple[str, str]]
    gross: str
    discount_percent: str
    discount: str
    net: str
    quantity: int
    line_net: str
    priced: bool
    components: list[ComponentView] = field(default_factory=list)
    drawing: SafeString | None = None


def result(
    definition: ProductDefinition,
    evaluation: Evaluation,
    *,
    acknowledged: Collection[str],
    quantity: int,
    language: str,
    drawing_id: str,
) -> ResultView:
    warnings: dict[str, WarningView] = {}
    for message in evaluation.messages:
        if message.severity is Severity.WARNING and message.id not in warnings:
            warnings[message.id] = WarningView(message.id, message.text.get(language), message.id in acknowledged)
    net = evaluation.net_total
    svg = line_drawing(definition, evaluation.values, evaluation.derived, language=language, drawing_id=drawing_id)
    return ResultView(
        messages=_messages(evaluation.messages_by_field.get("", ()), language),
        warnings=list(warnings.values()),
        price_lines=[(line.label.get(language), money(line.amount, language)) for line in evaluation.price_lines],
        gross=money(evaluation.gross_total, language),
        discount_percent=number(format_value(evaluation.discount_percent.normalize()), language),
        discount=money(-evaluation.discount_amount if evaluation.discount_amount else Decimal(0), language),
        net=money(net, language),
        quantity=quantity,
        line_net=money(net * quantity if net is not None else None, language),
        priced=net is not None,
        components=[
            ComponentView(
                line.code,
                line.description.get(language),
                number(line.quantity, language),
                line.unit,
                str(line.cut_mm) if line.cut_mm is not None else "",
            )
            for line in evaluation.components
        ],
        # line_drawing escapes every text it writes.
        drawing=mark_safe(svg) if svg else None,  # noqa: S308
    )
