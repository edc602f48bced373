; Imports and calls in Go (tree-sitter-go). Used by scanner/treesitter.py.

; import "fmt" / import ( alias "net/http" ) / import `raw`
(import_spec path: (interpreted_string_literal (interpreted_string_literal_content) @import.module))
(import_spec path: (raw_string_literal (raw_string_literal_content) @import.module))

; f(), gin.Default(), r.Group("/").GET()
(call_expression function: [(identifier) (selector_expression)] @call.name)
