"""A deterministic synthetic corpus of git repositories for the benchmark.

Each repository has the shape of the real sources: plugins with skills (and their references and
scripts), agents, commands, hook and MCP configurations and manifests; guidance and pattern
documents; source code in Python, TypeScript, JavaScript, Rust and Go (a few MCP servers, Claude
clients and service entry points among many ordinary modules); and files no handler wants
(docs, tests, CI configs, images). All text is generated here from a fixed seed with
`random.Random`; commits have fixed dates, so the same parameters give the same commit SHAs on
every machine. Repositories are written with `git fast-import` into bare "upstream" repositories
that the benchmark clones over file:// URLs.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 2
BASE_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: commit dates are fixed, never the clock
IDENTITY = "Bench Corpus <bench@example.invalid>"
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}

_WORD_TEXT = (
    "service request response handler queue worker retry timeout cache index schema table "
    "migration tenant account session token secret config deploy release build test lint "
    "review agent skill command hook plugin server client endpoint route payload event stream "
    "batch job pipeline stage graph node edge metric trace log alert budget latency throughput "
    "partition replica leader follower shard cluster region zone backup restore snapshot policy "
    "permission role user group audit compliance contract interface adapter gateway proxy "
    "balancer circuit breaker fallback idempotent transaction commit rollback isolation lock "
    "consistency eventual strong read write query mutation subscription resolver context "
    "prompt model token window completion tool call result error warning info debug the a of "
    "to and in for with on by from when then use each every only never always should must may "
    "can will this that these those it its their our your is are be been was were has have"
)
WORDS = tuple(_WORD_TEXT.split())
LANGS = ("python", "typescript", "javascript", "rust", "go")
EXT = {"python": "py", "typescript": "ts", "javascript": "js", "rust": "rs", "go": "go"}


@dataclass(frozen=True, slots=True)
class CorpusRepo:
    name: str
    upstream: Path  # a bare repository
    base_commit: str
    touch_path: str  # the asset an incremental measurement changes


class _Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))

    def sentence(self) -> str:
        text = self.words(6, 18)
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def ident(self) -> str:
        return "_".join(self.rng.choices(WORDS[:60], k=2))

    def markdown_body(self, target_bytes: int, links: list[str]) -> str:
        parts: list[str] = []
        size = 0
        while size < target_bytes:
            roll = self.rng.random()
            if roll < 0.15:
                block = f"## {self.words(2, 5).title()}"
            elif roll < 0.30:
                block = "\n".join(f"- {self.words(4, 12)}" for _ in range(self.rng.randint(2, 6)))
            elif roll < 0.38:
                code = "\n".join(f"{self.ident()}({self.ident()})" for _ in range(4))
                block = f"```python\n{code}\n```"
            elif roll < 0.45 and links:
                target = self.rng.choice(links)
                block = f"See [{self.words(1, 3)}]({target}) and `{target}` for details."
            elif roll < 0.50:
                rows = [f"| {self.words(1, 2)} | {self.words(2, 5)} |" for _ in range(3)]
                block = "| name | meaning |\n| --- | --- |\n" + "\n".join(rows)
            else:
                block = self.paragraph()
            parts.append(block)
            size += len(block) + 2
        return "\n\n".join(parts) + "\n"

    def size(self, low: int, high: int) -> int:
        # skewed towards small files, as real repositories are
        return int(low + (high - low) * self.rng.random() ** 2)


def _frontmatter(fields: dict[str, str]) -> str:
    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _code(text: _Text, language: str, role: str, target_bytes: int) -> str:
    """Source in `language`; `role` picks the imports that make it an asset or not."""
    imports = {
        "python": {
            "mcp": ["from mcp.server.fastmcp import FastMCP"],
            "claude": ["import anthropic"],
            "service": ["from fastapi import FastAPI", "import sqlalchemy"],
            "plain": ["import os", "import json", "from dataclasses import dataclass"],
        },
        "typescript": {
            "mcp": ['import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";'],
            "claude": ['import Anthropic from "@anthropic-ai/sdk";'],
            "service": ['import express from "express";'],
            "plain": ['import { readFile } from "node:fs/promises";', 'import path from "path";'],
        },
        "javascript": {
            "mcp": ['const { Server } = require("@modelcontextprotocol/sdk/server/index.js");'],
            "claude": ['const Anthropic = require("@anthropic-ai/sdk");'],
            "service": ['const express = require("express");'],
            "plain": ['const fs = require("fs");', 'const util = require("util");'],
        },
        "rust": {
            "mcp": ["use rmcp::ServiceExt;"],
            "claude": ["use serde::Deserialize;"],
            "service": ["use axum::Router;", "use sqlx::PgPool;"],
            "plain": ["use std::collections::HashMap;", "use std::fs;"],
        },
        "go": {
            "mcp": ['import "github.com/mark3labs/mcp-go/server"'],
            "claude": ['import "github.com/anthropics/anthropic-sdk-go"'],
            "service": ['import "github.com/gin-gonic/gin"'],
            "plain": ['import "fmt"', 'import "strings"'],
        },
    }[language][role]
    entry = {
        "python": {
            "mcp": "mcp = FastMCP('tools')",
            "claude": "client = anthropic.Anthropic()",
            "service": "app = FastAPI()",
        },
        "typescript": {
            "mcp": 'const server = new McpServer({ name: "tools", version: "1.0.0" });',
            "claude": "const client = new Anthropic();",
            "service": "const app = express();\napp.listen(8080);",
        },
        "javascript": {
            "mcp": 'const server = new Server({ name: "tools" });',
            "claude": "const client = new Anthropic();",
            "service": "const app = express();\napp.listen(8080);",
        },
        "rust": {
            "mcp": "fn serve() { let _ = ServiceExt::serve(); }",
            "claude": "fn main() {}",
            "service": "fn app() -> Router { Router::new() }",
        },
        "go": {
            "mcp": 'func run() { s := server.NewMCPServer("tools", "1.0") ; _ = s }',
            "claude": "func main() {}",
            "service": "func main() { r := gin.Default(); r.Run() }",
        },
    }[language].get(role, "")
    body: list[str] = []
    size = 0
    while size < target_bytes:
        name, arg, other = text.ident(), text.ident(), text.ident()
        comment = text.words(5, 12)
        if language == "python":
            block = (
                f"def {name}({arg}):\n    # {comment}\n    value = {other}({arg})\n"
                f"    return {arg}.{name}(value)\n"
            )
        elif language in ("typescript", "javascript"):
            block = (
                f"export function {name}({arg}) {{\n  // {comment}\n"
                f"  const value = {other}({arg});\n  return {arg}.{name}(value);\n}}\n"
            )
        elif language == "rust":
            block = (
                f"pub fn {name}({arg}: u32) -> u32 {{\n    // {comment}\n"
                f"    let value = {other}({arg});\n    value + 1\n}}\n"
            )
        else:
            block = (
                f"func {name}({arg} int) int {{\n\t// {comment}\n"
                f"\tvalue := {other}({arg})\n\treturn value + 1\n}}\n"
            )
        body.append(block)
        size += len(block)
    header = "package main\n\n" if language == "go" else ""
    return (
        header + "\n".join(imports) + "\n\n" + (entry + "\n\n" if entry else "") + "\n".join(body)
    )


def repo_files(index: int, total_files: int, seed: int) -> dict[str, bytes]:
    """The files of corpus repository `index`, about `total_files` of them."""
    rng = random.Random(f"{seed}:{index}")
    text = _Text(rng)
    files: dict[str, bytes] = {}

    def put(path: str, content: str | bytes) -> None:
        files[path] = content.encode() if isinstance(content, str) else content

    put("README.md", f"# Corpus repository {index}\n\n{text.paragraph()}\n")
    put("CLAUDE.md", "# Guidance\n\n" + text.markdown_body(text.size(1500, 6000), ["README.md"]))
    put("AGENTS.md", "# Agents\n\n" + text.markdown_body(text.size(800, 3000), []))
    put(".claude/settings.json", json.dumps({"hooks": {"PreToolUse": []}, "model": "x"}))
    marketplace: list[dict[str, str]] = []

    markdown_share = int(total_files * 0.38)
    plugin = 0
    while len(files) < markdown_share:
        root = f"plugins/p{plugin:03d}"
        marketplace.append({"name": f"p{plugin:03d}", "source": f"./{root}"})
        put(
            f"{root}/.claude-plugin/plugin.json",
            json.dumps({"name": f"p{plugin:03d}", "version": "1.0.0", "description": "x"}),
        )
        put(f"{root}/README.md", f"# Plugin {plugin}\n\n{text.paragraph()}\n")
        for s in range(rng.randint(2, 6)):
            skill = f"{root}/skills/{text.ident().replace('_', '-')}-{s}"
            refs = [f"references/{text.ident()}.md" for _ in range(rng.randint(1, 4))]
            name = skill.rsplit("/", 1)[1]
            fm = _frontmatter({"name": name, "description": text.sentence()})
            body = text.markdown_body(text.size(1500, 9000), [*refs, "scripts/run.py"])
            put(f"{skill}/SKILL.md", fm + f"# {name}\n\n" + body)
            for ref in refs:
                put(
                    f"{skill}/{ref}",
                    f"# {text.words(2, 4)}\n\n"
                    # No link back to ../SKILL.md: featured in a generated plugin, such a
                    # link fails its validation (a link out of the plugin), and the scan stops.
                    + text.markdown_body(text.size(1500, 12000), []),
                )
            put(f"{skill}/scripts/run.py", _code(text, "python", "plain", text.size(300, 2000)))
        for a in range(rng.randint(1, 5)):
            fm = _frontmatter(
                {"name": f"agent-{plugin}-{a}", "description": text.sentence(), "model": "sonnet"}
            )
            put(f"{root}/agents/agent-{a}.md", fm + text.markdown_body(text.size(800, 5000), []))
        for c in range(rng.randint(1, 4)):
            fm = _frontmatter({"description": text.sentence(), "argument-hint": "[target]"})
            put(f"{root}/commands/cmd-{c}.md", fm + text.markdown_body(text.size(400, 3000), []))
        if rng.random() < 0.5:
            hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/check.sh"}
            put(
                f"{root}/hooks/hooks.json",
                json.dumps(
                    {"hooks": {"PostToolUse": [{"matcher": "Write", "hooks": [hook]}]}}, indent=2
                ),
            )
            put(f"{root}/hooks/check.sh", "#!/bin/sh\nexit 0\n")
        if rng.random() < 0.3:
            put(
                f"{root}/.mcp.json",
                json.dumps(
                    {
                        "mcpServers": {
                            text.ident(): {"command": "npx", "args": ["-y", "some-server"]}
                        }
                    },
                    indent=2,
                ),
            )
        if rng.random() < 0.2:
            put(
                f"{root}/patterns/{text.ident()}-patterns.md",
                "# Patterns\n\n" + text.markdown_body(text.size(2000, 8000), []),
            )
        plugin += 1
    put(
        ".claude-plugin/marketplace.json",
        json.dumps(
            {"name": f"corpus-{index}", "owner": {"name": "bench"}, "plugins": marketplace},
            indent=2,
        ),
    )

    code_share = markdown_share + int(total_files * 0.26)
    module = 0
    while len(files) < code_share:
        language = LANGS[module % len(LANGS)]
        roll = rng.random()
        role = (
            "mcp"
            if roll < 0.03
            else "claude"
            if roll < 0.06
            else ("service" if roll < 0.12 else "plain")
        )
        folder = f"src/{language}/{text.ident()}"
        put(
            f"{folder}/m{module}.{EXT[language]}", _code(text, language, role, text.size(400, 9000))
        )
        module += 1
    put(
        "src/package.json",
        json.dumps(
            {"name": f"corpus-{index}", "dependencies": {"express": "^4", "zod": "^3"}}, indent=2
        ),
    )

    other = 0
    while len(files) < total_files:
        kind = other % 6
        if kind == 0:
            put(f"docs/{text.ident()}-{other}.md", text.markdown_body(text.size(500, 6000), []))
        elif kind == 1:
            put(
                f"tests/test_{text.ident()}_{other}.py",
                _code(text, "python", "plain", text.size(300, 3000)),
            )
        elif kind == 2:
            put(f"ci/job-{other}.yml", f"name: job {other}\non: [push]\njobs: {{}}\n")
        elif kind == 3:
            put(f"notes/n{other}.txt", text.paragraph() + "\n")
        elif kind == 4:
            put(f"assets/img{other}.png", bytes(rng.getrandbits(8) for _ in range(600)))
        else:
            put(f"config/c{other}.toml", f'name = "{text.ident()}"\nsize = {other}\n')
        other += 1
    return dict(sorted(files.items()))


def _fast_import_stream(
    files: dict[str, bytes], message: str, when: int, parent: str | None, branch: str
) -> Iterator[bytes]:
    for mark, (_, content) in enumerate(files.items(), start=1):
        yield f"blob\nmark :{mark}\ndata {len(content)}\n".encode() + content + b"\n"
    header = (
        f"commit {branch}\nauthor {IDENTITY} {when} +0000\n"
        f"committer {IDENTITY} {when} +0000\ndata {len(message.encode())}\n{message}\n"
    )
    if parent:
        header += f"from {parent}\n"
    yield header.encode()
    for mark, path in enumerate(files, start=1):
        yield f"M 100644 :{mark} {path}\n".encode()
    yield b"\n"


def _git(cwd: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        check=check,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.decode().strip()


def commit_files(
    upstream: Path,
    files: dict[str, bytes],
    message: str,
    when: int,
    branch: str = "refs/heads/main",
) -> str:
    """Add one commit with `files` changed on top of `branch` of a bare repository."""
    parent = _git(upstream, "rev-parse", "--verify", "-q", branch, check=False)
    stream = b"".join(_fast_import_stream(files, message, when, parent or None, branch))
    _git(upstream, "fast-import", "--quiet", "--force", stdin=stream)
    return _git(upstream, "rev-parse", branch)


def _touch_path(files: dict[str, bytes]) -> str:
    return next(p for p in files if p.endswith("/SKILL.md"))


def build_repo(root: Path, index: int, total_files: int, seed: int) -> CorpusRepo:
    name = f"corpus-{index:02d}"
    upstream = root / f"{name}.git"
    files = repo_files(index, total_files, seed)
    marker = upstream / "bench-corpus.json"
    wanted = {"generator": GENERATOR_VERSION, "files": total_files, "seed": seed}
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("params") == wanted:
            base = recorded["base_commit"]
            _git(upstream, "update-ref", "refs/heads/main", base)  # undo incremental commits
            return CorpusRepo(name, upstream, base, _touch_path(files))
    if upstream.exists():
        subprocess.run(["rm", "-rf", str(upstream)], check=True)
    upstream.mkdir(parents=True)
    _git(upstream, "init", "--quiet", "--bare", "-b", "main")
    _git(upstream, "config", "uploadpack.allowFilter", "true")
    _git(upstream, "config", "uploadpack.allowAnySHA1InWant", "true")
    base = commit_files(upstream, files, f"corpus {index}", BASE_EPOCH)
    _git(upstream, "gc", "--quiet")  # one pack, as a hosted repository would serve
    marker.write_text(json.dumps({"params": wanted, "base_commit": base}))
    return CorpusRepo(name, upstream, base, _touch_path(files))


def build_corpus(root: Path, repos: int, total_files: int, seed: int) -> list[CorpusRepo]:
    root.mkdir(parents=True, exist_ok=True)
    return [build_repo(root, index, total_files, seed) for index in range(repos)]


def touch_asset(repo: CorpusRepo, revision: int) -> str:
    """One upstream commit that changes one asset (a SKILL.md) of `repo`."""
    current = _git(repo.upstream, "cat-file", "blob", f"refs/heads/main:{repo.touch_path}")
    content = (current + f"\n\nRevision {revision}: one more sentence.\n").encode()
    return commit_files(
        repo.upstream, {repo.touch_path: content}, f"touch {revision}", BASE_EPOCH + revision * 60
    )
