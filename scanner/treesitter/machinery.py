"""The generic tree-sitter machinery: parsers per thread, a linear walk, node text and lines.

No function here recurses over a tree: inputs can be nested thousands deep."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from tree_sitter import Language, Node, Parser

# --- grammars, queries and parsers -------------------------------------------------------------

_thread_state = threading.local()


def parser_for(key: str, language: Callable[[], Language]) -> Parser:
    """This thread's parser for `key`."""
    parsers: dict[str, Parser] | None = getattr(_thread_state, "parsers", None)
    if parsers is None:
        parsers = {}
        _thread_state.parsers = parsers
    parser = parsers.get(key)
    if parser is None:
        parser = Parser(language())
        parsers[key] = parser
    return parser


def walk_named(root: Node, opaque: frozenset[str]) -> Iterator[Node]:
    """The named nodes of a subtree in document order, root first, without entering nodes
    whose type is in `opaque` (they are yielded, their descendants are not)."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is None:
            return
        descend = False
        if node.is_named:
            yield node
            descend = node.type not in opaque
        if descend and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def decode_utf8(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def node_text(src: bytes, node: Node) -> str:
    return decode_utf8(src[node.start_byte : node.end_byte])


def node_line(node: Node) -> int:
    return node.start_point.row + 1
