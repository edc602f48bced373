"""The render stage: check mode, versions that follow content, retired practices, and
generated files that must pass their own validator."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from scanner.cli import main
from scanner.escape import markdown_text
from scanner.render import RenderError, _validate_generated

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = Path("plugins/proagent-backend")
# The samples, classified with the project copy's manifests/practices (two practices, files the
# tests edit), not with the demo's own examples/practices.
SOURCES = ("--sources", "examples/sources.yaml", "--practices", "manifests/practices")


def _demo_build(workdir: Path) -> Path:
    spec = importlib.util.spec_from_file_location("proagent_demo_render", ROOT / "scripts/demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return Path(module.build(workdir).gitconfig)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scan of the examples with a private copy of the manifests; returns the project copy."""
    base = tmp_path_factory.mktemp("render")
    gitconfig = _demo_build(base / "demo")
    project = base / "project"
    shutil.copytree(ROOT / "manifests", project / "manifests")
    shutil.copytree(
        ROOT / "examples", project / "examples", ignore=shutil.ignore_patterns("output")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
        patch.chdir(project)
        args = ["scan", *SOURCES, "--output", "out"]
        assert main([*args, "--workdir", str(base / "work")]) == 0
    return project


@pytest.fixture
def project(scanned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(scanned, copy)
    monkeypatch.chdir(copy)
    return copy


def _render(*extra: str) -> int:
    return main(["render", *SOURCES, "--output", "out", *extra])


def _version(project: Path, plugin: Path = PLUGIN) -> str:
    data = json.loads((project / "out" / plugin / ".claude-plugin/plugin.json").read_text())
    return str(data["version"])


def _marketplace(project: Path) -> dict[str, str]:
    data = json.loads((project / "out/.claude-plugin/marketplace.json").read_text())
    return {p["name"]: p["version"] for p in data["plugins"]}


def test_fresh_output_passes_check_and_a_rerender_changes_nothing(project: Path) -> None:
    before = {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()}
    assert _render("--check") == 0
    assert _render() == 0
    after = {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()}
    assert after == before


def test_check_finds_a_hand_edit_and_render_repairs_it(project: Path) -> None:
    claude = project / "out" / PLUGIN / "CLAUDE.md"
    pristine = claude.read_text()
    claude.write_text(pristine + "\nA hand edit.\n")
    (project / "out" / PLUGIN / "stray.md").write_text("not generated\n")
    assert _render("--check") == 1
    assert "A hand edit." in claude.read_text()  # check mode writes nothing
    assert _render() == 0
    assert claude.read_text() == pristine
    assert not (project / "out" / PLUGIN / "stray.md").exists()
    assert _render("--check") == 0


def test_version_bumps_with_content_and_only_then(project: Path) -> None:
    start = _version(project)
    manifest = project / "manifests/practices/backend.yaml"
    text = manifest.read_text()
    assert "Paginate every list endpoint" in text
    manifest.write_text(text.replace("Paginate every list endpoint", "Paginate each list endpoint"))
    assert _render() == 0
    major, minor, patch = start.split(".")
    bumped = f"{major}.{minor}.{int(patch) + 1}"
    assert _version(project) == bumped
    assert _marketplace(project)["proagent-backend"] == bumped
    assert "Paginate each list endpoint" in (project / "out" / PLUGIN / "CLAUDE.md").read_text()
    assert _render() == 0  # no content change: no new version
    assert _version(project) == bumped


def test_manifest_version_wins_when_higher(project: Path) -> None:
    manifest = project / "manifests/practices/backend.yaml"
    text = manifest.read_text()
    current = _version(project)
    assert f"version: {current}" in text or "version: " in text
    lines = [
        "version: 7.0.0" if line.startswith("version: ") else line for line in text.splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n")
    assert _render() == 0
    assert _version(project) == "7.0.0"
    assert _marketplace(project)["proagent-backend"] == "7.0.0"


def test_a_retired_practice_is_removed(project: Path) -> None:
    assert (project / "out/plugins/proagent-backend").is_dir()
    (project / "manifests/practices/backend.yaml").unlink()
    assert _render("--check") == 1
    assert _render() == 0
    assert not (project / "out/plugins/proagent-backend").exists()
    assert "proagent-backend" not in _marketplace(project)


def _router_command(project: Path) -> str:
    return (project / "out/plugins/proagent-router/commands/proagent.md").read_text()


def test_adding_a_practice_file_renders_validates_and_lists_its_plugin(project: Path) -> None:
    """README, "Adding a practice": one YAML file is the whole change."""
    data = yaml.safe_load((project / "manifests/practices/backend.yaml").read_text())
    data.update(id="services", plugin="proagent-services", title="Services")
    data["agent"]["name"] = "services-specialist"
    for command in data["commands"]:
        command["name"] = command["name"].replace("backend", "services")
    (project / "manifests/practices/services.yaml").write_text(yaml.safe_dump(data))
    assert "proagent-services" not in _marketplace(project)
    assert _render("--check") == 1
    assert _render() == 0
    plugin = project / "out/plugins/proagent-services"
    assert (plugin / "CLAUDE.md").is_file() and (plugin / "agents/services-specialist.md").is_file()
    assert main(["validate", str(plugin), "--strict"]) == 0
    assert main(["validate", str(project / "out"), "--strict"]) == 0
    listed = _marketplace(project)
    assert listed["proagent-services"] == _version(project, Path("plugins/proagent-services"))
    assert "proagent-router" in listed
    assert "`proagent-services` | Services |" in _router_command(project)


def test_a_practice_below_the_threshold_is_withheld_and_reported(project: Path) -> None:
    """The demo's sources hold nothing for devops: its plugin would be empty, so it ships
    nowhere, and gaps.json, the summary and the diff report say why."""
    assert "proagent-devops" not in _marketplace(project)
    assert not (project / "out/plugins/proagent-devops").exists()
    assert "proagent-devops" not in _router_command(project)
    gaps = json.loads((project / "out/catalog/gaps.json").read_text())
    withheld = {w["plugin"]: w for w in gaps["publishing"]["withheld"]}["proagent-devops"]
    assert not withheld["published"]
    assert "domain coverage 0 < 0.8" in withheld["reasons"]
    assert "proagent-backend" in gaps["publishing"]["published"]
    assert (
        "`proagent-devops`: domain coverage 0 < 0.8"
        in (project / "out/reports/scan-diff.md").read_text()
    )
    summary = (project / "out/catalog/catalog-summary.md").read_text()
    assert "| proagent-devops | domain coverage 0 < 0.8;" in summary
    # Raising a threshold withholds backend too; lowering it to zero publishes devops, empty
    # domains and all: the numbers live in manifests/publishing.yaml only.
    policy_path = project / "manifests/publishing.yaml"
    policy = yaml.safe_load(policy_path.read_text())
    policy["threshold"].update(min_domain_coverage=0, min_cited_assets=0)
    policy_path.write_text(yaml.safe_dump(policy))
    assert _render() == 0
    assert "proagent-devops" in _marketplace(project)
    assert "`proagent-devops` | DevOps |" in _router_command(project)


def test_generated_output_validates_with_no_errors(project: Path) -> None:
    assert main(["validate", str(project / "out"), "--strict"]) == 0


def test_invalid_generated_files_stop_the_render() -> None:
    bad = {"plugins/x": {".claude-plugin/plugin.json": '{"name": "Not Kebab"}\n'}}
    marketplace = json.dumps(
        {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "x", "source": "./plugins/x"}]}
    )
    with pytest.raises(RenderError, match="do not validate"):
        _validate_generated(bad, marketplace)


def test_cited_descriptions_carry_no_links_into_the_plugin() -> None:
    from scanner.plugin_view import one_sentence

    text = "Pairs with [the skill](../SKILL.md), see <b>notes</b> and ![x](img.png). More here."
    assert one_sentence(text) == "Pairs with the skill, see notes and x."
    assert one_sentence("word " * 100).endswith("…")
    # Placeholders stay words here; the template's filter (scanner.escape) makes them inert.
    summary = one_sentence("Runs <!-- hidden $ARGUMENTS with ${CLAUDE_PLUGIN_ROOT}")
    assert summary == "Runs hidden $ARGUMENTS with ${CLAUDE_PLUGIN_ROOT}"
    assert markdown_text(summary) == "Runs hidden &#36;ARGUMENTS with &#36;{CLAUDE\\_PLUGIN\\_ROOT}"
