; Imports and calls in Rust (tree-sitter-rust). Used by scanner/treesitter.py.
; A `use` yields the path before its last segment or its braces: `use a::b::{c, d}` -> a::b.

; use serde_json::Value;  use crate::x::y;
(use_declaration argument: (scoped_identifier path: (_) @import.module))
; use std;
(use_declaration argument: (identifier) @import.module)
; use crate::x::{a, b};
(use_declaration argument: (scoped_use_list path: (_) @import.module))
; use a::b::*;
(use_declaration argument: (use_wildcard . (_) @import.module))
; use a::b as c;  use a as c;
(use_declaration argument: (use_as_clause path: (scoped_identifier path: (_) @import.module)))
(use_declaration argument: (use_as_clause path: (identifier) @import.module))
; use {a, b::c};
(use_declaration argument: (use_list (identifier) @import.module))
(use_declaration argument: (use_list (scoped_identifier path: (_) @import.module)))

; extern crate foo;
(extern_crate_declaration name: (identifier) @import.module)

; mod x;  (a module in another file; `mod x { ... }` is inline and not an import)
(mod_item name: (identifier) @import.mod !body)

; f(), Router::new(), app.route(), foo::<T>()
(call_expression
  function: [
    (identifier)
    (scoped_identifier)
    (field_expression)
    (generic_function)
  ] @call.name)
