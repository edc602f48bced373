"""tree-sitter extraction: Markdown structure and code imports/calls, as records.

Pure functions: text or bytes in, frozen records out. The only disk access is loading the query
files shipped in `scanner/languages/`. Languages and queries are built once per process on first
use; parsers are per thread, because a `Parser` carries state (its included ranges). Hostile
input is bounded by counts, never by the clock, so results stay deterministic.

machinery: parsers and the linear walk; markdown: `parse_markdown`; code: `parse_code`."""

from __future__ import annotations

from scanner.treesitter.code import (
    CODE_LANGUAGES,
    MAX_CALLS,
    MAX_CODE_ANONYMOUS_RUN,
    MAX_CODE_DEPTH,
    MAX_IMPORTS,
    language_for_path,
    parse_code,
)
from scanner.treesitter.markdown import (
    MAX_DOCUMENT_BRACKETS,
    MAX_DOCUMENT_IMAGES,
    MAX_INLINE_BRACKETS,
    MAX_INLINE_IMAGES,
    looks_like_path,
    parse_markdown,
)

__all__ = [
    "CODE_LANGUAGES",
    "MAX_CALLS",
    "MAX_CODE_ANONYMOUS_RUN",
    "MAX_CODE_DEPTH",
    "MAX_DOCUMENT_BRACKETS",
    "MAX_DOCUMENT_IMAGES",
    "MAX_IMPORTS",
    "MAX_INLINE_BRACKETS",
    "MAX_INLINE_IMAGES",
    "language_for_path",
    "looks_like_path",
    "parse_code",
    "parse_markdown",
]
