"""TypeScript and TSX: their grammars and the query they share (typescript.scm; TSX has every
node type it names). Imports resolve as in JavaScript, and the frameworks are JavaScript's."""

from __future__ import annotations

import tree_sitter_typescript

from scanner.languages import javascript
from scanner.languages.base import LanguageSpec

LANGUAGE = LanguageSpec(
    name="typescript",
    grammars={
        "typescript": tree_sitter_typescript.language_typescript,
        "tsx": tree_sitter_typescript.language_tsx,
    },
    query="typescript.scm",
    extensions={".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"},
    resolve_import=javascript.resolve_import,
)
