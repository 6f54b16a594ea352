"""A small, safe expression language for catalogue data.

Rule conditions, derived values, quantity and cut formulas, surcharge conditions and the
placeholders of article codes and messages are written by people who edit the catalogue,
not by programmers, and they are loaded from a file. So they are parsed with Python's own
parser (``ast.parse(mode="eval")``) but only a whitelist of node types is accepted, every
name and function is checked against what the catalogue declares, and every operation is
type-checked once, at load: a typo or a comparison of a number with a string is a load
error with a column, never a surprise in front of a dealer. Nothing is ever passed to
``eval``; an accepted expression is compiled into nested closures, so evaluating it is a
few function calls, not a walk over the syntax tree.

Numbers are :class:`~decimal.Decimal` so that millimetres and euros stay exact
(``0.1 + 0.2 == 0.3``). ``round`` rounds half up, as prices are rounded.

Types: number, string, boolean and list of strings (the value of a multi-choice, or a shared
list such as the RAL Classic codes).
"""

from __future__ import annotations

import ast
import difflib
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DecimalException
from typing import Any


class Type(enum.Enum):
    NUMBER = "number"
    STRING = "string"
    BOOLEAN = "boolean"
    STRING_LIST = "list of strings"

    def __str__(self) -> str:
        return self.value


Value = Decimal | str | bool | tuple[str, ...]
Env = Mapping[str, Value]
_Fn = Callable[[Env], Any]


class ExpressionError(Exception):
    """A problem found while compiling; ``column`` counts characters from 1."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


class EvaluationError(Exception):
    """A value the catalogue did not foresee (division by zero, log of a negative number)."""


@dataclass(frozen=True, eq=False)
class Expression:
    """A compiled expression: its source, its result type and the names it reads."""

    source: str
    type: Type
    names: frozenset[str]
    _fn: _Fn = field(repr=False)

    def evaluate(self, env: Env) -> Value:
        try:
            result: Value = self._fn(env)
        except (DecimalException, ArithmeticError, ValueError) as error:
            raise EvaluationError(f"{self.source}: {error.__class__.__name__}") from error
        return result

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and (self.source, self.type) == (other.source, other.type)

    def __hash__(self) -> int:
        return hash((self.source, self.type))


def compile_expression(source: str, names: Mapping[str, Type], *, expected: Type | None = None) -> Expression:
    """Parse and type-check ``source`` once; raise :class:`ExpressionError` on any problem."""
    text = source.strip()
    if not text:
        raise ExpressionError("the expression is empty", 1)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"syntax error: {error.msg}", _syntax_column(text, error)) from None
    compiler = _Compiler(text, names)
    result_type, fn = compiler.compile(tree.body)
    if expected is not None and result_type is not expected:
        raise ExpressionError(f"expected a {expected}, got a {result_type}", 1)
    return Expression(text, result_type, frozenset(compiler.used), fn)


def _syntax_column(text: str, error: SyntaxError) -> int:
    if error.lineno and error.lineno > 1:
        # A multi-line source: count the characters of the lines before.
        lines = text.splitlines(keepends=True)
        return sum(len(line) for line in lines[: error.lineno - 1]) + (error.offset or 1)
    return error.offset or 1


# --- formatting shared by templates and callers -------------------------------------------


def format_value(value: Value, decimal_separator: str = ".") -> str:
    """A value as a person reads it: ``2130`` not ``2130.0``, ``31,2`` in French."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f").replace(".", decimal_separator)
    if isinstance(value, tuple):
        return ", ".join(value)
    return value


# --- the compiler ------------------------------------------------------------------------

_FUNCTIONS = ("abs", "ceil", "digits", "floor", "len", "log10", "max", "min", "round", "sqrt")

_ARITHMETIC: dict[type[ast.operator], tuple[str, Callable[[Decimal, Decimal], Decimal]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    # Decimal's own // and % truncate towards zero; catalogue formulas expect floor.
    ast.FloorDiv: ("//", lambda a, b: (a / b).to_integral_value(rounding=ROUND_FLOOR)),
    ast.Mod: ("%", lambda a, b: a - b * (a / b).to_integral_value(rounding=ROUND_FLOOR)),
}

_ORDERING: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Lt: ("<", lambda a, b: a < b),
    ast.LtE: ("<=", lambda a, b: a <= b),
    ast.Gt: (">", lambda a, b: a > b),
    ast.GtE: (">=", lambda a, b: a >= b),
}

_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (.) is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Starred: "unpacking (*) is not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


class _Compiler:
    def __init__(self, source: str, names: Mapping[str, Type]) -> None:
        self.source = source
        self.names = names
        self.used: set[str] = set()
        self._encoded = source.encode()

    def column(self, node: ast.AST) -> int:
        # ast offsets count UTF-8 bytes; people count characters.
        offset = getattr(node, "col_offset", 0)
        return len(self._encoded[:offset].decode(errors="ignore")) + 1

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, self.column(node))

    def compile(self, node: ast.AST) -> tuple[Type, _Fn]:
        method = getattr(self, f"_{node.__class__.__name__}", None)
        if method is None:
            message = _REFUSED.get(type(node), f"{node.__class__.__name__} is not allowed")
            raise self.fail(node, message)
        result: tuple[Type, _Fn] = method(node)
        return result

    def _Constant(self, node: ast.Constant) -> tuple[Type, _Fn]:
        value = node.value
        if isinstance(value, bool):
            return Type.BOOLEAN, lambda env: value
        if isinstance(value, int | float):
            number = Decimal(ast.get_source_segment(self.source, node) or str(value))
            return Type.NUMBER, lambda env: number
        if isinstance(value, str):
            return Type.STRING, lambda env: value
        raise self.fail(node, f"the constant {value!r} is not allowed")

    def _Name(self, node: ast.Name) -> tuple[Type, _Fn]:
        name = node.id
        if name not in self.names:
            close = difflib.get_close_matches(name, list(self.names), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.fail(node, f"unknown name '{name}'{hint}")
        self.used.add(name)
        return self.names[name], lambda env: env[name]

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[Type, _Fn]:
        operand_type, operand = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            self.expect(node.operand, operand_type, Type.BOOLEAN, "'not'")
            return Type.BOOLEAN, lambda env: not operand(env)
        if isinstance(node.op, ast.USub | ast.UAdd):
            symbol = "-" if isinstance(node.op, ast.USub) else "+"
            self.expect(node.operand, operand_type, Type.NUMBER, f"unary '{symbol}'")
            if isinstance(node.op, ast.USub):
                return Type.NUMBER, lambda env: -operand(env)
            return Type.NUMBER, operand
        raise self.fail(node, "the operator '~' is not allowed")

    def _BinOp(self, node: ast.BinOp) -> tuple[Type, _Fn]:
        entry = _ARITHMETIC.get(type(node.op))
        if entry is None:
            raise self.fail(node, f"the operator {node.op.__class__.__name__} is not allowed")
        symbol, operation = entry
        left_type, left = self.compile(node.left)
        right_type, right = self.compile(node.right)
        if left_type is not Type.NUMBER or right_type is not Type.NUMBER:
            raise self.fail(node, f"'{symbol}' needs numbers, got {left_type} and {right_type}")
        return Type.NUMBER, lambda env: operation(left(env), right(env))

    def _BoolOp(self, node: ast.BoolOp) -> tuple[Type, _Fn]:
        word = "and" if isinstance(node.op, ast.And) else "or"
        parts = []
        for value in node.values:
            value_type, fn = self.compile(value)
            self.expect(value, value_type, Type.BOOLEAN, f"'{word}'")
            parts.append(fn)
        if word == "and":
            return Type.BOOLEAN, lambda env: all(part(env) for part in parts)
        return Type.BOOLEAN, lambda env: any(part(env) for part in parts)

    def _IfExp(self, node: ast.IfExp) -> tuple[Type, _Fn]:
        test_type, test = self.compile(node.test)
        self.expect(node.test, test_type, Type.BOOLEAN, "the condition of 'if'")
        body_type, body = self.compile(node.body)
        else_type, orelse = self.compile(node.orelse)
        if body_type is not else_type:
            raise self.fail(node, f"both branches of 'if' must have the same type, got {body_type} and {else_type}")
        return body_type, lambda env: body(env) if test(env) else orelse(env)

    def _Compare(self, node: ast.Compare) -> tuple[Type, _Fn]:
        left_type, left = self.compile(node.left)
        steps: list[tuple[Callable[[Any, Any], bool], _Fn]] = []
        for operator, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(operator, ast.In | ast.NotIn):
                right_type, right, check = self.membership(comparator, left_type, operator)
            else:
                right_type, right = self.compile(comparator)
                check = self.comparison(node, operator, left_type, right_type)
            steps.append((check, right))
            left_type = right_type
        first_left = left
        if len(steps) == 1:
            (check, right), *_ = steps
            return Type.BOOLEAN, lambda env: check(first_left(env), right(env))

        def chained(env: Env) -> bool:
            current = first_left(env)
            for check, right in steps:
                following = right(env)
                if not check(current, following):
                    return False
                current = following
            return True

        return Type.BOOLEAN, chained

    def comparison(self, node: ast.AST, operator: ast.cmpop, left: Type, right: Type) -> Callable[[Any, Any], bool]:
        if isinstance(operator, ast.Eq | ast.NotEq):
            symbol = "==" if isinstance(operator, ast.Eq) else "!="
            if left is not right:
                raise self.fail(node, f"'{symbol}' compares values of the same type, got {left} and {right}")
            if isinstance(operator, ast.Eq):
                return lambda a, b: a == b
            return lambda a, b: a != b
        entry = _ORDERING.get(type(operator))
        if entry is None:
            raise self.fail(node, f"the comparison {operator.__class__.__name__} is not allowed")
        symbol, check = entry
        if left is not Type.NUMBER or right is not Type.NUMBER:
            raise self.fail(node, f"'{symbol}' needs numbers, got {left} and {right}")
        return check

    def membership(
        self, node: ast.AST, left: Type, operator: ast.cmpop
    ) -> tuple[Type, _Fn, Callable[[Any, Any], bool]]:
        word = "in" if isinstance(operator, ast.In) else "not in"
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items: list[Value] = []
            for element in node.elts:
                element_type, fn = self.compile(element)
                if not isinstance(element, ast.Constant):
                    raise self.fail(element, f"the list after '{word}' may only hold literal values")
                if element_type is not left:
                    raise self.fail(element, f"'{word}' looks for a {left} in a list holding a {element_type}")
                items.append(fn({}))
            members = frozenset(items)
            right: _Fn = lambda env: members  # noqa: E731
        else:
            right_type, right = self.compile(node)
            if right_type is not Type.STRING_LIST:
                raise self.fail(node, f"'{word}' needs a list on its right, got a {right_type}")
            if left is not Type.STRING:
                raise self.fail(node, f"'{word}' looks for a {left} in a list of strings")
        if word == "in":
            return Type.STRING_LIST, right, lambda a, b: a in b
        return Type.STRING_LIST, right, lambda a, b: a not in b

    def _Call(self, node: ast.Call) -> tuple[Type, _Fn]:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.fail(node.func, _REFUSED[ast.Attribute])
            raise self.fail(node, "only the listed functions may be called")
        name = node.func.id
        if name not in _FUNCTIONS:
            raise self.fail(node, f"unknown function '{name}'; allowed: {', '.join(_FUNCTIONS)}")
        if node.keywords:
            raise self.fail(node, f"'{name}' takes no keyword arguments")
        compiled = [self.compile(argument) for argument in node.args]
        types = [argument_type for argument_type, _ in compiled]
        fns = [fn for _, fn in compiled]
        return self.function(node, name, types, fns)

    def function(self, node: ast.Call, name: str, types: list[Type], fns: list[_Fn]) -> tuple[Type, _Fn]:
        if name in ("min", "max"):
            if len(fns) < 2:
                raise self.fail(node, f"'{name}' needs at least two numbers")
            self.numbers(node, name, types)
            pick = min if name == "min" else max
            return Type.NUMBER, lambda env: pick(fn(env) for fn in fns)
        if name == "round":
            if len(fns) not in (1, 2):
                raise self.fail(node, "'round' takes a number and an optional count of decimals")
            self.numbers(node, name, types)
            places = 0
            if len(fns) == 2:
                digits = node.args[1]
                if not isinstance(digits, ast.Constant) or not isinstance(digits.value, int) or digits.value < 0:
                    raise self.fail(digits, "the decimals of 'round' must be a whole number written out")
                places = digits.value
            exponent = Decimal(1).scaleb(-places)
            (value,) = fns[:1]
            return Type.NUMBER, lambda env: value(env).quantize(exponent, rounding=ROUND_HALF_UP)
        if len(fns) != 1:
            raise self.fail(node, f"'{name}' takes exactly one argument")
        (argument,) = fns
        (argument_type,) = types
        if name == "len":
            if argument_type not in (Type.STRING_LIST, Type.STRING):
                raise self.fail(node, f"'len' needs a list or a string, got a {argument_type}")
            return Type.NUMBER, lambda env: Decimal(len(argument(env)))
        if name == "digits":
            if argument_type is not Type.STRING:
                raise self.fail(node, f"'digits' needs a string, got a {argument_type}")
            return Type.STRING, lambda env: "".join(c for c in argument(env) if c.isdigit())
        self.numbers(node, name, types)
        unary: dict[str, Callable[[Decimal], Decimal]] = {
            "abs": abs,
            "ceil": lambda x: x.to_integral_value(rounding=ROUND_CEILING),
            "floor": lambda x: x.to_integral_value(rounding=ROUND_FLOOR),
            "sqrt": lambda x: x.sqrt(),
            "log10": lambda x: x.log10(),
        }
        operation = unary[name]
        return Type.NUMBER, lambda env: operation(argument(env))

    def numbers(self, node: ast.AST, name: str, types: list[Type]) -> None:
        for argument_type in types:
            if argument_type is not Type.NUMBER:
                raise self.fail(node, f"'{name}' needs numbers, got a {argument_type}")

    def expect(self, node: ast.AST, actual: Type, expected: Type, what: str) -> None:
        if actual is not expected:
            raise self.fail(node, f"{what} needs a {expected}, got a {actual}")


# --- templates ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Template:
    """Text with ``{expression}`` placeholders (``{{`` and ``}}`` for literal braces).

    Used for article codes (``DX-FX10-CAS-S105-C{digits(colour_ral)}``) and for messages
    and labels (``Classe de vent {wind_class}``).
    """

    source: str
    names: frozenset[str]
    _parts: tuple[str | Expression, ...] = field(repr=False)

    def render(self, env: Env, decimal_separator: str = ".") -> str:
        return "".join(
            part if isinstance(part, str) else format_value(part.evaluate(env), decimal_separator)
            for part in self._parts
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and self.source == other.source

    def __hash__(self) -> int:
        return hash(self.source)


def compile_template(source: str, names: Mapping[str, Type]) -> Template:
    parts: list[str | Expression] = []
    used: set[str] = set()
    literal: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char in "{}" and source[index : index + 2] in ("{{", "}}"):
            literal.append(char)
            index += 2
            continue
        if char == "}":
            raise ExpressionError("a '}' without its '{' (write '}}' for a brace)", index + 1)
        if char == "{":
            end = source.find("}", index)
            if end < 0:
                raise ExpressionError("a '{' without its '}' (write '{{' for a brace)", index + 1)
            try:
                expression = compile_expression(source[index + 1 : end], names)
            except ExpressionError as error:
                inner = source[index + 1 : end]
                skipped = len(inner) - len(inner.lstrip())
                raise ExpressionError(error.message, index + 1 + skipped + error.column) from None
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(expression)
            used |= expression.names
            index = end + 1
            continue
        literal.append(char)
        index += 1
    if literal:
        parts.append("".join(literal))
    return Template(source, frozenset(used), tuple(parts))
