"""Turning what a dealer typed into a parameter's value, or into a clear message.

Numbers arrive as form text. The rules, chosen so that nothing is silently guessed:

* spaces, non-breaking and narrow spaces are accepted as thousands separators when they
  separate groups of three digits (``2 130`` is 2130);
* a dimension or an integer is whole: ``2130,5``, ``2 130,5`` or ``2.130`` is refused with
  a message that asks for whole millimetres (``2.130`` could mean 2.13 or 2130);
* a decimal accepts one decimal comma or point (``12,5`` and ``12.5``);
* anything else (letters, exponents, two separators) is "enter a number";
* a number outside the parameter's minimum…maximum (negative, huge) gets the catalogue's
  limit message for that parameter, or a generic one that states the range.

A choice must be one of the product's options; a multi-choice a list of them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from catalogue.definition import CustomMessage, Kind, Parameter, Text, TextTemplate
from catalogue.expressions import Type, Value, compile_template, format_value

_SPACES = "[ \u00a0\u202f\u2009]"
_WHOLE = re.compile(rf"^[+-]?(?:\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)$")
_WITH_DECIMALS = re.compile(rf"^([+-]?(?:\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+))[.,](\d+)$")
_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no"}

_NAMES = {"min": Type.STRING, "max": Type.STRING, "unit": Type.STRING, "value": Type.STRING, "step": Type.STRING}


def _message(fr: str, nl: str, de: str, en: str) -> TextTemplate:
    text = Text(fr, nl, de, en)
    templates = tuple(compile_template(source, _NAMES) for source in (fr, nl, de, en))
    return TextTemplate(text, (templates[0], templates[1], templates[2], templates[3]))


REQUIRED = _message(
    "Champ obligatoire\u00a0: saisissez une valeur.",
    "Verplicht veld: vul een waarde in.",
    "Pflichtfeld: bitte einen Wert eingeben.",
    "Required: enter a value.",
)
NOT_A_NUMBER = _message(
    "Saisissez un nombre, par exemple 2130.",
    "Geef een getal in, bijvoorbeeld 2130.",
    "Bitte eine Zahl eingeben, zum Beispiel 2130.",
    "Enter a number, for example 2130.",
)
WHOLE_MM = _message(
    "Saisissez des millimètres entiers, sans décimale (par exemple 2130).",
    "Geef hele millimeters in, zonder decimalen (bijvoorbeeld 2130).",
    "Bitte ganze Millimeter ohne Nachkommastellen eingeben (z.\u00a0B. 2130).",
    "Enter whole millimetres, without decimals (for example 2130).",
)
WHOLE_NUMBER = _message(
    "Saisissez un nombre entier.",
    "Geef een geheel getal in.",
    "Bitte eine ganze Zahl eingeben.",
    "Enter a whole number.",
)
LIMIT = _message(
    "Saisissez une valeur de {min} à {max}{unit}.",
    "Geef een waarde van {min} tot {max}{unit} in.",
    "Bitte einen Wert von {min} bis {max}{unit} eingeben.",
    "Enter a value from {min} to {max}{unit}.",
)
STEP = _message(
    "Saisissez un multiple de {step}{unit}.",
    "Geef een veelvoud van {step}{unit} in.",
    "Bitte ein Vielfaches von {step}{unit} eingeben.",
    "Enter a multiple of {step}{unit}.",
)
OPTION = _message(
    "Option non proposée pour ce produit\u00a0: choisissez-en une autre.",
    "Optie niet beschikbaar voor dit product: kies een andere.",
    "Option für dieses Produkt nicht erhältlich: bitte eine andere wählen.",
    "Option not offered for this product: choose another one.",
)
UNAVAILABLE = _message(
    "Option indisponible avec les choix actuels\u00a0: choisissez-en une autre.",
    "Optie niet beschikbaar met de huidige keuzes: kies een andere.",
    "Option mit der aktuellen Auswahl nicht verfügbar: bitte eine andere wählen.",
    "Option not available with the current choices: choose another one.",
)
YES_OR_NO = _message(
    "Répondez par oui ou non.",
    "Antwoord met ja of nee.",
    "Bitte mit Ja oder Nein antworten.",
    "Answer yes or no.",
)


class InputProblem(Exception):
    """Why a raw value was refused: a message id, its text and the values it quotes."""

    def __init__(self, message_id: str, message: TextTemplate, **quoted: str) -> None:
        super().__init__(message_id)
        self.id = message_id
        self.message = message
        self.quoted = quoted

    def text(self) -> Text:
        return self.message.render(self.quoted)


def is_missing(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple) and not raw)


def normalise(parameter: Parameter, raw: object) -> Value:
    """The parameter's value from ``raw`` (not missing); raises :class:`InputProblem`."""
    kind = parameter.kind
    if kind is Kind.CHOICE:
        return _choice(parameter, raw)
    if kind is Kind.MULTICHOICE:
        return _multichoice(parameter, raw)
    if kind is Kind.BOOLEAN:
        return _boolean(raw)
    number = _number(parameter, raw)
    _check_limits(parameter, number)
    return number


def _number(parameter: Parameter, raw: object) -> Decimal:
    whole = parameter.kind in (Kind.DIMENSION, Kind.INTEGER)
    refusal = WHOLE_MM if parameter.kind is Kind.DIMENSION else WHOLE_NUMBER
    if isinstance(raw, bool):
        raise InputProblem("INPUT-NUMBER", NOT_A_NUMBER)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
        if not number.is_finite():
            raise InputProblem("INPUT-NUMBER", NOT_A_NUMBER)
        if whole and number != number.to_integral_value():
            raise InputProblem("INPUT-WHOLE", refusal)
        return number
    if not isinstance(raw, str):
        raise InputProblem("INPUT-NUMBER", NOT_A_NUMBER)
    text = raw.strip()
    if _WHOLE.match(text):
        return _decimal(re.sub(_SPACES, "", text))
    decimals = _WITH_DECIMALS.match(text)
    if decimals is None:
        raise InputProblem("INPUT-NUMBER", NOT_A_NUMBER)
    if whole:
        raise InputProblem("INPUT-WHOLE", refusal)
    integer_part, fraction = decimals.groups()
    return _decimal(f"{re.sub(_SPACES, '', integer_part)}.{fraction}")


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # the patterns above only let digits through; kept as a guard
        raise InputProblem("INPUT-NUMBER", NOT_A_NUMBER) from None


def _check_limits(parameter: Parameter, number: Decimal) -> None:
    minimum, maximum = parameter.minimum, parameter.maximum
    unit = f"\u00a0{parameter.unit}" if parameter.unit else ""
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        custom: CustomMessage | None = parameter.limit
        quoted = {
            "min": format_value(minimum) if minimum is not None else "",
            "max": format_value(maximum) if maximum is not None else "",
            "unit": unit,
            "value": format_value(number),
        }
        if custom is not None:
            raise InputProblem(custom.id, custom.message, **quoted)
        raise InputProblem("INPUT-LIMIT", LIMIT, **quoted)
    step = parameter.step
    if step is not None:
        base = minimum if minimum is not None else Decimal(0)
        if (number - base) % step != 0:
            raise InputProblem("INPUT-STEP", STEP, step=format_value(step), unit=unit)


def _refused_option(parameter: Parameter, raw: object) -> InputProblem:
    shown = str(raw)[:40]
    if parameter.invalid is not None:
        return InputProblem(parameter.invalid.id, parameter.invalid.message, value=shown)
    return InputProblem("INPUT-OPTION", OPTION, value=shown)


def _choice(parameter: Parameter, raw: object) -> str:
    key = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(key, str) or parameter.option(key) is None:
        raise _refused_option(parameter, raw)
    return key


def _multichoice(parameter: Parameter, raw: object) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple | set | frozenset):
        raise _refused_option(parameter, raw)
    chosen = set()
    for item in items:
        chosen.add(_choice(parameter, item))
    # The options' order, whatever order the form sent them in.
    return tuple(option.key for option in parameter.options if option.key in chosen)


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise InputProblem("INPUT-BOOLEAN", YES_OR_NO)
