"""The one JSON style of every output (sorted keys, indent 2, UTF-8 as is), encoded faster than
`json.dumps` encodes it: with an indent, the standard library leaves its C encoder for a
generator per nesting level, and catalog.json (5 MB) is written in every scan.

The same bytes as `json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)` for the
documents the scanner writes (exactly dict with str keys, list, str, int, finite float, bool,
None); anything else (a tuple, a subclass, a non-str key, NaN) is handed to `json.dumps`
itself, so no document is encoded differently."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from scanner.models import JsonValue


class _Unusual(Exception):
    """A value the fast encoder does not spell the way json.dumps does: let json.dumps do it."""


def _encode(value: Any, indent: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        separator = "{\n" + inner
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            _encode(value[key], inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        separator = "[\n" + inner
        for item in value:
            out.append(separator)
            _encode(item, inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        out.append(float.__repr__(value))
    else:
        raise _Unusual


def dumps_sorted_indented(value: JsonValue) -> str:
    """`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`, byte for byte."""
    out: list[str] = []
    try:
        _encode(value, "", out)
    except (_Unusual, RecursionError, TypeError):
        # json.dumps says what is wrong (a cycle, a type it cannot encode) or encodes it.
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(out)
