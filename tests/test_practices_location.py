"""Where the practices come from: --practices, else practices/ beside the sources manifest,
else manifests/practices/; and the demo, with its own practice, reports no broken pin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.config import DEFAULT_PRACTICES, Config
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent


def test_practices_resolve_beside_the_sources_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    # make rescan: manifests/sources.yaml brings manifests/practices/.
    assert Config(sources=Path("manifests/sources.yaml")).practices_dir == DEFAULT_PRACTICES
    # make demo: examples/sources.yaml brings examples/practices/.
    demo = Config(sources=Path("examples/sources.yaml"))
    assert demo.practices_dir == Path("examples/practices")
    # A manifest with no practices/ beside it falls back to manifests/practices/.
    assert Config(sources=tmp_path / "sources.yaml").practices_dir == DEFAULT_PRACTICES
    # --practices wins over both.
    chosen = tmp_path / "mine"
    assert Config(sources=Path("examples/sources.yaml"), practices=chosen).practices_dir == chosen


def test_demo_report_is_clean_and_practices_option_reaches_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _demo_module().build(tmp_path / "demo")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    common = ["--sources", "examples/sources.yaml", "--workdir", str(tmp_path / "work")]
    assert main(["scan", *common, "--output", str(out)]) == 0
    report = json.loads((out / "reports/scan-diff.json").read_text(encoding="utf-8"))
    assert report["counts"]["broken_pins"] == 0 and report["broken_pins"] == []
    gaps = json.loads((out / "catalog/gaps.json").read_text(encoding="utf-8"))
    for practice in gaps["practices"]:
        assert practice["unresolved_featured"] == [] and practice["empty_domains"] == []
    marketplace = json.loads((out / ".claude-plugin/marketplace.json").read_text("utf-8"))
    assert marketplace["name"] == "proagent-demo-marketplace"  # examples/marketplace.yaml

    # The real practices, named with --practices: their pins are not in the samples.
    real = tmp_path / "real"
    capsys.readouterr()
    args = [*common, "--output", str(real), "--practices", "manifests/practices"]
    assert main(["scan", *args]) == 0
    report = json.loads((real / "reports/scan-diff.json").read_text(encoding="utf-8"))
    assert report["counts"]["broken_pins"] > 0
    marketplace = json.loads((real / ".claude-plugin/marketplace.json").read_text("utf-8"))
    assert marketplace["name"] == "proagent-marketplace"  # manifests/marketplace.yaml


def test_eval_runs_offline_on_the_demo_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _demo_module().build(tmp_path / "demo")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
    monkeypatch.chdir(ROOT)
    common = ["--sources", "examples/sources.yaml", "--output", str(tmp_path / "out")]
    assert main(["scan", *common, "--workdir", str(tmp_path / "work")]) == 0
    capsys.readouterr()
    assert main(["eval", "examples/labels-backend.yaml", *common, "--json"]) == 0
    (labelled,) = json.loads(capsys.readouterr().out)["sets"]
    assert labelled["practice"] == "backend" and labelled["schema_version"] == 2
    splits = {s["split"]: s for s in labelled["splits"]}
    assert set(splits) == {"heldout", "tune"}
    catalog = json.loads((tmp_path / "out/catalog/catalog.json").read_text(encoding="utf-8"))
    # Every sample asset is labelled, and every label names an asset of the demo's catalog.
    assert sum(s["labelled_assets"] for s in splits.values()) == len(catalog["assets"])
    assert all(s["not_in_catalog"] == [] for s in splits.values())
