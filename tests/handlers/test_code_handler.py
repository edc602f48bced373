"""The code handler: MCP servers, Claude adapters, backend entry points, package.json stacks."""

from __future__ import annotations

import json

from scanner.handlers import code
from scanner.models import AssetKind
from tests.handlers.helpers import file_input

FASTMCP = """from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def add(a: int, b: int) -> int:
    return a + b
"""

FASTAPI = """from fastapi import FastAPI
from sqlalchemy.orm import Session
import redis

app = FastAPI()


@app.get("/items")
def items() -> list[str]:
    return []
"""

ANTHROPIC = """import anthropic

client = anthropic.Anthropic()
"""

EXPRESS = """const express = require('express');
const app = express();
app.get('/api/health', (req, res) => res.json({ ok: true }));
app.listen(3000);
"""

TS_MCP = """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({ name: "x", version: "1.0.0" });
"""

RUST_STREAM = """//! Types for Claude's `--output-format stream-json` events.
use serde::Deserialize;

#[derive(Deserialize)]
pub enum ClaudeStreamEvent { System }
"""

GO_GIN = """package main

import (
    "github.com/gin-gonic/gin"
    "github.com/segmentio/kafka-go"
)

func main() {
    r := gin.Default()
    r.Run()
}
"""


def kind_of(path: str, text: str) -> AssetKind | None:
    result = code.parse(file_input(path, text))
    return result.asset.kind if result is not None and result.asset is not None else None


def test_kinds_per_language() -> None:
    assert kind_of("server.py", FASTMCP) is AssetKind.MCP_SERVER
    assert kind_of("app.py", FASTAPI) is AssetKind.CODE
    assert kind_of("client.py", ANTHROPIC) is AssetKind.CLAUDE_ADAPTER
    assert kind_of("server/index.js", EXPRESS) is AssetKind.CODE
    assert kind_of("mcp/src/index.ts", TS_MCP) is AssetKind.MCP_SERVER
    assert kind_of("src/claude_stream.rs", RUST_STREAM) is AssetKind.CLAUDE_ADAPTER
    assert kind_of("main.go", GO_GIN) is AssetKind.CODE


def test_frameworks_recorded() -> None:
    result = code.parse(file_input("app.py", FASTAPI))
    assert result is not None and result.asset is not None
    assert result.asset.details["frameworks"] == ["FastAPI", "Redis", "SQLAlchemy"]
    go = code.parse(file_input("main.go", GO_GIN))
    assert go is not None and go.asset is not None
    assert go.asset.details["frameworks"] == ["Gin", "Kafka"]


def test_code_without_signals_is_not_an_asset() -> None:
    assert code.parse(file_input("util.py", "import os\nprint(os.getcwd())\n")) is None
    # a framework import alone is not an entry point
    assert code.parse(file_input("models.py", "from sqlalchemy import Column\n")) is None


def test_package_json_stack() -> None:
    pkg = {
        "name": "@x/server",
        "description": "Web server with tRPC",
        "dependencies": {"fastify": "^5", "@trpc/server": "^11", "better-sqlite3": "^12"},
    }
    result = code.parse(file_input("backend/web/package.json", json.dumps(pkg)))
    assert result is not None and result.asset is not None
    assert result.asset.kind is AssetKind.CODE
    assert result.asset.details["frameworks"] == ["Fastify", "SQLite", "tRPC"]
    plain = {"name": "ui", "dependencies": {"react": "^19"}}
    assert code.parse(file_input("web/package.json", json.dumps(plain))) is None


AGENT_SDK_SERVER = """from claude_agent_sdk import create_sdk_mcp_server, tool


@tool("lookup", "Look a library up", {"name": str})
async def lookup(args):
    return {}

server = create_sdk_mcp_server(name="docs", version="1.0.0", tools=[lookup])
"""


def test_claude_agent_sdk_in_process_server_is_an_mcp_server() -> None:
    assert kind_of("src/mcp_servers/docs/server.py", AGENT_SDK_SERVER) is AssetKind.MCP_SERVER


def test_test_files_are_not_selected() -> None:
    from scanner.handlers import select_handlers

    for path in (
        "tests/unit/test_mcp.py",
        "pkg/server_test.go",
        "src/a.test.ts",
        "crates/x/tests/m.rs",
    ):
        assert select_handlers(path) == ()


def test_files_skipped_before_tree_sitter_could_not_have_been_assets() -> None:
    """The text check that spares tree-sitter is exact: over every source file of this project
    and its examples (hundreds of real Python, JS and TS files), a file it rejects would have
    parsed to no asset, and a file that names a signal only in a comment still gets parsed."""
    from pathlib import Path

    from scanner import treesitter

    root = Path(__file__).resolve().parents[2]
    files = [
        p
        for folder in ("scanner", "tests", "examples", "bench", "scripts")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file() and treesitter.language_for_path(p.name) is not None
    ]
    rejected = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        if code._can_be_an_asset().search(text) is not None:
            continue
        rejected += 1
        language = treesitter.language_for_path(path.name)
        assert language is not None
        facts = treesitter.parse_code(text.encode("utf-8"), language)
        assert code.classify_code(facts, text, str(path))[0] is None, path
    assert len(files) > 100 and rejected > 50
    commented = "# we might use fastapi one day\nimport os\n"
    assert code._can_be_an_asset().search(commented) is not None
    assert code.parse(file_input("svc/app.py", commented)) is None
