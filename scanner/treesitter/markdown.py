"""Markdown structure (front matter, headings, links, code spans) as records.

Markdown is read with a `TreeCursor` walk, not a query: tree-sitter's query cursor slows down
super-linearly on a node with a long run of anonymous children, which is what a large paragraph
is in both Markdown grammars (every `[`, `(`, `` ` `` and `.` is a token). A 2 MB paragraph of
`[` took 7 s per query; the walk is linear and, because it does not enter paragraphs, also
faster on ordinary files.

The inline grammar is quadratic in the images of one block (`![a](b)` 2500 times: 2 s) and
overflows the C stack on links nested about 85 000 deep (`[a](` repeated: a segfault); a block
past MAX_INLINE_BRACKETS or MAX_INLINE_IMAGES, or past what is left of the document's
MAX_DOCUMENT_BRACKETS or MAX_DOCUMENT_IMAGES, is not parsed for links (a heading's text is then
empty).

Inline content is parsed one block at a time (each `inline` node, minus the block markers inside
it, as the parser's included ranges). Parsing all blocks as one set of ranges lets inline
constructs run across blocks (a backtick in one paragraph closing a code span opened in another,
`- [x]` and `- (y)` in two list items becoming one link), and is also far slower on large files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import tree_sitter_markdown
from tree_sitter import Language, Node, Range

from scanner.models import CodeSpan, Heading, Link, MarkdownDoc
from scanner.treesitter.machinery import decode_utf8, node_line, node_text, parser_for, walk_named

# Bounds on hostile input (see the module docstring); real files stay far below them.
MAX_INLINE_BRACKETS = 10_000  # `[` in one inline block
MAX_INLINE_IMAGES = 500  # `![` in one inline block
MAX_DOCUMENT_IMAGES = 5_000  # `![` in the inline blocks of one document
MAX_DOCUMENT_BRACKETS = 100_000  # `[` in the inline blocks of one document


@cache
def _markdown_language() -> Language:
    return Language(tree_sitter_markdown.language())


@cache
def _markdown_inline_language() -> Language:
    return Language(tree_sitter_markdown.inline_language())


# --- Markdown ----------------------------------------------------------------------------------

_HEADING_LEVELS = {
    "atx_h1_marker": 1,
    "atx_h2_marker": 2,
    "atx_h3_marker": 3,
    "atx_h4_marker": 4,
    "atx_h5_marker": 5,
    "atx_h6_marker": 6,
    "setext_h1_underline": 1,
    "setext_h2_underline": 2,
}
_HEADINGS = frozenset({"atx_heading", "setext_heading"})
# block nodes whose inside the block walk does not need: inline content is parsed apart, and
# code, HTML and front matter hold no Markdown
_BLOCK_OPAQUE = frozenset(
    {
        "inline",
        "pipe_table_cell",
        "pipe_table_delimiter_row",
        "link_reference_definition",
        "minus_metadata",
        "plus_metadata",
        "fenced_code_block",
        "indented_code_block",
        "html_block",
    }
)
# block nodes whose range the inline grammar parses; table cells are not `inline` nodes
_INLINE_CONTAINERS = frozenset({"inline", "pipe_table_cell"})
# inline nodes with no link or code span inside
_INLINE_OPAQUE = frozenset(
    {
        "code_span",
        "uri_autolink",
        "email_autolink",
        "link_destination",
        "link_title",
        "link_label",
        "html_tag",
        "latex_block",
    }
)
# inline nodes whose whole text is markup, not visible text
_MARKUP_NODES = frozenset({"emphasis_delimiter", "code_span_delimiter", "html_tag"})
_LINK_NODES = frozenset(
    {
        "inline_link",
        "image",
        "full_reference_link",
        "collapsed_reference_link",
        "shortcut_link",
    }
)
_LINK_TEXT_NODES = frozenset({"link_text", "image_description"})
_REFERENCE_LINKS = frozenset({"full_reference_link", "collapsed_reference_link", "shortcut_link"})
# characters that can start a link, an image, an autolink or a code span
_INLINE_TRIGGER = re.compile(rb"[\[`<]")
_ATX_CLOSING = re.compile(rb"(?:^|[ \t])(#+)[ \t]*$")

# path-like code spans
_PATH_EXTENSIONS = frozenset(
    {
        "md",
        "json",
        "yaml",
        "yml",
        "toml",
        "py",
        "js",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "jsx",
        "rs",
        "go",
        "sh",
        "scm",
    }
)
_SEGMENT_WITH_EXTENSION = re.compile(r".+\.[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*")
# characters of call syntax, globs, placeholders and quoting: such a span is not one path
_NOT_IN_PATH = re.compile(r"""[\s"'(),;=|<>{}*?`]""")


def looks_like_path(text: str) -> bool:
    """Whether the content of an inline code span names a file or folder (`agents/x.md`,
    `SKILL.md`, `.claude/`), not a command, flag, URL, glob or identifier."""
    if not 3 <= len(text) <= 300 or "://" in text or text[0] in "-$":
        return False
    if _NOT_IN_PATH.search(text) or not any(c.isalnum() for c in text):
        return False
    if "/" in text:
        if text.endswith("/"):
            return True
        return _SEGMENT_WITH_EXTENSION.fullmatch(text.rsplit("/", 1)[1]) is not None
    stem, dot, extension = text.rpartition(".")
    return bool(stem and dot) and extension.lower() in _PATH_EXTENSIONS


def _normalize_label(label: str) -> str:
    """A link label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def _strip_angle_brackets(destination: str) -> str:
    if len(destination) >= 2 and destination[0] == "<" and destination[-1] == ">":
        return destination[1:-1]
    return destination


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges sorted and merged where they overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) minus sorted, non-overlapping holes."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for hole_start, hole_end in holes:
        if hole_end <= cursor or hole_start >= end:
            continue
        if hole_start > cursor:
            pieces.append((cursor, hole_start))
        cursor = max(cursor, hole_end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _plain_text(src: bytes, node: Node, gaps: Iterable[tuple[int, int]]) -> str:
    """The visible text of an inline subtree: markup delimiters, link destinations and HTML
    tags dropped, whitespace collapsed. `gaps` are byte ranges to leave out too."""
    drops: list[tuple[int, int]] = list(gaps)
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in _MARKUP_NODES:
            drops.append((current.start_byte, current.end_byte))
        elif kind in _LINK_NODES and current != node:
            for child in current.children:
                if child.type in _LINK_TEXT_NODES:
                    stack.append(child)
                else:
                    drops.append((child.start_byte, child.end_byte))
        elif kind in ("uri_autolink", "email_autolink"):
            drops.append((current.start_byte, current.start_byte + 1))
            drops.append((current.end_byte - 1, current.end_byte))
        elif kind == "backslash_escape":
            drops.append((current.start_byte, current.start_byte + 1))
        else:
            stack.extend(current.children)
    pieces = _subtract(node.start_byte, node.end_byte, _merge(drops))
    return " ".join(decode_utf8(b"".join(src[s:e] for s, e in pieces)).split())


def _heading_level(heading: Node) -> int:
    for child in heading.children:
        level = _HEADING_LEVELS.get(child.type)
        if level is not None:
            return level
    return 1


def _heading_inline(heading: Node) -> Node | None:
    """The `inline` node holding a heading's text (absent for an empty `#`)."""
    content = heading.child_by_field_name("heading_content")
    if content is None or content.type == "inline":
        return content
    for child in content.named_children:  # setext: paragraph -> inline
        if child.type == "inline":
            return child
    return None


def _atx_closing_sequence(src: bytes, heading: Node, inline: Node) -> list[tuple[int, int]]:
    """The optional closing `##` of an ATX heading, which is not part of its text."""
    if heading.type != "atx_heading":
        return []
    match = _ATX_CLOSING.search(src, inline.start_byte, inline.end_byte)
    if match is None or match.end() != inline.end_byte:
        return []
    return [(match.start(1), inline.end_byte)]


def _frontmatter_text(src: bytes, node: Node) -> str:
    """The YAML between the fences of a `minus_metadata` node."""
    block = src[node.start_byte : node.end_byte].rstrip(b"\n")
    opening_end = block.find(b"\n")
    closing_start = block.rfind(b"\n")
    if opening_end < 0 or closing_start <= opening_end:
        return ""
    return decode_utf8(block[opening_end + 1 : closing_start + 1])


def _definition(src: bytes, node: Node) -> tuple[str, str] | None:
    """(normalized label, destination) of a link reference definition."""
    label: Node | None = None
    destination: Node | None = None
    for child in node.named_children:
        if child.type == "link_label" and label is None:
            label = child
        elif child.type == "link_destination" and destination is None:
            destination = child
    if label is None or destination is None:
        return None
    key = _normalize_label(node_text(src, label)[1:-1])
    return key, _strip_angle_brackets(node_text(src, destination).strip())


def _inline_ranges(node: Node) -> tuple[list[Range], list[tuple[int, int]]]:
    """The ranges of an inline node without the block markers (`> `, list indentation) inside
    it, and the markers' byte ranges."""
    if node.start_point.row == node.end_point.row:
        return [node.range], []
    ranges: list[Range] = []
    gaps: list[tuple[int, int]] = []
    piece_start, piece_point = node.start_byte, node.start_point
    for marker in node.named_children:
        if marker.type != "block_continuation" or marker.end_byte <= marker.start_byte:
            continue
        if marker.start_byte > piece_start:
            ranges.append(Range(piece_point, marker.start_point, piece_start, marker.start_byte))
        gaps.append((marker.start_byte, marker.end_byte))
        piece_start, piece_point = marker.end_byte, marker.end_point
    if node.end_byte > piece_start:
        ranges.append(Range(piece_point, node.end_point, piece_start, node.end_byte))
    return ranges, gaps


class _InlineReader:
    """Parses the inline blocks of one document and collects their links and code spans."""

    def __init__(self, src: bytes, definitions: dict[str, str]) -> None:
        self.src = src
        self.definitions = definitions
        self.links: list[Link] = []
        self.code_spans: list[CodeSpan] = []
        self.parser = parser_for("markdown-inline", _markdown_inline_language)

    def parse(self, ranges: list[Range]) -> Node:
        self.parser.included_ranges = ranges
        return self.parser.parse(self.src).root_node

    def collect(self, root: Node, gaps: list[tuple[int, int]]) -> None:
        for node in walk_named(root, _INLINE_OPAQUE):
            kind = node.type
            if kind in _LINK_NODES:
                self._add_link(node, gaps)
            elif kind == "uri_autolink":
                target = node_text(self.src, node)[1:-1]
                self.links.append(Link(target=target, text=target, line=node_line(node)))
            elif kind == "code_span":
                self._add_code_span(node)

    def _add_link(self, node: Node, gaps: list[tuple[int, int]]) -> None:
        src = self.src
        text_node: Node | None = None
        destination: Node | None = None
        label: Node | None = None
        for child in node.named_children:
            if child.type in _LINK_TEXT_NODES:
                text_node = child
            elif child.type == "link_destination":
                destination = child
            elif child.type == "link_label":
                label = child
        if node.type in _REFERENCE_LINKS:
            if label is not None:
                key = _normalize_label(node_text(src, label)[1:-1])
            elif text_node is not None:  # collapsed `[x][]` and shortcut `[x]`: the text
                key = _normalize_label(node_text(src, text_node))
            else:
                return
            # without a definition it is not a link (CommonMark): `[x]` is just text
            target = self.definitions.get(key, "")
        elif destination is not None:
            target = _strip_angle_brackets(node_text(src, destination).strip())
        else:
            target = ""
        if target:
            text = _plain_text(src, text_node, gaps) if text_node is not None else ""
            self.links.append(Link(target=target, text=text, line=node_line(node)))

    def _add_code_span(self, node: Node) -> None:
        if node.child_count < 2:
            return
        opening, closing = node.child(0), node.child(node.child_count - 1)
        if opening.type != "code_span_delimiter" or closing.type != "code_span_delimiter":
            return
        content = decode_utf8(self.src[opening.end_byte : closing.start_byte]).strip(" ")
        if content and looks_like_path(content):
            self.code_spans.append(CodeSpan(text=content, line=node_line(node)))


def _count_lines(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def parse_markdown(text: str) -> MarkdownDoc:
    """Front matter, headings, links and path-like code spans of one Markdown document.

    `text` is the decoded file (BOM already stripped); CRLF line endings are accepted. Line
    numbers are 1-based lines of `text`.
    """
    line_count = _count_lines(text)
    # Only "\r" before "\n" goes, so line numbers stay those of `text`. NUL becomes U+FFFD, as
    # CommonMark says; a final newline lets a closing `---` on the last line end front matter.
    body = text.replace("\r\n", "\n").replace("\x00", "\ufffd")
    if body and not body.endswith("\n"):
        body += "\n"
    src = body.encode("utf-8", errors="replace")
    root = parser_for("markdown", _markdown_language).parse(src).root_node

    frontmatter: str | None = None
    frontmatter_line = 0
    body_line = 1
    headings: list[Node] = []
    definitions: dict[str, str] = {}
    inlines: list[Node] = []
    for node in walk_named(root, _BLOCK_OPAQUE):
        kind = node.type
        if kind in _INLINE_CONTAINERS:
            inlines.append(node)
        elif kind in _HEADINGS:
            headings.append(node)
        elif kind == "link_reference_definition":
            definition = _definition(src, node)
            if definition is not None:
                definitions.setdefault(*definition)  # the first definition of a label wins
        elif kind == "minus_metadata" and node.start_byte == 0:
            # the grammar's YAML front matter: a `---` fence on the first line, closed by one
            frontmatter = _frontmatter_text(src, node)
            frontmatter_line = 1
            body_line = node.end_point.row + 1

    heading_of_inline: dict[int, Node] = {}  # start byte of a heading's inline -> the heading
    for heading in headings:
        content = _heading_inline(heading)
        if content is not None:
            heading_of_inline[content.start_byte] = heading
    heading_texts: dict[int, str] = {}  # heading start byte -> its text

    reader = _InlineReader(src, definitions)
    images_left, brackets_left = MAX_DOCUMENT_IMAGES, MAX_DOCUMENT_BRACKETS
    for inline in inlines:
        of_heading = heading_of_inline.get(inline.start_byte)
        if of_heading is None and not _INLINE_TRIGGER.search(
            src, inline.start_byte, inline.end_byte
        ):
            continue  # no link, image, autolink or code span can start here
        images = src.count(b"![", inline.start_byte, inline.end_byte)
        brackets = src.count(b"[", inline.start_byte, inline.end_byte)
        if images > min(MAX_INLINE_IMAGES, images_left) or brackets > min(
            MAX_INLINE_BRACKETS, brackets_left
        ):
            continue  # too costly (or crashing) for the inline grammar: see the docstring
        images_left -= images
        brackets_left -= brackets
        ranges, gaps = _inline_ranges(inline)
        inline_root = reader.parse(ranges)
        if of_heading is not None:
            closing = _atx_closing_sequence(src, of_heading, inline)
            heading_texts[of_heading.start_byte] = _plain_text(src, inline_root, gaps + closing)
        reader.collect(inline_root, gaps)

    heading_records = tuple(
        Heading(
            level=_heading_level(node),
            text=heading_texts.get(node.start_byte, ""),
            line=node_line(node),
        )
        for node in headings
    )
    return MarkdownDoc(
        frontmatter=frontmatter,
        frontmatter_line=frontmatter_line,
        body_line=body_line,
        title=next((h.text for h in heading_records if h.text), ""),
        headings=heading_records,
        links=tuple(reader.links),
        code_spans=tuple(reader.code_spans),
        line_count=line_count,
    )
