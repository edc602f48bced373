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
from scanner.labels import DEFAULT_LABELS_DIR, label_files, load_labels
from scanner.models import AssetKind, JsonObject, JsonValue
from scanner.practices import DEFAULT_PRACTICES_DIR, load_practices
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
    # event sourc*, similar to exemplar, definition (term weighting is off here), context
    assert ". 4 other rules did not match (-v lists them)" in text
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
    assert run("explain", "agents::nope.md") == 2  # a usage error, like an unknown practice
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


def write_labels(
    folder: Path, labels: list[dict[str, Any]], *, schema: int = 2, name: str = "labels.yaml"
) -> Path:
    path = folder / name
    document = {"schema_version": schema, "practice": "backend", "labels": labels}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


SKILL = "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md"
NOTES = "agents::plugins/kit/skills/orders/references/notes.md"
SOUP = "agents::docs/soup.md"
SERVER = "harness::src/server.py"


def test_eval_reports_each_split_per_domain(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = write_labels(
        workspace,
        [
            {"asset": SKILL, "domains": ["cqrs"], "split": "tune"},
            {"asset": NOTES, "domains": ["cqrs"], "split": "heldout"},
            {"asset": SOUP, "domains": [], "split": "heldout"},
            {"asset": SERVER, "domains": ["api-design"], "split": "heldout"},
        ],
    )
    assert run("eval", str(labels), "--json") == 0
    (result,) = out_json(capsys)["sets"]
    heldout, tune = result["splits"]
    assert (heldout["split"], tune["split"]) == ("heldout", "tune")
    assert heldout["labelled_assets"] == 3 and heldout["negatives"] == 1
    assert tune["labelled_assets"] == 1 and tune["negatives"] == 0
    scores = {d["domain"]: d for d in heldout["domains"]}
    assert scores["cqrs"] == {
        "domain": "cqrs",
        "labelled": 1,
        "predicted": 0,
        "true_positives": 0,
        "precision": None,
        "recall": 0.0,
    }
    assert scores["mcp"]["precision"] == 0.0 and scores["mcp"]["recall"] is None
    assert scores["api-design"]["recall"] == 0.0
    assert heldout["overall"]["labelled"] == 2 and heldout["overall"]["predicted"] == 1
    assert not heldout["meets_targets"]
    assert tune["overall"]["precision"] == 1.0 and tune["overall"]["recall"] == 1.0
    assert tune["meets_targets"] and tune["mismatches"] == []
    assert [m["asset"] for m in heldout["mismatches"]] == [NOTES, SERVER]

    assert run("eval", str(labels)) == 0
    text = capsys.readouterr().out
    assert "backend / heldout: 3 labelled assets (1 in no domain)" in text
    assert "backend / tune: 1 labelled assets (0 in no domain)" in text
    assert f"{SERVER}: missing api-design; extra mcp" in text

    # --split shows one part only: a label writer tuning rules never sees held-out mismatches.
    assert run("eval", str(labels), "--split", "tune") == 0
    text = capsys.readouterr().out
    assert "backend / tune" in text and "heldout" not in text.split("Per practice")[0]
    assert SERVER not in text


def test_eval_reads_schema_1_as_one_unsplit_part(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = write_labels(
        workspace,
        [
            {"asset": "agents/plugins/cqrs-kit/skills/cqrs/SKILL.md", "domains": ["cqrs"]},
            {"asset": "harness/src/server.py", "domains": ["mcp"]},
        ],
        schema=1,
    )
    assert run("eval", str(labels), "--json") == 0
    (result,) = out_json(capsys)["sets"]
    (only,) = result["splits"]
    assert only["split"] == "all" and only["labelled_assets"] == 2
    assert only["overall"]["true_positives"] == 2 and only["mismatches"] == []


def test_eval_without_argument_reads_every_labels_file_of_the_folder(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workspace / "labels"
    folder.mkdir()
    write_labels(
        folder, [{"asset": SKILL, "domains": ["cqrs"], "split": "tune"}], name="labels-a.yaml"
    )
    write_labels(folder, [{"asset": SOUP, "domains": [], "split": "heldout"}], name="labels-b.yaml")
    (folder / "notes.yaml").write_text("not a labelled set: not read", encoding="utf-8")
    assert run("eval", "--labels-dir", str(folder), "--json") == 0
    sets = out_json(capsys)["sets"]
    assert [Path(s["file"]).name for s in sets] == ["labels-a.yaml", "labels-b.yaml"]
    assert run("eval", "--labels-dir", str(workspace / "none")) == 4
    assert "the labels folder does not exist" in capsys.readouterr().err


def test_eval_without_a_catalog_says_what_to_run(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = write_labels(workspace, [{"asset": SOUP, "domains": [], "split": "tune"}])
    (workspace / "output" / "catalog" / "catalog.json").unlink()
    assert run("eval", str(labels)) == 4
    err = capsys.readouterr().err
    # The hint every query command gives (scanner.cli.require_catalog).
    assert "no catalog in" in err and "make demo" in err


def test_eval_warns_of_a_heldout_asset_pinned_as_featured(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / "manifests" / "practices" / "backend.yaml"
    data = yaml.safe_load(path.read_text())
    data["domains"][0]["featured"] = ["agents/docs/soup.md"]
    path.write_text(yaml.safe_dump(data))
    labels = write_labels(workspace, [{"asset": SOUP, "domains": [], "split": "heldout"}])
    assert run("eval", str(labels), "--json") == 0
    assert out_json(capsys)["sets"][0]["heldout_featured"] == [SOUP]


def test_eval_with_unknown_assets_is_partial_and_bad_labels_fatal(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = write_labels(
        workspace, [{"asset": "agents::gone.md", "domains": ["cqrs"], "split": "heldout"}]
    )
    assert run("eval", str(partial), "--json") == 3
    assert out_json(capsys)["sets"][0]["splits"][0]["not_in_catalog"] == ["agents::gone.md"]
    bad = write_labels(workspace, [{"asset": SOUP, "domains": ["nosuch"], "split": "tune"}])
    assert run("eval", str(bad)) == 4
    assert "unknown domain(s) nosuch" in capsys.readouterr().err
    no_split = write_labels(workspace, [{"asset": SOUP, "domains": []}])
    assert run("eval", str(no_split)) == 4
    assert "labels.0: missing required key 'split'" in capsys.readouterr().err
    old_style = write_labels(
        workspace, [{"asset": "agents/docs/soup.md", "domains": [], "split": "tune"}]
    )
    assert run("eval", str(old_style)) == 4
    assert "is not a catalog id <repo>::<path>" in capsys.readouterr().err


def test_the_committed_labelled_sets_load() -> None:
    """Every tests/data/labels-*.yaml names a known practice and its domains, each asset once."""
    root = Path(__file__).resolve().parent.parent
    practices = load_practices(root / DEFAULT_PRACTICES_DIR)
    for path in label_files(root / DEFAULT_LABELS_DIR):
        labels = load_labels(path, practices)
        assert labels.schema_version == 2 and labels.labels, path


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
