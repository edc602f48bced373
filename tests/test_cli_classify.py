"""`scanner explain`, `scanner catalog` and `scanner eval` through scanner.cli.main, on a
catalog and practice files written here; one test goes end to end from a real git repository
through `scanner scan`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.catalog import ACTIVE, CatalogEntry
from scanner.cli import main
from scanner.models import AssetKind, JsonObject, JsonValue
from scanner.writer import dump_json
from tests.gitrepo import GitRepo
from tests.test_classify import asset, practice_data

ASSETS = [
    asset("plugins/cqrs-kit/skills/cqrs/SKILL.md", name="cqrs", description="CQRS and a REST API."),
    asset(
        "plugins/kit/skills/orders/references/notes.md",
        kind=AssetKind.REFERENCE,
        name="n",
        description="Some CQRS.",
    ),
    asset("docs/soup.md", kind=AssetKind.REFERENCE, name="soup", description="Soup."),
    asset("src/server.py", repo="harness", kind=AssetKind.MCP_SERVER, name="server.py"),
]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the current folder, with manifests/practices/ and output/catalog/."""
    practices = tmp_path / "manifests" / "practices"
    practices.mkdir(parents=True)
    data = practice_data(threshold=6)
    data["domains"][3]["threshold"] = 5  # mcp: a bare MCP server (kind signal 5) is in
    (practices / "backend.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    catalog = tmp_path / "output" / "catalog"
    catalog.mkdir(parents=True)
    entries: list[JsonValue] = [CatalogEntry(a, ACTIVE).to_json() for a in ASSETS]
    document: JsonObject = {"schema_version": 1, "assets": entries}
    (catalog / "catalog.json").write_text(dump_json(document), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> int:
    return main([*args, "--output", "output"])


def out_json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_explain_shows_every_rule_and_the_verdict(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asset_id = "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md"
    assert run("explain", asset_id) == 0
    text = capsys.readouterr().out
    assert "backend / cqrs: IN  score 10 (own 10, context 0) vs threshold 6" in text
    assert '+ keyword "cqrs" in name, description, path: +8' in text
    assert '+ path "*/plugins/cqrs-*/**": +2' in text
    assert ". 2 other rules did not match (-v lists them)" in text  # event sourc*, context
    assert "backend / caching: out" in text
    assert run("explain", asset_id, "-v") == 0
    assert '. keyword "event sourc*": no match' in capsys.readouterr().out

    assert run("explain", asset_id, "--json") == 0
    data = out_json(capsys)
    cqrs = next(d for d in data["domains"] if d["domain"] == "cqrs")
    assert cqrs["assigned"] and cqrs["score"] == 10 and not cqrs["featured"]
    assert [r["rule"] for r in cqrs["rules"]][-1] == "context"


def test_explain_uses_graph_context_when_graph_json_exists(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = "agents::plugins/kit/skills/orders/references/notes.md"
    assert run("explain", notes, "--json") == 0
    before = next(d for d in out_json(capsys)["domains"] if d["domain"] == "cqrs")
    assert before["own"] == 4 and not before["assigned"]
    skill = "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md"
    graph = {  # the node-link form a scan writes (graph.json), reduced to one reference
        "nodes": [{"id": skill}, {"id": notes}],
        "edges": [{"source": skill, "target": notes}],
    }
    (workspace / "output" / "catalog" / "graph.json").write_text(json.dumps(graph))
    assert run("explain", notes, "--json") == 0
    after = next(d for d in out_json(capsys)["domains"] if d["domain"] == "cqrs")
    assert after["context"] == 3 and after["assigned"]


def test_explain_of_an_unknown_asset_is_an_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("explain", "agents::nope.md") == 4
    assert "no such asset" in capsys.readouterr().err


def test_catalog_lists_a_practice_by_domain_and_kind(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("catalog", "--practice", "backend", "--json") == 0
    data = out_json(capsys)
    assert data["count"] == 2
    assert [a["id"] for a in data["assets"]] == [
        "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md",
        "harness::src/server.py",
    ]
    assert run("catalog", "--practice", "backend", "--domain", "mcp", "--json") == 0
    assert [a["id"] for a in out_json(capsys)["assets"]] == ["harness::src/server.py"]
    assert run("catalog", "--practice", "backend", "--kind", "skill", "--json") == 0
    assert out_json(capsys)["count"] == 1
    assert run("catalog", "--practice", "backend", "--domain", "caching") == 0
    assert "proagent-backend: 0 assets in caching" in capsys.readouterr().out


def test_catalog_rejects_unknown_practice_or_domain(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("catalog", "--practice", "frontend") == 2
    assert "unknown practice 'frontend' (known: backend)" in capsys.readouterr().err
    assert run("catalog", "--practice", "backend", "--domain", "x") == 2
    assert "has no domain 'x'" in capsys.readouterr().err


def test_invalid_practice_manifest_exits_4_naming_file_and_field(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / "manifests" / "practices" / "backend.yaml"
    data = yaml.safe_load(path.read_text())
    data["domains"][0]["rules"]["keywords"][0]["weight"] = "heavy"
    path.write_text(yaml.safe_dump(data))
    assert run("catalog", "--practice", "backend") == 4
    err = capsys.readouterr().err
    assert "manifests/practices/backend.yaml: invalid manifest" in err
    assert "domains[0] ('api-design').rules.keywords[0].weight" in err


def write_labels(folder: Path, labels: list[dict[str, Any]]) -> Path:
    path = folder / "labels.yaml"
    document = {"schema_version": 1, "practice": "backend", "labels": labels}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_eval_reports_precision_and_recall_per_domain(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = write_labels(
        workspace,
        [
            {"asset": "agents/plugins/cqrs-kit/skills/cqrs/SKILL.md", "domains": ["cqrs"]},
            {"asset": "agents/plugins/kit/skills/orders/references/notes.md", "domains": ["cqrs"]},
            {"asset": "agents/docs/soup.md", "domains": []},
            {"asset": "harness/src/server.py", "domains": ["api-design"]},
        ],
    )
    assert run("eval", str(labels), "--json") == 0
    data = out_json(capsys)
    scores = {d["domain"]: d for d in data["domains"]}
    assert scores["cqrs"] == {
        "domain": "cqrs",
        "labelled": 2,
        "predicted": 1,
        "true_positives": 1,
        "precision": 1.0,
        "recall": 0.5,
    }
    assert scores["mcp"]["precision"] == 0.0 and scores["mcp"]["recall"] is None
    assert scores["api-design"]["recall"] == 0.0
    assert data["negatives"] == 1 and data["labelled_assets"] == 4
    assert [m["asset"] for m in data["mismatches"]] == [
        "agents/plugins/kit/skills/orders/references/notes.md",
        "harness/src/server.py",
    ]
    assert run("eval", str(labels)) == 0
    text = capsys.readouterr().out
    assert "precision" in text and "harness/src/server.py: missing api-design; extra mcp" in text


def test_eval_with_unknown_assets_is_partial_and_bad_labels_fatal(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = write_labels(workspace, [{"asset": "agents/gone.md", "domains": ["cqrs"]}])
    assert run("eval", str(partial), "--json") == 3
    assert out_json(capsys)["not_in_catalog"] == ["agents/gone.md"]
    bad = write_labels(workspace, [{"asset": "agents/docs/soup.md", "domains": ["nosuch"]}])
    assert run("eval", str(bad)) == 4
    assert "unknown domain(s) nosuch" in capsys.readouterr().err


def test_scan_then_explain_end_to_end(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    repo_factory: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
) -> None:
    skill = (
        "---\nname: cqrs-basics\ndescription: Command and query separation with CQRS.\n---\n\n"
        "# CQRS basics\n\n## Commands\n"
    )
    repo = repo_factory("kit", {"skills/cqrs-basics/SKILL.md": skill})
    manifests = tmp_path / "manifests"
    (manifests / "practices").mkdir(parents=True)
    (manifests / "practices" / "backend.yaml").write_text(yaml.safe_dump(practice_data()))
    sources = manifests / "sources.yaml"
    sources.write_text(
        f"schema_version: 1\nrepositories:\n  - name: kit\n    url: {json.dumps(repo.url)}\n"
    )
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no manifests/ here: practices are found beside sources.yaml
    common = ["--sources", str(sources), "--output", str(tmp_path / "out")]
    assert main(["scan", *common, "--workdir", str(tmp_path / "work")]) == 0
    capsys.readouterr()
    assert main(["explain", "kit::skills/cqrs-basics/SKILL.md", *common, "--json"]) == 0
    cqrs = next(d for d in out_json(capsys)["domains"] if d["domain"] == "cqrs")
    assert cqrs["assigned"] and cqrs["score"] == 8
