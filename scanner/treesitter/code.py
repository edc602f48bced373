"""Code imports and calls as records, with each language's query (scanner/languages/).

The query cursor is quadratic in a run of anonymous siblings (40 000 `(`: 2 s) and collapses on
a chain of calls more than about 32 000 long (`a.b().b()...`, 40 000 of them: 13 s, a tree
80 000 deep); a tree past MAX_CODE_ANONYMOUS_RUN or MAX_CODE_DEPTH gets no query (no imports or
calls, `has_errors`)."""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib.resources import files

from tree_sitter import Language, Node, Query, QueryCursor

from scanner.languages import EXTENSIONS, GRAMMARS
from scanner.models import Call, CodeFacts, Import
from scanner.treesitter.machinery import node_line, node_text, parser_for

MAX_CALLS = 2000  # distinct callee names kept per file
MAX_IMPORTS = 2000
MAX_CODE_DEPTH = 50_000  # syntax tree depth of a source file (the cliff is past 60 000)
MAX_CODE_ANONYMOUS_RUN = 1_000  # consecutive unnamed siblings (punctuation) in a source file
_MAX_CALLEE_BYTES = 256  # longer callee text is a call chain with arguments, not a dotted name

# The code languages and their grammars, queries and extensions: scanner/languages/.
CODE_LANGUAGES: frozenset[str] = frozenset(GRAMMARS)


_query_lock = threading.Lock()


@cache
def _code_language(language: str) -> Language:
    loader, _ = GRAMMARS[language]
    return Language(loader())


@cache
def _code_query(language: str) -> Query:
    """The query file of a code language (scanner/languages/<language>.scm), compiled."""
    _, query = GRAMMARS[language]
    text = files("scanner.languages").joinpath(query).read_text(encoding="utf-8")
    with _query_lock:  # compiled once even when threads race for it
        return Query(_code_language(language), text)


# --- code --------------------------------------------------------------------------------------

_DOTTED_NAME = re.compile(r"(?:[^\W\d]|[$#])[\w$#]*(?:(?:\.|::)(?:[^\W\d]|[$#])[\w$#]*)*")
_SIMPLE_NAME = re.compile(r"(?:[^\W\d]|[$#])[\w$#]*")
_WHITESPACE = re.compile(r"\s+")
# the field that names the last member of a callee, per node type
_MEMBER_FIELDS = {
    "member_expression": "property",  # javascript, typescript
    "attribute": "attribute",  # python
    "field_expression": "field",  # rust
    "selector_expression": "field",  # go
    "scoped_identifier": "name",  # rust
}


def language_for_path(path: str) -> str | None:
    """The code language `parse_code` takes for a file, by its extension, or None."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return EXTENSIONS.get(name[dot:].lower())


def _callee_name(src: bytes, node: Node) -> tuple[str, Node] | None:
    """`a.b.c` for a dotted callee; the last member's name when the callee holds calls or
    other expressions (`x().y` -> `y`); None when nothing names it. With the name, the node
    where it is written, which gives its position."""
    while node.type == "generic_function":  # rust `foo::<T>()`
        inner = node.child_by_field_name("function")
        if inner is None:
            return None
        node = inner
    if node.end_byte - node.start_byte <= _MAX_CALLEE_BYTES:
        text = _WHITESPACE.sub("", node_text(src, node))
        text = text.replace("?.", ".").replace("!.", ".")  # a?.b(), a!.b()
        if _DOTTED_NAME.fullmatch(text):
            return text, node
    field = _MEMBER_FIELDS.get(node.type)
    member = node.child_by_field_name(field) if field is not None else None
    if member is not None:
        name = node_text(src, member)
        if _SIMPLE_NAME.fullmatch(name):
            return name, member
    return None


def _too_costly_to_query(root: Node) -> bool:
    """Whether the tree is deeper than MAX_CODE_DEPTH or has more than MAX_CODE_ANONYMOUS_RUN
    unnamed siblings in a row: shapes on which the query cursor takes minutes. One linear walk
    (about 30 ms for 2 MB of ordinary code)."""
    cursor = root.walk()
    depth = run = 0
    while True:
        node = cursor.node
        if node is not None and not node.is_named:
            run += 1
            if run > MAX_CODE_ANONYMOUS_RUN:
                return True
        else:
            run = 0
        if cursor.goto_first_child():
            depth += 1
            run = 0
            if depth > MAX_CODE_DEPTH:
                return True
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return False
            depth -= 1
            run = 0


def parse_code(data: bytes, language: str) -> CodeFacts:
    """Imports and calls of one source file in `language` (one of CODE_LANGUAGES)."""
    if language not in GRAMMARS:
        raise ValueError(
            f"unsupported code language {language!r}; expected one of {sorted(GRAMMARS)}"
        )
    tree = parser_for(language, lambda: _code_language(language)).parse(data)
    if _too_costly_to_query(tree.root_node):
        return CodeFacts(language=language, imports=(), calls=(), has_errors=True)
    captures = QueryCursor(_code_query(language)).captures(tree.root_node)

    found_imports: list[tuple[int, str, int]] = []  # (start byte, module, line)
    for node in captures.get("import.module", ()):
        found_imports.append((node.start_byte, node_text(data, node), node_line(node)))
    for node in captures.get("import.mod", ()):
        found_imports.append((node.start_byte, "mod:" + node_text(data, node), node_line(node)))
    found_imports.sort()
    imports: list[Import] = []
    seen_imports: set[tuple[str, int]] = set()
    for _, module, line in found_imports:
        if module and (module, line) not in seen_imports and len(imports) < MAX_IMPORTS:
            seen_imports.add((module, line))
            imports.append(Import(module=module, line=line))

    # Ordered by where each name is written: in `r.Group("/").Use(m)`, `r.Group` comes before
    # `Use`, and a chained `.route(...)` on a later line gets that line.
    found_calls: list[tuple[int, int, str, int]] = []  # (start, end, name, line)
    for node in captures.get("call.name", ()):
        named = _callee_name(data, node)
        if named is not None:
            name, where = named
            found_calls.append((where.start_byte, where.end_byte, name, node_line(where)))
    found_calls.sort()
    calls: list[Call] = []
    seen_calls: set[str] = set()
    for _, _, name, line in found_calls:
        if name not in seen_calls:
            seen_calls.add(name)
            calls.append(Call(name=name, line=line))
            if len(calls) >= MAX_CALLS:
                break

    return CodeFacts(
        language=language,
        imports=tuple(imports),
        calls=tuple(calls),
        has_errors=tree.root_node.has_error,
    )
