"""The rough edges a first run meets, each held by a test: help and version, usage errors for
what does not exist or conflicts, validation of junk, and readable failure listings."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import typer
import yaml

from scanner import __version__
from scanner.cli import app, main
from scanner.errors import ManifestError
from scanner.marketplace import load_marketplace
from scanner.models import AssetKind
from scanner.practices import load_practices
from scanner.sources import load_sources
from tests.test_cli_sync import manifest
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_with_h_shows_no_type_placeholder_for_flags(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "-h"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: scanner {name} ")
    assert "-h, --help" in out
    for placeholder in ("<bool>", "<int>"):  # flags and counters take no value
        assert placeholder not in out, f"{name}: {placeholder}"
    assert "--json " in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"scanner {__version__}\n"
    assert main(["-h"]) == 0
    assert "--version" in capsys.readouterr().out


def test_unknown_kind_is_a_usage_error_that_lists_the_kinds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalog", "--practice", "backend", "--kind", "skil"]) == 2
    err = capsys.readouterr().err
    assert "'skil' is not an asset kind (did you mean 'skill'?)" in err
    assert all(kind.value in err for kind in AssetKind)
    assert "Value error" not in err


def test_deps_mermaid_and_json_conflict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deps", "a::b.md", "--format", "mermaid", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--format mermaid prints Mermaid, --json prints JSON" in captured.err


def test_validate_fails_on_a_plugin_manifest_of_binary_junk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest_path = tmp_path / "plugin" / ".claude-plugin" / "plugin.json"
    manifest_path.parent.mkdir(parents=True)
    manifest_path.write_bytes(bytes(range(256)) * 4)
    assert main(["validate", str(tmp_path / "plugin")]) == 1
    out = capsys.readouterr().out
    assert "error not-text" in out and "Claude Code cannot load it" in out


def test_every_failed_repository_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"repo-{n}" for n in range(10)]
    sources = manifest(tmp_path, {n: (tmp_path / "missing" / n).as_uri() for n in names})
    args = ["scan", "--sources", str(sources), "--workdir", str(tmp_path / "w")]
    assert main([*args, "--output", str(tmp_path / "out")]) == 4
    err = capsys.readouterr().err
    listing = [line for line in err.splitlines() if line.startswith("  - repo-")]
    assert sorted(line.split(":")[0].strip("- ") for line in listing) == names
    assert all(len(line) <= 250 for line in listing)
    assert "every repository failed, nothing written:" in err


def test_mistyped_manifest_keys_and_hook_events_get_a_suggestion(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "schema_version: 1\nrepositories:\n  - name: a\n    url: https://github.com/o/a.git\n"
        "    exclued: ['x/**']\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError) as caught:
        load_sources(sources)
    assert "unknown key 'exclued' (did you mean 'exclude'?)" in str(caught.value)

    market = tmp_path / "marketplace.yaml"
    market.write_text(
        "schema_version: 1\nname: m\nowner: {name: a}\ndescripton: d\n", encoding="utf-8"
    )
    with pytest.raises(ManifestError) as caught:
        load_marketplace(market)
    assert "unknown key 'descripton' (did you mean 'description'?)" in str(caught.value)

    practice = yaml.safe_load((ROOT / "manifests/practices/devops.yaml").read_text("utf-8"))
    practice["hooks"] = [{"event": "PreToolUs", "purpose": "p", "command": "true"}]
    practice["titel"] = "x"
    folder = tmp_path / "practices"
    folder.mkdir()
    (folder / "devops.yaml").write_text(yaml.safe_dump(practice), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_practices(folder)
    message = str(caught.value)
    assert "'PreToolUs' is not a Claude Code hook event (did you mean 'PreToolUse'?)" in message
    assert "unknown key 'titel' (did you mean 'title'?)" in message
    assert "Value error" not in message


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("first-run")
    built = _demo_module().build(base / "demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
        patch.chdir(ROOT)
        args = ["scan", "--sources", "examples/sources.yaml", "--output", str(base / "out")]
        assert main([*args, "--workdir", str(base / "work")]) == 0
    return base / "out"


@pytest.mark.parametrize("command", ["show", "explain", "deps"])
def test_an_unknown_asset_id_is_a_usage_error_with_the_nearest_id(
    command: str,
    demo_output: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    real = "acme-agents::plugins/data-toolkit/skills/cache-strategies/SKILL.md"
    common = ["--output", str(demo_output), "--sources", "examples/sources.yaml"]
    typo = real.replace("strategies", "strategy")
    assert main([command, typo, *common]) == 2
    assert f"(did you mean {real!r}?)" in capsys.readouterr().err
    # The pin form (<repo>/<path>) of a real asset: the id form is suggested.
    assert main([command, real.replace("::", "/"), *common]) == 2
    assert f"did you mean {real!r}? ids are written <repo>::<path>" in capsys.readouterr().err


def test_a_missing_labels_file_is_not_found_and_a_mistyped_key_gets_a_suggestion(
    demo_output: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    common = ["--output", str(demo_output), "--sources", "examples/sources.yaml"]
    assert main(["eval", "examples/labels-backnd.yaml", *common]) == 2
    err = capsys.readouterr().err
    assert "labelled set not found (did you mean 'labels-backend.yaml'?)" in err
    assert "invalid manifest" not in err
    labels = tmp_path / "labels-backend.yaml"
    labels.write_text(
        "schema_version: 2\npractice: backend\nlabels:\n"
        "  - asset: 'acme-agents::CLAUDE.md'\n    domians: []\n    split: tune\n",
        encoding="utf-8",
    )
    assert main(["eval", str(labels), *common]) == 4
    err = capsys.readouterr().err
    assert "unknown key 'domians' (did you mean 'domains'?)" in err
    assert "Value error" not in err


def test_a_command_collects_garbage_less_often_and_restores_the_collector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[tuple[tuple[int, int, int], int]] = []
    before = gc.get_threshold()
    # The eager --version callback runs inside the command: what it sees is what a scan sees.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            typer, "echo", lambda *a, **k: seen.append((gc.get_threshold(), gc.get_freeze_count()))
        )
        assert main(["--version"]) == 0
    assert seen and seen[0][0][0] > before[0] and seen[0][1] > 0
    # After a command, and after one that fails, the collector is as it was.
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)
    assert main(["show", "x::y", "--output", str(tmp_path)]) != 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)
