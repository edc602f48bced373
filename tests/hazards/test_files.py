"""Hostile files: wrong encodings, binary content, sizes far over the caps, nesting thousands
deep, and paths no one expects. Each costs at most a ScanIssue and a bounded amount of time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.gitrepo import make_repo
from tests.hazards.harness import (
    API,
    Run,
    scan,
    scan_in_subprocess,
    skill,
    strict_json,
)

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def run(module_env: Path) -> Run:
    utf16 = skill("wide", "Wide characters: ünïcødé.")
    files: dict[str, str | bytes] = {
        # encodings
        "skills/binary/SKILL.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "skills/invalid-utf8/SKILL.md": skill("invalid-utf8").encode() + b"\xc3\x28 \xff\xfe\n",
        "skills/wide/SKILL.md": b"\xff\xfe" + utf16.encode("utf-16-le"),
        "skills/wide-be/SKILL.md": b"\xfe\xff" + skill("wide-be").encode("utf-16-be"),
        "skills/crlf/SKILL.md": skill("crlf", "Windows line endings.").replace("\n", "\r\n"),
        # sizes: 50 MiB is never read, only its size is asked
        "docs/huge/CLAUDE.md": b"# Huge\n" + b"x" * (50 * MIB),
        "hooks/hooks.json": json.dumps({"hooks": {"Stop": [{"hooks": []}]}}) + " " * (3 * MIB),
        "deep-json/hooks/hooks.json": "[" * 100_000 + "]" * 100_000,
        "deep-json/.claude-plugin/plugin.json": '{"name": "deep", "x": '
        + "[" * 50_000
        + "]" * 50_000
        + "}",
        # under the 2 MiB cap, yet a million values
        "wide-json/.claude-plugin/plugin.json": '{"name": "wide", "x": ['
        + ",".join(["0"] * 900_000)
        + "]}",
        # paths
        "skills/with space/SKILL.md": skill("with-space"),
        "skills/ünïcødé-ß/SKILL.md": skill("unicode-path"),
        "skills/日本語/SKILL.md": skill("japanese"),
    }
    repo = make_repo(module_env / "remotes" / "files", files)
    return scan(module_env, {"files": repo.url})


def test_the_scan_finishes(run: Run) -> None:
    assert run.code == 0, run.stderr
    assert run.seconds < 60
    for path in sorted(run.out.rglob("*.json")):
        strict_json(path)


def test_binary_and_invalid_utf8_are_not_text(run: Run) -> None:
    for path in ("skills/binary/SKILL.md", "skills/invalid-utf8/SKILL.md"):
        assert run.codes(path) == {"not-text"}
        assert f"files::{path}" not in run.assets
    assert "IHDR" not in run.everything()


@pytest.mark.parametrize(
    ("path", "name", "description"),
    [
        ("skills/wide/SKILL.md", "wide", "Wide characters: ünïcødé."),
        ("skills/wide-be/SKILL.md", "wide-be", None),
        ("skills/crlf/SKILL.md", "crlf", "Windows line endings."),
    ],
)
def test_utf16_with_bom_and_crlf_read_like_utf8(
    run: Run, path: str, name: str, description: str | None
) -> None:
    asset = run.asset("files", path)
    assert asset["name"] == name
    assert asset["title"] == f"REST API design: {name}"
    if description is not None:
        assert asset["description"] == description
    assert run.codes(path) == set()


def test_no_carriage_return_reaches_the_output(run: Run) -> None:
    for path in sorted(run.out.rglob("*")):
        if path.is_file():
            assert b"\r" not in path.read_bytes(), path


def test_fifty_mebibytes_are_never_read(run: Run) -> None:
    found = run.issues("docs/huge/CLAUDE.md")
    assert [i["code"] for i in found] == ["file-too-large"]
    assert str(50 * MIB + 7) in found[0]["message"]


def test_several_mebibytes_of_hooks_json(run: Run) -> None:
    assert run.codes("hooks/hooks.json") == {"file-too-large"}


def test_json_nested_a_hundred_thousand_deep(run: Run) -> None:
    assert "json-too-complex" in run.codes("deep-json/hooks/hooks.json")
    assert "json-too-complex" in run.codes("deep-json/.claude-plugin/plugin.json")
    hooks = run.asset("files", "deep-json/hooks/hooks.json")
    assert hooks["details"]["hooks"] == []


def test_a_million_json_values_under_the_size_cap(run: Run) -> None:
    found = [
        i
        for i in run.issues("wide-json/.claude-plugin/plugin.json")
        if i["code"] == "json-too-complex"
    ]
    assert found and "500000 values" in found[0]["message"]


@pytest.mark.parametrize(
    "path",
    ["skills/with space/SKILL.md", "skills/ünïcødé-ß/SKILL.md", "skills/日本語/SKILL.md"],
)
def test_paths_with_spaces_and_unicode_are_assets(run: Run, path: str) -> None:
    asset = run.asset("files", path)
    assert asset["path"] == path
    graph = json.loads((run.out / "catalog/graph.json").read_text(encoding="utf-8"))
    assert f"files::{path}" in {node["id"] for node in graph["nodes"]}
    report = (run.out / "reports/scan-diff.md").read_text(encoding="utf-8")
    assert path in report


def test_a_path_with_a_newline_is_reported(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "remotes" / "newline",
        {"skills/new\nline/SKILL.md": skill("newline"), "skills/plain/SKILL.md": skill("plain")},
    )
    newline = scan(tmp_path, {"newline": repo.url})
    assert newline.code == 0
    assert "newline::skills/plain/SKILL.md" in newline.assets
    # Not an asset (a newline in a path would break every Markdown list it appeared in), but
    # reported, so that nothing tracked disappears silently.
    assert "newline::skills/new\nline/SKILL.md" not in newline.assets
    assert any(i["code"] == "unsafe-path" for i in newline.issues(repo="newline"))


def test_markdown_and_code_nested_thousands_deep(tmp_path: Path) -> None:
    """Found by the hazard suite: links nested 90 000 deep crashed the process (a segfault in
    the inline Markdown grammar), 20 000 images in a paragraph took minutes (quadratic), and
    so did a 40 000-long chain of calls or a run of 100 000 `(` in source code (the query
    cursor). Run in a child process, so that a crash fails this test, not the test run."""
    body = "[a](" * 90_000
    images = "![a](b)" * 20_000
    files = {
        "skills/nested-links/SKILL.md": skill("nested-links", body=body),
        "skills/images/SKILL.md": skill("images", body=images),
        "skills/quotes/SKILL.md": skill("quotes", body="> " * 200_000 + "deep"),
        "skills/lists/SKILL.md": skill(
            "lists", body="".join("  " * i + "- item\n" for i in range(1_000))
        ),
        "skills/brackets/SKILL.md": skill("brackets", body="[" * 500_000),
        "server/chain.py": "from mcp.server.fastmcp import FastMCP\n" + "a" + ".b()" * 40_000,
        "server/parens.ts": "import { Server } from '@modelcontextprotocol/sdk';\n" + "(" * 100_000,
    }
    repo = make_repo(tmp_path / "remotes" / "deep", files)
    started = time.perf_counter()
    done = scan_in_subprocess(tmp_path, {"deep": repo.url}, timeout=120)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert seconds < 60
    catalog = json.loads((tmp_path / "out/catalog/catalog.json").read_text(encoding="utf-8"))
    paths = {a["path"] for a in catalog["assets"]}
    assert {
        "skills/nested-links/SKILL.md",
        "skills/images/SKILL.md",
        "skills/quotes/SKILL.md",
        "skills/lists/SKILL.md",
        "skills/brackets/SKILL.md",
    } <= paths


def test_harvested_markdown_in_cited_descriptions_never_blocks_the_render(
    tmp_path: Path,
) -> None:
    """Generated plugins must validate, or nothing is written (RenderError, exit 4): text a
    source repository controls must not be able to make them invalid."""
    descriptions = {
        "relative-link": f"{API[:-1]}, see [the other skill](../other/SKILL.md).",
        "image-and-html": f"{API[:-1]} ![diagram](img/d.png) <script>alert(1)</script>.",
        "open-code-and-refs": f"{API[:-1]} `unclosed [ref][missing] [x](/abs.md).",
        "fences-and-rules": f"{API[:-1]}\n```\n---\nname: injected\n---",
        "anchors-and-mail": f"{API[:-1]} [a](#top) [m](mailto:x@example.invalid).",
    }
    repo = make_repo(
        tmp_path / "remotes" / "markup",
        {f"skills/{name}/SKILL.md": skill(name, text) for name, text in descriptions.items()},
    )
    run = scan(tmp_path, {"markup": repo.url})
    assert run.code == 0, run.stderr
    claude = (run.out / "plugins/proagent-backend/CLAUDE.md").read_text(encoding="utf-8")
    cited = [name for name in descriptions if f"markup/skills/{name}/SKILL.md" in claude]
    assert len(cited) >= 4  # cited, not dropped to make validation pass


def test_characters_xml_cannot_hold_leave_the_graphml_readable(tmp_path: Path) -> None:
    """JSON can carry any code point (`\\u0001`, `\\ufffe`), XML 1.0 cannot: the GraphML export
    spells them out instead of writing a file no GraphML tool can open."""
    import xml.etree.ElementTree as ET

    manifest = {"name": "ctl\u0007", "description": "vertical tab \u000b, \ufffe end"}
    agent = "---\nname: plain\ndescription: An agent.\n---\n# Plain\n\nSee [x](docs/a\u0001b.md).\n"
    repo = make_repo(
        tmp_path / "remotes" / "xml",
        {
            ".claude-plugin/plugin.json": json.dumps(manifest),
            "agents/plain.md": agent,
            "skills/ok/SKILL.md": skill("ok"),
        },
    )
    run = scan(tmp_path, {"xml": repo.url})
    assert run.code == 0
    graphml = (run.out / "catalog/graph.graphml").read_bytes()
    ET.fromstring(graphml)  # raises on a character XML cannot hold
    assert b"\\u0007" in graphml
    graph = json.loads((run.out / "catalog/graph.json").read_text(encoding="utf-8"))
    values = [str(v) for item in graph["nodes"] + graph["edges"] for v in item.values()]
    assert any("\u0001" in v for v in values)  # graph.json keeps the exact text
