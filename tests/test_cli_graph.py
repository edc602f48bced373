"""`scanner graph` and `scanner deps` read the exports a scan wrote; no checkout needed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.graph import build_graph, graph_files
from scanner.writer import write_files
from tests.golden_files import GOLDEN
from tests.test_graph import discover_fixture

LINT = "alpha::plugins/tools/skills/lint-rules/SKILL.md"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An output folder holding the fixture's graph exports, as `scanner scan` writes them."""
    root = tmp_path_factory.mktemp("cli-graph")
    gitconfig = root / "gitconfig"
    gitconfig.write_text('[protocol "file"]\n\tallow = always\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        discovery = discover_fixture(root)
    result = build_graph(discovery.assets, discovery.repo_files, known_repos=("gamma",))
    out = root / "output"
    write_files(out, graph_files(result))
    yield out


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_a_scan_both_commands_say_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["graph"], ["deps", LINT]):
        code, out, err = run(capsys, *argv, "--output", str(tmp_path / "empty"))
        assert code == 4
        assert out == ""
        assert "graph.json not found): run `make demo`" in err and "`scanner scan`" in err


def test_graph_summary_json(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", "--output", str(output), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["nodes"] == {
        "asset": 16,
        "file": 6,
        "missing": 9,  # 2 components, a skill, a link, 2 mentions, 3 imports
        "repository": 3,
        "unknown": 1,
    }
    assert summary["edges"]["uses-skill"] == 3
    assert summary["repository_membership_edges"] == 16
    assert summary["references"]["alpha"]["broken"] == 8
    link = next(b for b in summary["broken"] if b["type"] == "links-to")
    assert link == {
        "repo": "alpha",
        "path": "plugins/tools/skills/lint-rules/SKILL.md",
        "line": 9,
        "type": "links-to",
        "raw": "references/gone.md",
        "target": "alpha::plugins/tools/skills/lint-rules/references/gone.md",
        "count": 1,
    }
    assert len(summary["broken"]) == 8 + 1  # alpha's eight and beta's missing `nope.md`
    assert summary["duplicate_content"] == [
        {
            "canonical": "alpha::plugins/tools/skills/format-rules/SKILL.md",
            "copies": ["beta::skills/format-rules/SKILL.md"],
        }
    ]
    assert summary["duplicate_names"] == [
        {
            "repo": "alpha",
            "kind": "agent",
            "name": "reviewer",
            "assets": [
                "alpha::plugins/tools/agents/reviewer-copy.md",
                "alpha::plugins/tools/agents/reviewer.md",
            ],
        }
    ]


def test_graph_summary_text(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", "--output", str(output))
    assert code == 0
    assert "References per repository" in out
    assert "alpha::plugins/tools/skills/lint-rules/SKILL.md:9  links-to `references/gone.md`" in out
    assert "broken references: 9, of which 2 code-span mentions" in out
    assert "alpha agent `reviewer`: plugins/tools/agents/reviewer-copy.md, " in out


def test_deps_text(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "deps",
        "alpha::plugins/tools/agents/reviewer.md",
        "--output",
        str(output),
        "--depth",
        "2",
    )
    assert code == 0
    assert out == (
        "alpha::plugins/tools/agents/reviewer.md (agent)\n"
        "  uses-skill -> alpha::plugins/tools/skills/lint-rules/SKILL.md (skill)  line 1\n"
        "    links-to -> alpha::plugins/tools/skills/format-rules/SKILL.md (skill)  line 9\n"
        "    contains+mentions -> alpha::plugins/tools/skills/lint-rules/references/checklist.md"
        " (reference)  line 14\n"
        "    links-to -> alpha::plugins/tools/skills/lint-rules/references/gone.md (missing)"
        "  line 9  `references/gone.md`  [broken]\n"
        "    contains+links-to -> alpha::plugins/tools/skills/lint-rules/references/rules.md"
        " (reference)  line 7\n"
        "    contains -> alpha::plugins/tools/skills/lint-rules/references/unused.md (reference)\n"
        "    contains+links-to -> alpha::plugins/tools/skills/lint-rules/references/with space.md"
        " (reference)  line 10\n"
        "    mentions -> alpha::plugins/tools/skills/lint-rules/src/app.ts (missing)"
        "  line 14  `src/app.ts`  [broken]\n"
        "  uses-skill -> beta::skills/shared-style/SKILL.md (skill)  line 1\n"
        "  uses-skill -> nowhere-skill (missing)  line 1  `nowhere-skill`  [broken]\n"
    )


def test_deps_reverse_json(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "deps",
        LINT,
        "--output",
        str(output),
        "--reverse",
        "--depth",
        "2",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert (data["root"], data["reverse"], data["depth"]) == (LINT, True, 2)
    assert {n["id"]: n["distance"] for n in data["nodes"]} == {
        LINT: 0,
        "alpha::plugins/tools/.claude-plugin/plugin.json": 1,
        "alpha::plugins/tools/agents/reviewer.md": 1,
        "alpha::plugins/tools/skills/lint-rules/references/rules.md": 1,
        "beta::CLAUDE.md": 1,
        "alpha::.claude-plugin/marketplace.json": 2,
    }
    assert not any(n["node_type"] == "repository" for n in data["nodes"])
    uses = next(e for e in data["edges"] if e["type"] == "uses-skill")
    assert uses["source"] == "alpha::plugins/tools/agents/reviewer.md"
    assert (uses["target"], uses["status"], uses["raw"]) == (LINT, "resolved", "lint-rules")


def test_deps_mermaid_matches_the_golden_file(
    output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "deps", LINT, "--output", str(output), "--format", "mermaid")
    assert code == 0
    assert out == (GOLDEN / "mermaid" / "lint-rules.mmd").read_text(encoding="utf-8")
    assert out.startswith('flowchart LR\n    n0["')


def test_deps_of_an_unknown_id(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for asset_id in ("alpha::nope.md", "repo:alpha"):
        code, _, err = run(capsys, "deps", asset_id, "--output", str(output))
        assert code == 2  # a usage error, like an unknown practice
        assert f"{asset_id}: no such asset in the graph" in err
