"""Safe, bounded parsing of the structured data we harvest: YAML front matter and JSON configs.

Harvested content is data: YAML goes through the safe loader only (Python tags are refused,
never constructed), and both parsers are bounded in size, depth and alias expansion, so a
hostile file costs one problem record, never memory, time or the scan."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scanner.errors import ManifestError
from scanner.models import JsonValue

MAX_FRONTMATTER_BYTES = 256 * 1024
MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 20_000  # values produced after alias expansion: stops "billion laughs"
MAX_JSON_NODES = 500_000
MAX_DEPTH = 64
MAX_INT_BITS = 256  # a larger YAML integer is kept as its text


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


class _DuplicateKeys(yaml.constructor.SafeConstructor):
    """Safe-loader behaviour shared by both parsers: duplicate mapping keys recorded instead of
    silently keeping the last, and odd scalars kept as text (see _scalar_or_text)."""

    duplicates: list[tuple[str, int]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
                if key in seen:
                    self.duplicates.append((key, key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def _scalar_or_text(self, node: yaml.Node) -> object:
        """A date or integer Python cannot hold (`2024-13-45`, 5000 digits) stays text: one
        odd value must not cost the whole front matter. So does an integer too long to print
        (`0b` and 20000 binary digits), which would stop the JSON writer."""
        assert isinstance(node, yaml.ScalarNode)
        try:
            value = _SAFE_SCALARS[node.tag](self, node)
        except (ValueError, KeyError, AttributeError, IndexError):  # each raises on junk
            return str(node.value)
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            return str(node.value)
        return value


class _DuplicateKeyLoader(_DuplicateKeys, yaml.SafeLoader):
    """The pure-Python safe loader: its error messages and lines are the ones we report."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []


class _FastDuplicateKeyLoader(_DuplicateKeys, yaml.CSafeLoader):
    """libyaml's parser with the same safe constructor: several times faster. Used first; any
    error at all sends the text to _DuplicateKeyLoader, so what a bad file reports is the same
    with or without libyaml."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []


_SAFE_SCALARS = {
    "tag:yaml.org,2002:bool": yaml.SafeLoader.construct_yaml_bool,  # `!!bool maybe`: KeyError
    "tag:yaml.org,2002:float": yaml.SafeLoader.construct_yaml_float,
    "tag:yaml.org,2002:int": yaml.SafeLoader.construct_yaml_int,
    "tag:yaml.org,2002:timestamp": yaml.SafeLoader.construct_yaml_timestamp,
}


def _pure_scalar(loader: _DuplicateKeyLoader, node: yaml.Node) -> object:
    return loader._scalar_or_text(node)


def _fast_scalar(loader: _FastDuplicateKeyLoader, node: yaml.Node) -> object:
    return loader._scalar_or_text(node)


for _tag in _SAFE_SCALARS:
    _DuplicateKeyLoader.add_constructor(_tag, _pure_scalar)
    _FastDuplicateKeyLoader.add_constructor(_tag, _fast_scalar)


def _load_fast(text: str, loader_type: type[Any]) -> tuple[object, list[tuple[str, int]]] | None:
    """The document and its duplicate keys by libyaml, or None when libyaml is missing or the
    text fails in any way (the caller then parses with the pure-Python loader, whose report
    is the one we give)."""
    if not yaml.__with_libyaml__:
        return None
    try:
        loader = loader_type(text)
    except yaml.YAMLError:
        return None
    try:
        data = loader.get_single_data()
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return None
    except RecursionError:
        return None
    finally:
        loader.dispose()
    return data, list(getattr(loader, "duplicates", []))


class _TooComplexError(Exception):
    pass


class _Budget:
    def __init__(self, limit: int) -> None:
        self.nodes = 0
        self.limit = limit


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    """A `\\ud800` escape in JSON or YAML yields a lone surrogate, which no UTF-8 file can hold:
    left in, it would stop the writer. It becomes U+FFFD, as undecodable bytes do."""
    return _SURROGATE_RE.sub("\ufffd", text)


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
                key = _clean_text(key)
                out[key] = None
                stack.append((sub, out, key, depth + 1))
        elif isinstance(item, list | tuple | set | frozenset):
            if isinstance(item, set | frozenset):  # `!!set`: in a stable order, not hash order
                item = sorted(item, key=repr)
            seq: list[JsonValue] = [None] * len(item)
            parent[slot] = seq
            for index, sub in enumerate(item):
                stack.append((sub, seq, index, depth + 1))
        elif isinstance(item, str):
            parent[slot] = _clean_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            parent[slot] = str(item)  # .inf and NaN: JSON has no such numbers
        elif item is None or isinstance(item, bool | int | float):
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
    fast = _load_fast(text, _FastDuplicateKeyLoader)
    if fast is not None:
        return _checked(fast[0], fast[1])
    try:
        # The reader refuses control characters as soon as the loader is made.
        loader = _DuplicateKeyLoader(text)
    except yaml.YAMLError as err:
        detail = " ".join(str(err).split())
        return Parsed(None, False, (Problem("yaml-parse-error", f"YAML error: {detail}"),))
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
    except ValueError as err:  # a constructor the text fallback does not cover refusing a value
        detail = " ".join(str(err).split())
        return Parsed(None, False, (Problem("yaml-parse-error", f"YAML value error: {detail}"),))
    finally:
        loader.dispose()
    return _checked(loaded, loader.duplicates)


def _checked(loaded: object, duplicates: list[tuple[str, int]]) -> Parsed:
    problems = [
        Problem("duplicate-key", f"key '{key}' appears more than once; the last one wins", line)
        for key, line in duplicates
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
    except ValueError as err:  # an integer longer than Python converts (4300 digits)
        detail = " ".join(str(err).split())
        return Parsed(None, False, (Problem("json-parse-error", f"JSON value error: {detail}"),))
    problems: list[Problem] = []
    try:
        data = _to_json(loaded, _Budget(MAX_JSON_NODES), problems)
    except _TooComplexError as err:
        return Parsed(None, False, (Problem("json-too-complex", f"JSON has {err}"),))
    return Parsed(data, True, tuple(problems))


# --- our own manifests ---------------------------------------------------------------------------

MAX_MANIFEST_BYTES = 1024 * 1024  # ours are a few kilobytes
MAX_MANIFEST_VALUES = 100_000  # after alias expansion; ours hold a few thousand
MAX_MANIFEST_DEPTH = 32


def _check_expansion(value: object) -> str | None:
    """Why `value` is too big once its aliases are expanded (None when it is not). PyYAML
    shares an aliased value instead of copying it, so an alias bomb loads in no time and
    expands to hundreds of millions of values the moment anything (pydantic, an error
    message's repr) walks it: this walk counts every expansion, and stops at the limit."""
    count = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_MANIFEST_VALUES:
            return f"it expands to more than {MAX_MANIFEST_VALUES} values (an alias bomb?)"
        if depth > MAX_MANIFEST_DEPTH:
            return f"it is nested deeper than {MAX_MANIFEST_DEPTH} levels"
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for pair in item.items() for v in pair)
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((v, depth + 1) for v in item)
    return None


def load_manifest_yaml(path: Path) -> object:
    """One of our YAML manifests, read safely: bounded in size and in values once aliases are
    expanded, no Python tags, nesting Python can walk. Raises ManifestError naming the file
    and the problem."""
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(
                str(path), [f"the file is {size} bytes; a manifest is at most {MAX_MANIFEST_BYTES}"]
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ManifestError(str(path), ["the file does not exist"]) from err
    except OSError as err:
        raise ManifestError(str(path), [f"cannot read the file: {err.strerror or err}"]) from err
    except UnicodeDecodeError as err:
        raise ManifestError(str(path), [f"not UTF-8 text (byte {err.start})"]) from err
    fast = _load_fast(text, yaml.CSafeLoader)
    if fast is not None:
        raw: object = fast[0]
    else:
        raw = _load_manifest_slow(path, text)
    problem = _check_expansion(raw)
    if problem is not None:
        raise ManifestError(str(path), [f"not a manifest: {problem}"])
    return raw


def _load_manifest_slow(path: Path, text: str) -> object:
    """The pure-Python safe loader, for its error messages."""
    try:
        loader = yaml.SafeLoader(text)  # the reader refuses control characters here
    except yaml.YAMLError as err:
        raise ManifestError(str(path), [f"not valid YAML: {' '.join(str(err).split())}"]) from err
    try:
        raw = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise ManifestError(str(path), [f"not valid YAML ({where}): {err.problem}"]) from err
    except yaml.YAMLError as err:
        raise ManifestError(str(path), [f"not valid YAML: {' '.join(str(err).split())}"]) from err
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as err:
        # What PyYAML's constructors raise on a tagged value they cannot build (`!!float x`,
        # `!!timestamp 0000-0-0`): the file is wrong, not the scanner.
        raise ManifestError(
            str(path), [f"not valid YAML: a value cannot be read ({type(err).__name__})"]
        ) from err
    except RecursionError as err:
        raise ManifestError(str(path), ["not valid YAML: nested too deeply"]) from err
    finally:
        loader.dispose()
    return raw


def brief(value: object, limit: int = 60) -> str:
    """A short, bounded description of a value for an error message: never the repr of a
    whole (possibly enormous, alias-expanded) structure."""
    if isinstance(value, str):
        shown = value if len(value) <= limit else value[:limit] + "…"
        return repr(shown)
    if isinstance(value, bool | int | float) or value is None:
        text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 else "…"
        return text if len(text) <= limit else text[:limit] + "…"
    if isinstance(value, dict | list | tuple | set | frozenset):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    return f"a {type(value).__name__}"
