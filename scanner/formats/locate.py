"""Turning a finding's key path into a line number in front matter or JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from scanner.formats.rules import Pointer

# --- locating findings -------------------------------------------------------------------------


def frontmatter_key_line(yaml_text: str, key: str) -> int:
    """1-based line, within the YAML text, of the top-level `key:`; 0 when not found."""
    pattern = re.compile(rf"^(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*:")
    for number, line in enumerate(yaml_text.split("\n"), start=1):
        if pattern.match(line):
            return number
    return 0


_JSON_SCALAR_END = re.compile(r"[\s,\]}]")


class _OpenContainer:
    """A JSON object or array being read by `json_pointer_lines`."""

    __slots__ = ("expecting_key", "index", "is_object", "key", "pointer")

    def __init__(self, pointer: Pointer, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.key = ""  # the member being read (objects)
        self.index = 0  # the item being read (arrays)
        self.expecting_key = is_object

    def child(self) -> Pointer:
        return (*self.pointer, self.key if self.is_object else self.index)


def json_pointer_lines(text: str) -> dict[Pointer, int]:
    """The line of every key (for object members) and value (for array items) of a JSON text
    that `json.loads` accepts: `{("plugins", 0, "version"): 12, ...}`; the root is `()`.

    A single linear pass: the standard parser keeps no positions."""
    lines: dict[Pointer, int] = {}
    stack: list[_OpenContainer] = []
    line = 1
    index = 0
    size = len(text)

    def value_starts() -> Pointer:
        """Record where a value starts; returns its pointer."""
        pointer = stack[-1].child() if stack else ()
        if not stack or not stack[-1].is_object:  # members are located by their key
            lines.setdefault(pointer, line)
        return pointer

    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
        elif char == '"':
            end = index + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if stack and stack[-1].expecting_key:
                literal = text[index : end + 1]
                try:
                    key = json.loads(literal)
                except ValueError:
                    key = literal.strip('"')
                top = stack[-1]
                top.key, top.expecting_key = str(key), False
                lines.setdefault(top.child(), line)
            else:
                value_starts()
            index = end
        elif char in "{[":
            stack.append(_OpenContainer(value_starts(), char == "{"))
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == ",":
            if stack:
                if stack[-1].is_object:
                    stack[-1].expecting_key = True
                else:
                    stack[-1].index += 1
        elif not char.isspace() and char != ":":
            value_starts()
            match = _JSON_SCALAR_END.search(text, index)
            index = (match.start() if match else size) - 1
        index += 1
    return lines


def line_of(lines: Mapping[Pointer, int], pointer: Pointer) -> int:
    """The line of `pointer`, else of its nearest located ancestor; 0 when none is known."""
    for cut in range(len(pointer), -1, -1):
        found = lines.get(pointer[:cut])
        if found:
            return found
    return 0
