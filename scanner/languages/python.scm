; Imports and calls in Python (tree-sitter-python). Used by scanner/treesitter.py: parse_code.

; import a.b, c as d
(import_statement name: (dotted_name) @import.module)
(import_statement name: (aliased_import name: (dotted_name) @import.module))

; from a.b import c / from . import x / from ..m import y
(import_from_statement module_name: (dotted_name) @import.module)
(import_from_statement module_name: (relative_import) @import.module)
(future_import_statement "__future__" @import.module)

; f(), a.b.c()
(call function: [(identifier) (attribute)] @call.name)

; @mcp.tool and @decorator without parentheses; `@mcp.tool()` is a call above.
(decorator [(identifier) (attribute)] @call.name)
