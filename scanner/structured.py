"""Safe, bounded parsing of the structured data we harvest: YAML front matter and JSON configs.

Harvested content is data: YAML goes through the safe loader only (Python tags are refused,
never constructed), and both parsers are bounded in size, depth and alias expansion, so a
hostile file costs one problem record, never memory, time or the scan."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from scanner.models import JsonValue

MAX_FRONTMATTER_BYTES = 256 * 1024
MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 20_000  # values produced after alias expansion: stops "billion laughs"
MAX_JSON_NODES = 500_000
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Problem:
    """A defect found while parsing; the handler turns it into a ScanIssue."""

    code: str
    message: str
    line: int = 0  # 1-based, relative to the parsed text; 0 when unknown


@dataclass(frozen=True, slots=True)
class Parsed:
    data: JsonValue
    ok: bool  # False: the text did not parse; `data` is None
    problems: tuple[Problem, ...]


class _DuplicateKeyLoader(yaml.SafeLoader):
    """The safe loader, recording duplicate mapping keys instead of silently keeping the last."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
                if key in seen:
                    self.duplicates.append((key, key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _TooComplexError(Exception):
    pass


class _Budget:
    def __init__(self, limit: int) -> None:
        self.nodes = 0
        self.limit = limit


def _to_json(value: object, budget: _Budget, problems: list[Problem]) -> JsonValue:
    """Copy a loaded YAML value into plain JSON types, bounded in nodes and depth.

    Iterative on purpose: hostile input may be nested far deeper than Python's recursion limit.
    Aliases are shared objects after loading; copying them counts every expansion."""
    root: list[JsonValue] = [None]
    # (value, container to fill, key or index in it, depth)
    stack: list[tuple[object, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        item, parent, slot, depth = stack.pop()
        budget.nodes += 1
        if budget.nodes > budget.limit:
            raise _TooComplexError(f"more than {budget.limit} values (alias expansion?)")
        if depth > MAX_DEPTH:
            raise _TooComplexError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            out: dict[str, JsonValue] = {}
            parent[slot] = out
            for key, sub in item.items():
                if not isinstance(key, str):
                    problems.append(
                        Problem("non-string-key", f"key {key!r} is not a string; read as text")
                    )
                    key = str(key)
                out[key] = None
                stack.append((sub, out, key, depth + 1))
        elif isinstance(item, list | tuple):
            seq: list[JsonValue] = [None] * len(item)
            parent[slot] = seq
            for index, sub in enumerate(item):
                stack.append((sub, seq, index, depth + 1))
        elif item is None or isinstance(item, bool | int | float | str):
            parent[slot] = item
        else:  # dates, timestamps, binary: keep their text form
            parent[slot] = str(item)
    return root[0]


def parse_yaml(text: str, *, max_bytes: int = MAX_FRONTMATTER_BYTES) -> Parsed:
    """Parse YAML text (front matter) safely. Never raises for bad input."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return Parsed(
            None,
            False,
            (Problem("frontmatter-too-large", f"front matter is larger than {max_bytes} bytes"),),
        )
    loader = _DuplicateKeyLoader(text)
    try:
        loaded = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark is not None else 0
        detail = " ".join(str(err.problem or err).split())
        return Parsed(None, False, (Problem("yaml-parse-error", f"YAML error: {detail}", line),))
    except yaml.YAMLError as err:
        detail = " ".join(str(err).split())
        return Parsed(None, False, (Problem("yaml-parse-error", f"YAML error: {detail}"),))
    except RecursionError:
        return Parsed(None, False, (Problem("yaml-too-complex", "YAML nested too deeply"),))
    finally:
        loader.dispose()
    problems = [
        Problem("duplicate-key", f"key '{key}' appears more than once; the last one wins", line)
        for key, line in loader.duplicates
    ]
    try:
        data = _to_json(loaded, _Budget(MAX_YAML_NODES), problems)
    except _TooComplexError as err:
        return Parsed(None, False, (Problem("yaml-too-complex", f"YAML has {err}"),))
    return Parsed(data, True, tuple(problems))


def parse_json(text: str, *, max_bytes: int = MAX_JSON_BYTES) -> Parsed:
    """Parse a JSON config safely. Never raises for bad input."""
    if len(text) > max_bytes:
        return Parsed(
            None, False, (Problem("json-too-large", f"JSON is larger than {max_bytes} bytes"),)
        )
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as err:
        return Parsed(
            None, False, (Problem("json-parse-error", f"JSON error: {err.msg}", err.lineno),)
        )
    except RecursionError:
        return Parsed(None, False, (Problem("json-too-complex", "JSON nested too deeply"),))
    problems: list[Problem] = []
    try:
        data = _to_json(loaded, _Budget(MAX_JSON_NODES), problems)
    except _TooComplexError as err:
        return Parsed(None, False, (Problem("json-too-complex", f"JSON has {err}"),))
    return Parsed(data, True, tuple(problems))
