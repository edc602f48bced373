from __future__ import annotations

import concurrent.futures
import multiprocessing
import time
from textwrap import dedent

import pytest

from scanner.models import Call, CodeSpan, Heading, Import, Link
from scanner.treesitter import (
    CODE_LANGUAGES,
    MAX_CALLS,
    language_for_path,
    looks_like_path,
    parse_code,
    parse_markdown,
)


def md(text: str) -> str:
    return dedent(text).lstrip("\n")


# --- front matter ------------------------------------------------------------------------------


def test_frontmatter_present() -> None:
    doc = parse_markdown(
        md(
            """
            ---
            name: backend-architect
            description: Designs APIs
            ---
            # Backend Architect

            Body.
            """
        )
    )
    assert doc.frontmatter == "name: backend-architect\ndescription: Designs APIs\n"
    assert doc.frontmatter_line == 1
    assert doc.body_line == 5
    assert doc.title == "Backend Architect"
    assert doc.headings == (Heading(level=1, text="Backend Architect", line=5),)
    assert doc.line_count == 7


def test_frontmatter_absent() -> None:
    doc = parse_markdown("# Title\n\ntext\n")
    assert doc.frontmatter is None
    assert doc.frontmatter_line == 0
    assert doc.body_line == 1
    assert doc.title == "Title"


def test_frontmatter_empty() -> None:
    doc = parse_markdown("---\n---\nbody\n")
    assert doc.frontmatter == ""
    assert doc.frontmatter_line == 1
    assert doc.body_line == 3


def test_frontmatter_unterminated_is_body() -> None:
    doc = parse_markdown("---\nname: x\n# Heading\n")
    assert doc.frontmatter is None
    assert doc.frontmatter_line == 0
    assert doc.body_line == 1
    assert doc.headings == (Heading(level=1, text="Heading", line=3),)


def test_frontmatter_must_start_on_first_line() -> None:
    doc = parse_markdown("\n---\nname: x\n---\n")
    assert doc.frontmatter is None


def test_frontmatter_closing_fence_on_last_line_without_newline() -> None:
    doc = parse_markdown("---\nname: x\n---")
    assert doc.frontmatter == "name: x\n"
    assert doc.body_line == 4
    assert doc.line_count == 3


def test_frontmatter_crlf() -> None:
    text = "---\r\nname: x\r\ntools: [a, b]\r\n---\r\n# Title\r\n\r\nSee [docs](docs/a.md).\r\n"
    doc = parse_markdown(text)
    assert doc.frontmatter == "name: x\ntools: [a, b]\n"
    assert doc.body_line == 5
    assert doc.title == "Title"
    assert doc.headings == (Heading(level=1, text="Title", line=5),)
    assert doc.links == (Link(target="docs/a.md", text="docs", line=7),)
    assert doc.line_count == 7


def test_thematic_break_later_is_not_frontmatter() -> None:
    doc = parse_markdown("# T\n\n---\n\ntext\n")
    assert doc.frontmatter is None


# --- headings ----------------------------------------------------------------------------------


def test_title_from_atx_with_markup_stripped() -> None:
    doc = parse_markdown("# The *`scanner`* [guide](g.md) \\# one ##\n")
    assert doc.title == "The scanner guide # one"


def test_title_from_setext() -> None:
    doc = parse_markdown("Intro text is not a title?\n\nSetext **Title**\n===\n\n## Next\n")
    assert doc.title == "Setext Title"
    assert doc.headings == (
        Heading(level=1, text="Setext Title", line=3),
        Heading(level=2, text="Next", line=6),
    )


def test_headings_with_levels_and_lines() -> None:
    doc = parse_markdown(
        md(
            """
            # One

            ## Two
            text
            ### Three

            Sub
            ---

            ###### Six

            ```
            # not a heading
            ```
            """
        )
    )
    assert doc.headings == (
        Heading(level=1, text="One", line=1),
        Heading(level=2, text="Two", line=3),
        Heading(level=3, text="Three", line=5),
        Heading(level=2, text="Sub", line=7),
        Heading(level=6, text="Six", line=10),
    )


def test_empty_first_heading_does_not_make_empty_title() -> None:
    doc = parse_markdown("#\n\n# Real\n")
    assert doc.headings[0] == Heading(level=1, text="", line=1)
    assert doc.title == "Real"


def test_no_heading_no_title() -> None:
    assert parse_markdown("just text\n").title == ""


# --- links -------------------------------------------------------------------------------------


def test_links_of_every_kind() -> None:
    doc = parse_markdown(
        md(
            """
            # Links

            See [the guide](docs/guide.md "Guide") and ![diagram](img/arch.png).
            Visit <https://example.com/x> or [section](other.md#setup).
            Reference [full][Ref Label] and [collapsed][] and [shortcut].
            Not links: [undefined][nope], [plain], [empty]().

            [ref label]: ./ref.md "Title"
            [collapsed]: <with space.md>
            [shortcut]: https://example.com/s
            [ref label]: ./second-definition-loses.md
            """
        )
    )
    assert doc.links == (
        Link(target="docs/guide.md", text="the guide", line=3),
        Link(target="img/arch.png", text="diagram", line=3),
        Link(target="https://example.com/x", text="https://example.com/x", line=4),
        Link(target="other.md#setup", text="section", line=4),
        Link(target="./ref.md", text="full", line=5),
        Link(target="with space.md", text="collapsed", line=5),
        Link(target="https://example.com/s", text="shortcut", line=5),
    )


def test_links_in_list_item_table_and_quote() -> None:
    doc = parse_markdown(
        md(
            """
            - item with [a link](agents/a.md)
              - nested [b](b.md)

            | Asset | Where |
            |-------|-------|
            | [c](c.md) | `skills/c/SKILL.md` |

            > quoted [d](d.md) and a link over
            > two [lines of
            > text](e.md)
            """
        )
    )
    assert doc.links == (
        Link(target="agents/a.md", text="a link", line=1),
        Link(target="b.md", text="b", line=2),
        Link(target="c.md", text="c", line=6),
        Link(target="d.md", text="d", line=8),
        Link(target="e.md", text="lines of text", line=9),
    )
    assert doc.code_spans == (CodeSpan(text="skills/c/SKILL.md", line=6),)


def test_image_inside_link_and_markup_in_link_text() -> None:
    doc = parse_markdown("[![badge](ci.svg)](https://ci/x) [**bold** `code`](x.md)\n")
    assert doc.links == (
        Link(target="https://ci/x", text="badge", line=1),
        Link(target="ci.svg", text="badge", line=1),
        Link(target="x.md", text="bold code", line=1),
    )


def test_inline_constructs_do_not_cross_blocks() -> None:
    doc = parse_markdown("para `a/b.md\n\nsecond` x\n\n- [x]\n- (y.md)\n\n# [head\n\ntail](z.md)\n")
    assert doc.links == ()
    assert doc.code_spans == ()


def test_no_links_from_code_blocks_or_html_blocks() -> None:
    doc = parse_markdown(
        md(
            """
            ```md
            [fenced](f.md) `fenced/x.py`
            ```

                [indented](i.md) `indented/x.py`

            <div>
            [html](h.md)
            </div>
            """
        )
    )
    assert doc.links == ()
    assert doc.code_spans == ()


# --- code spans --------------------------------------------------------------------------------


def test_code_spans_path_like_only_in_order() -> None:
    doc = parse_markdown(
        md(
            """
            Use `agents/backend.md`, `--flag`, `npm install`, `https://x/y.md`, `foo`,
            `SKILL.md`, `.claude/`, `$HOME/x.md`, `skills/*/SKILL.md`, `a/b`,
            `` `plugin.json` `` and `scripts/run.sh`.

            ```bash
            cat `docs/in-fence.md`
            ```
            """
        )
    )
    assert doc.code_spans == (
        CodeSpan(text="agents/backend.md", line=1),
        CodeSpan(text="SKILL.md", line=2),
        CodeSpan(text=".claude/", line=2),
        CodeSpan(text="scripts/run.sh", line=3),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("agents/x.md", True),
        ("src/app/main.py", True),
        ("docs/", True),
        ("package.json", True),
        ("config.YAML", True),
        ("hooks.scm", True),
        ("a.b", False),  # bare name, unknown extension
        ("os.path", False),
        ("x/y", False),  # no extension, no trailing slash
        ("x/.env", False),
        ("--dry-run", False),
        ("$PATH/x.md", False),
        ("npm install x.md", False),
        ("https://a/b.md", False),
        ("md", False),
        (".md", False),
        ("f(x.py)", False),
        ("a" * 298 + ".md", False),
        ("a" * 290 + "/x.md", True),
    ],
)
def test_looks_like_path(text: str, expected: bool) -> None:
    assert looks_like_path(text) is expected


# --- robustness --------------------------------------------------------------------------------


def test_empty_markdown() -> None:
    doc = parse_markdown("")
    assert doc.frontmatter is None
    assert doc.title == ""
    assert doc.headings == ()
    assert doc.links == ()
    assert doc.code_spans == ()
    assert doc.line_count == 0
    assert doc.body_line == 1


def test_nul_bytes_and_invalid_syntax() -> None:
    doc = parse_markdown("# T\x00itle\n\n[broken](\n`unclosed\n\n\x00[x](y.md)\n")
    assert doc.headings[0].line == 1
    assert doc.links == (Link(target="y.md", text="x", line=6),)


def test_lone_surrogate_does_not_crash() -> None:
    doc = parse_markdown("# A\udcff\n")
    assert doc.title == "A?"


def test_deeply_nested_blockquotes_and_lists() -> None:
    started = time.perf_counter()
    quotes = parse_markdown("> " * 5000 + "[deep](deep.md)\n")
    lists = parse_markdown("".join("  " * i + f"- `l/{i}.md`\n" for i in range(5000)))
    markers = parse_markdown("- " * 5000 + "x\n" + "[" * 20000 + "\n" + "*" * 20000 + "\n")
    assert quotes.links == (Link(target="deep.md", text="deep", line=1),)
    assert lists.code_spans[0] == CodeSpan(text="l/0.md", line=1)
    assert markers.line_count == 3
    assert time.perf_counter() - started < 20


def test_big_markdown_is_fast() -> None:
    unit = md(
        """
        ## Section with `code` and [a link](docs/x.md)

        Paragraph text that goes on for a while, with *emphasis* and **strong** and more
        words on a second line, without anything to extract from it at all.

        - item `b/c.py` and [ref][r]
        - another item

        | a | b |
        |---|---|
        | `x.md` | [y](y.md) |

        ```python
        print("[not](a.md)")
        ```

        [r]: https://example.com/r

        """
    )
    copies = 5 * 1024 * 1024 // len(unit)
    started = time.perf_counter()
    doc = parse_markdown(unit * copies)
    elapsed = time.perf_counter() - started
    assert len(doc.headings) == copies
    assert len(doc.links) == 3 * copies
    assert len(doc.code_spans) == 2 * copies
    assert elapsed < 30, elapsed


def test_huge_paragraphs_of_punctuation_stay_linear() -> None:
    # tree-sitter's query cursor is super-linear on long runs of anonymous tokens; the walk
    # that reads Markdown is not
    started = time.perf_counter()
    for text in ("[" * 1_000_000, "<" * 1_000_000, "[a](b.md) `c/d.md` " * 50_000):
        parse_markdown(text)
    assert time.perf_counter() - started < 20


def test_html_is_not_markdown() -> None:
    doc = parse_markdown("text <!-- [x](hidden.md) --> <a href='y.md'>`z/w.md`</a>\n")
    assert doc.links == ()
    assert doc.code_spans == (CodeSpan(text="z/w.md", line=1),)


def test_parse_markdown_from_threads() -> None:
    text = "# T\n\n[a](a.md) `b/c.md`\n"
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        docs = list(pool.map(parse_markdown, [text] * 32))
    assert all(d == docs[0] for d in docs)
    assert docs[0].links == (Link(target="a.md", text="a", line=3),)


def test_parse_in_a_spawned_process_pool() -> None:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        doc = pool.submit(parse_markdown, "# T\n\n[a](a.md)\n").result(timeout=60)
        facts = pool.submit(parse_code, b"import os\nos.getcwd()\n", "python").result(timeout=60)
    assert doc.links == (Link(target="a.md", text="a", line=3),)
    assert facts.calls == (Call(name="os.getcwd", line=2),)


# --- code --------------------------------------------------------------------------------------


def imports_of(source: str, language: str) -> list[tuple[str, int]]:
    facts = parse_code(md(source).encode(), language)
    return [(i.module, i.line) for i in facts.imports]


def calls_of(source: str, language: str) -> list[str]:
    return [c.name for c in parse_code(md(source).encode(), language).calls]


def test_python_fastmcp_server() -> None:
    source = """
        from mcp.server.fastmcp import FastMCP
        import os.path, json as j

        mcp = FastMCP("x")

        @mcp.tool()
        def add(a: int, b: int) -> int:
            return a + b

        @mcp.resource
        def res() -> str:
            return os.path.join("a", "b")

        if __name__ == "__main__":
            mcp.run()
        """
    facts = parse_code(md(source).encode(), "python")
    assert facts.language == "python"
    assert facts.has_errors is False
    assert facts.imports == (
        Import(module="mcp.server.fastmcp", line=1),
        Import(module="os.path", line=2),
        Import(module="json", line=2),
    )
    assert facts.calls == (
        Call(name="FastMCP", line=4),
        Call(name="mcp.tool", line=6),
        Call(name="mcp.resource", line=10),
        Call(name="os.path.join", line=12),
        Call(name="mcp.run", line=15),
    )


def test_python_fastapi_app_and_relative_imports() -> None:
    source = """
        from fastapi import FastAPI, APIRouter
        from . import models
        from ..db.session import get_db
        from __future__ import annotations

        app = FastAPI(title="x")
        router = APIRouter()

        @app.get("/items/{item_id}")
        async def read(item_id: int):
            return super().read(item_id).json()

        app.include_router(router)
        """
    assert imports_of(source, "python") == [
        ("fastapi", 1),
        (".", 2),
        ("..db.session", 3),
        ("__future__", 4),
    ]
    assert calls_of(source, "python") == [
        "FastAPI",
        "APIRouter",
        "app.get",
        "super",
        "read",
        "json",
        "app.include_router",
    ]


def test_python_anthropic_client() -> None:
    source = """
        import anthropic

        client = anthropic.Anthropic()
        message = client.messages.create(model="m", max_tokens=10, messages=[])
        """
    assert imports_of(source, "python") == [("anthropic", 1)]
    assert calls_of(source, "python") == ["anthropic.Anthropic", "client.messages.create"]


def test_javascript_express_server() -> None:
    source = """
        const express = require('express');
        import cors from "cors";
        import "dotenv/config";
        export { handler } from './handlers.js';
        export * from "./types";

        const app = express();
        app.use(cors());
        app
          .get("/", (req, res) => res.send("ok"));
        const lazy = await import("./lazy.mjs");
        app.listen(3000, () => console.log("up"));
        """
    facts = parse_code(md(source).encode(), "javascript")
    assert [(i.module, i.line) for i in facts.imports] == [
        ("express", 1),
        ("cors", 2),
        ("dotenv/config", 3),
        ("./handlers.js", 4),
        ("./types", 5),
        ("./lazy.mjs", 11),
    ]
    names = [c.name for c in facts.calls]
    assert names[:4] == ["require", "express", "app.use", "cors"]
    assert {"app.get", "res.send", "app.listen", "console.log"} <= set(names)
    assert "import" not in names
    assert Call(name="app.get", line=9) in facts.calls  # the line where the chain starts


def test_typescript_mcp_server() -> None:
    source = """
        import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
        import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
        import type { Tool } from "./types";
        import fs = require("fs");

        const server = new McpServer({ name: "x", version: "1.0.0" });
        server.tool("add", {}, async () => ({ content: [] }));
        const transport = new StdioServerTransport();
        await server.connect(transport);
        this.server!.close();
        """
    facts = parse_code(md(source).encode(), "typescript")
    assert [i.module for i in facts.imports] == [
        "@modelcontextprotocol/sdk/server/mcp.js",
        "@modelcontextprotocol/sdk/server/stdio.js",
        "./types",
        "fs",
    ]
    assert [c.name for c in facts.calls] == [
        "McpServer",
        "server.tool",
        "StdioServerTransport",
        "server.connect",
        "this.server.close",
    ]
    assert facts.calls[0] == Call(name="McpServer", line=6)


def test_tsx_component() -> None:
    source = """
        import React, { useState } from "react";
        import { trpc } from "../utils/trpc";

        export function Counter(): JSX.Element {
          const [n, setN] = useState<number>(0);
          const q = trpc.items.list.useQuery();
          return <button onClick={() => setN(n + 1)}>{format(n)}</button>;
        }
        """
    facts = parse_code(md(source).encode(), "tsx")
    assert facts.has_errors is False
    assert [i.module for i in facts.imports] == ["react", "../utils/trpc"]
    assert [c.name for c in facts.calls] == [
        "useState",
        "trpc.items.list.useQuery",
        "setN",
        "format",
    ]


def test_rust_uses_mods_and_calls() -> None:
    source = """
        use serde_json::Value;
        use crate::x::{a, b};
        use std::collections::*;
        use tokio as rt;
        extern crate alloc;
        mod routes;
        mod inline_mod { }

        fn main() {
            let app = Router::new().route("/", get(handler));
            let v: Value = serde_json::from_str("{}").unwrap();
            let n = parse::<u8>("1");
            println!("{}", v);
        }
        """
    assert imports_of(source, "rust") == [
        ("serde_json", 1),
        ("crate::x", 2),
        ("std::collections", 3),
        ("tokio", 4),
        ("alloc", 5),
        ("mod:routes", 6),
    ]
    assert calls_of(source, "rust") == [
        "Router::new",
        "route",
        "get",
        "serde_json::from_str",
        "unwrap",
        "parse",
    ]


def test_go_gin_server() -> None:
    source = """
        package main

        import "fmt"
        import (
            "github.com/gin-gonic/gin"
            h "net/http"
            _ `embed`
        )

        func main() {
            r := gin.Default()
            r.GET("/", func(c *gin.Context) { c.JSON(h.StatusOK, nil) })
            r.Group("/v1").Use(auth())
            fmt.Println("up")
        }
        """
    assert imports_of(source, "go") == [
        ("fmt", 3),
        ("github.com/gin-gonic/gin", 5),
        ("net/http", 6),
        ("embed", 7),
    ]
    assert calls_of(source, "go") == [
        "gin.Default",
        "r.GET",
        "c.JSON",
        "r.Group",
        "Use",
        "auth",
        "fmt.Println",
    ]


def test_chained_call_on_a_later_line_gets_that_line() -> None:
    source = """
        let app = Router::new()
            .route("/", get(handler))
            .layer(cors);
        """
    facts = parse_code(md(source).encode(), "rust")
    assert facts.calls == (
        Call(name="Router::new", line=1),
        Call(name="route", line=2),
        Call(name="get", line=2),
        Call(name="layer", line=3),
    )


def test_calls_deduplicated_and_capped() -> None:
    source = "".join(f"f{i}()\nf{i}()\n" for i in range(MAX_CALLS + 100)).encode()
    facts = parse_code(source, "python")
    assert len(facts.calls) == MAX_CALLS
    assert facts.calls[1] == Call(name="f1", line=3)


@pytest.mark.parametrize("language", sorted(CODE_LANGUAGES))
def test_code_robustness(language: str) -> None:
    assert parse_code(b"", language).imports == ()
    broken = parse_code(b"\x00 ((( {{{ import from 'x' fn ] \xff\xfe", language)
    assert broken.has_errors is True
    deep = parse_code(b"f(" * 5000 + b")" * 5000, language)
    assert deep.calls[0].name == "f"


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported code language"):
        parse_code(b"", "cobol")


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("server.py", "python"),
        ("a/b/index.js", "javascript"),
        ("x.mjs", "javascript"),
        ("x.cjs", "javascript"),
        ("App.jsx", "javascript"),
        ("src/main.ts", "typescript"),
        ("x.mts", "typescript"),
        ("x.cts", "typescript"),
        ("App.TSX", "tsx"),
        ("src/lib.rs", "rust"),
        ("cmd/main.go", "go"),
        ("README.md", None),
        ("Makefile", None),
        (".py", None),
        ("dir.py/file", None),
    ],
)
def test_language_for_path(path: str, language: str | None) -> None:
    assert language_for_path(path) == language
