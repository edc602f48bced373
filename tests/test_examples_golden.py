"""The examples scanned end to end through the CLI, held by golden files."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanner.cli import main
from scanner.site import asset_page
from tests.golden_files import GOLDEN, check_golden

ROOT = Path(__file__).resolve().parent.parent


def _demo_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proagent_demo_golden", ROOT / "scripts/demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _top(rel: str) -> str:
    """How the scan summary names a changed path: a plugin or the site by its folder, others
    by file."""
    parts = rel.split("/")
    if parts[0] == "site":
        return "site"
    return "/".join(parts[:2]) if parts[0] == "plugins" else rel


# The site is held by a few representative pages (tests/test_site.py covers the rest): one
# golden file per asset page would bury every template change in dozens of diffs.
SITE_GOLDEN = (
    "site/index.html",
    "site/data/catalog.js",
    "site/practices.html",
    "site/practices/backend.html",
    "site/diff.html",
    "site/issues.html",
    f"site/{asset_page('acme-agents::plugins/data-toolkit/skills/cache-strategies/SKILL.md')}",
)


def _held(rel: str) -> bool:
    return not rel.startswith("site/") or rel in SITE_GOLDEN


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("demo")
    built = _demo_module().build(workdir)
    return Path(built.gitconfig)


def test_examples_catalog_matches_golden_and_is_stable(
    demo_build: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(demo_build))
    monkeypatch.chdir(ROOT)
    args = [
        "scan",
        "--sources",
        "examples/sources.yaml",
        "--output",
        str(tmp_path / "out"),
        "--workdir",
        str(tmp_path / "work"),
        "--json",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    out = tmp_path / "out"
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert first["changed_files"] == sorted({_top(f) for f in produced})
    golden_root = GOLDEN / "examples"
    if os.environ.get("UPDATE_GOLDEN") == "1" and golden_root.exists():
        shutil.rmtree(golden_root)  # regenerate whole: files that are no longer made go away
    expected = sorted(
        p.relative_to(golden_root).as_posix() for p in golden_root.rglob("*") if p.is_file()
    )
    held = [rel for rel in produced if _held(rel)]
    assert set(SITE_GOLDEN) <= set(held)
    if os.environ.get("UPDATE_GOLDEN") != "1":
        assert held == expected
    check_golden(out, held, "examples")
    # The generated plugins pass their own validator with no errors.
    assert main(["validate", str(out), "--strict"]) == 0
    capsys.readouterr()
    # A second scan of the same commits changes no byte.
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["changed_files"] == []
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # And `discover` on the same checkouts, offline, gives the same catalog.
    offline = ["discover", *args[1:]]
    assert main(offline) == 0
    assert json.loads(capsys.readouterr().out)["changed_files"] == []


def test_show_prints_one_asset(
    demo_build: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(demo_build))
    monkeypatch.chdir(ROOT)
    common = [
        "--sources",
        "examples/sources.yaml",
        "--output",
        str(tmp_path / "out"),
        "--workdir",
        str(tmp_path / "work"),
    ]
    assert main(["scan", *common]) == 0
    capsys.readouterr()
    asset_id = "acme-agents::plugins/data-toolkit/skills/cache-strategies/SKILL.md"
    assert main(["show", asset_id, *common, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["asset"]["kind"] == "skill"
    assert [i["code"] for i in shown["issues"]] == ["skill-name-invalid"]
    assert main(["show", asset_id, *common]) == 0
    text = capsys.readouterr().out
    assert "skill-name-invalid" in text and "Cache Strategies" in text
    assert main(["show", "acme-agents::nope.md", *common]) == 2  # a usage error
