"""Reading back a JSON file the scanner wrote earlier (the baseline catalog, graph.json, the
scan report, a previous plugin.json): treated as hostile, since anyone who can push to the
output branch, or a disk that failed, decides what is in it.

Bounded in size and nesting, strict UTF-8, no NaN or Infinity, no integer Python refuses to
convert; any problem is one clear error naming the file (exit 4), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.errors import ScannerError
from scanner.models import JsonValue

MAX_OWN_JSON_BYTES = 256 * 1024 * 1024  # the real catalog is about 5 MB
# Our deepest file is the catalog: an asset's front matter (at most 64 levels, see
# scanner.structured) inside a handful of levels of our own.
MAX_OWN_JSON_DEPTH = 96


class OwnFileError(ScannerError):
    """A file the scanner wrote earlier cannot be read back as what it should be."""


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _depth_problem(value: JsonValue) -> str | None:
    """Whether any value lies more than MAX_OWN_JSON_DEPTH containers down (the top value is
    at depth 0). Walked level by level over the containers only: the scalars, most of a
    document, are never put on a stack (reading back the classification cache and the
    baseline catalog spent more time here than in json.loads)."""
    level: list[dict[str, JsonValue] | list[JsonValue]] = (
        [value] if isinstance(value, dict | list) else []
    )
    depth = 0
    while level:
        # A non-empty container at this depth holds values one level further down.
        if depth >= MAX_OWN_JSON_DEPTH and any(level):
            return f"nested deeper than {MAX_OWN_JSON_DEPTH} levels"
        deeper: list[dict[str, JsonValue] | list[JsonValue]] = []
        for item in level:
            children = item.values() if isinstance(item, dict) else item
            deeper += [c for c in children if isinstance(c, dict | list)]
        level = deeper
        depth += 1
    return None


def _fix(what: str) -> str:
    return f"delete it or restore it from git, then rerun `scanner scan` ({what})"


def _too_big(where: str, size: int, what: str) -> OwnFileError:
    return OwnFileError(
        f"{where}: {size} bytes, more than the {MAX_OWN_JSON_BYTES} a scan writes; {_fix(what)}"
    )


def parse_own_json(data: bytes, where: str, what: str) -> JsonValue:
    """`data` (the bytes of `where`, which holds `what`) as JSON, or OwnFileError."""
    fix = _fix(what)
    if len(data) > MAX_OWN_JSON_BYTES:
        raise _too_big(where, len(data), what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise OwnFileError(f"{where}: not UTF-8 (byte {err.start}); {fix}") from err
    try:
        value: JsonValue = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise OwnFileError(
            f"{where}: not valid JSON (line {err.lineno}, column {err.colno}); {fix}"
        ) from err
    except RecursionError as err:
        raise OwnFileError(f"{where}: nested too deeply to read; {fix}") from err
    except ValueError as err:  # NaN, Infinity, an integer of thousands of digits
        reason = "a number too long to read" if "digits" in str(err) else str(err)
        raise OwnFileError(f"{where}: {reason}; {fix}") from err
    problem = _depth_problem(value)
    if problem is not None:
        raise OwnFileError(f"{where}: {problem}; {fix}")
    return value


def read_own_json(path: Path, what: str) -> JsonValue:
    """The JSON file at `path`, read back safely; FileNotFoundError when it is absent (the
    caller decides what a missing file means), OwnFileError for anything else."""
    try:
        size = path.stat().st_size
        if size > MAX_OWN_JSON_BYTES:
            raise _too_big(str(path), size, what)
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as err:
        raise OwnFileError(f"{path}: cannot read it: {err.strerror or err} ({what})") from err
    return parse_own_json(data, str(path), what)
