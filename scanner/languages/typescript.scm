; Imports and calls in TypeScript and TSX (tree-sitter-typescript: both grammars have these
; node types, so one query serves both). Used by scanner/treesitter.py.

; import x from "m" / import type { T } from "m" / import "m"
(import_statement source: (string (string_fragment) @import.module))

; import x = require("m")
(import_require_clause source: (string (string_fragment) @import.module))

; export { a } from "m" / export * from "m"
(export_statement source: (string (string_fragment) @import.module))

; require("m")
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string (string_fragment) @import.module))
  (#eq? @_require "require"))

; import("m")
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @import.module)))

; f(), a.b.c(), new McpServer(...)
(call_expression function: [(identifier) (member_expression)] @call.name)
(new_expression constructor: [(identifier) (member_expression)] @call.name)

; @decorator without parentheses
(decorator [(identifier) (member_expression)] @call.name)
