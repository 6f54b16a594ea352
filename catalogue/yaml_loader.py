"""YAML that remembers where each value came from, and does not guess types.

The schema reports problems as ``file:line: field: message``, so mappings and lists keep
the line of each key and item. PyYAML's YAML 1.1 defaults are trimmed: only ``true`` and
``false`` are booleans (``no``, the Norway problem, and ``off`` stay text), a number with
a leading zero such as a colour reference ``0210`` stays text instead of becoming octal,
dates stay text, and numbers become exact :class:`~decimal.Decimal` values. Duplicate keys,
which PyYAML silently lets the last one win, are reported.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml


class Map(dict[str, Any]):
    """A mapping with the line of itself and of each key (1-based)."""

    line: int = 0

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class Seq(list[Any]):
    """A list with the line of itself and of each item (1-based)."""

    line: int = 0

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def line_of(container: object, key: str | int, fallback: int) -> int:
    if isinstance(container, Map) and isinstance(key, str):
        return container.key_lines.get(key, container.line or fallback)
    if isinstance(container, Seq) and isinstance(key, int) and 0 <= key < len(container.item_lines):
        return container.item_lines[key]
    return fallback


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[YamlProblem] = []


_DROPPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9][0-9_]*$"), list("-+0123456789.")
)


def _number(loader: _Loader, node: yaml.Node) -> Decimal:
    return Decimal(str(node.value).replace("_", ""))


def _map(loader: _Loader, node: yaml.MappingNode) -> Map:
    result = Map(node.start_mark.line + 1)
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
            if key_node.value in seen:
                loader.problems.append(YamlProblem(key_node.start_mark.line + 1, f"duplicate key '{key_node.value}'"))
            seen.add(key_node.value)
    loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            loader.problems.append(YamlProblem(key_node.start_mark.line + 1, "a key must be plain text"))
            continue
        # The key as written: a key "no" or "7016" is text, never a boolean or a number.
        key = str(key_node.value)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _seq(loader: _Loader, node: yaml.SequenceNode) -> Seq:
    result = Seq(node.start_mark.line + 1)
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor("tag:yaml.org,2002:int", _number)
_Loader.add_constructor("tag:yaml.org,2002:float", _number)
_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)


def load_yaml(text: str) -> tuple[Any, list[YamlProblem]]:
    """The document and the problems found while reading it.

    A syntax error raises :class:`YamlProblem` (nothing can be read after it); duplicate
    keys are returned as problems so that the schema can report them with everything else.
    """
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        parts = [part for part in (error.context, error.problem) if part]
        raise YamlProblem(line, "YAML syntax error: " + ", ".join(parts)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"YAML error: {error}") from None
    finally:
        loader.dispose()
    return data, loader.problems
