; Imports and calls in JavaScript (tree-sitter-javascript). Used by scanner/treesitter.py.

; import x from "m" / import "m"
(import_statement source: (string (string_fragment) @import.module))

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

; f(), a.b.c(), new Foo.Bar()
(call_expression function: [(identifier) (member_expression)] @call.name)
(new_expression constructor: [(identifier) (member_expression)] @call.name)

; @decorator without parentheses
(decorator [(identifier) (member_expression)] @call.name)
