"""Files the scanner wrote earlier, read back as hostile: the baseline catalog.json, the graph
export, a previous plugin.json, the scan report, the completion marker; and our own YAML
manifests. Invalid UTF-8, nesting 100 000 deep, a 5 000-digit integer, NaN, a file larger
than any scan writes, an alias bomb: each is one clear error naming the file (exit 4, or 1 for
verify-output's "not whole"), never a traceback (exit 70)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.gitrepo import make_repo
from tests.hazards.harness import CRASH_LOG, Run, run_cli, scan, skill, write_manifest

HOSTILE = {
    "invalid-utf8": b'{"assets": [{"id": "\xff\xfe"}]}',
    "nested": b"[" * 100_000 + b"]" * 100_000,
    "long-integer": b'{"assets": [], "size": ' + b"9" * 5000 + b"}",
    "nan": b'{"assets": [], "rank": NaN}',
    "wrong-types": b'{"assets": [{"id": 1, "repo": [], "path": {}, "kind": 5}]}',
}
TOO_BIG = 257 * 1024 * 1024  # sparse: costs no disk


@pytest.fixture(scope="module")
def finished(module_env: Path) -> Run:
    repo = make_repo(module_env / "remotes" / "alpha", {"skills/one/SKILL.md": skill("one")})
    run = scan(module_env, {"alpha": repo.url})
    assert run.code == 0, run.stderr
    return run


def copy_of(finished: Run, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(finished.out, out)
    return out


def plant(path: Path, payload: str) -> None:
    if payload == "too-big":
        with path.open("wb") as handle:
            handle.truncate(TOO_BIG)
    else:
        path.write_bytes(HOSTILE[payload])


def assert_clean_failure(code: int, err: str, path: Path, expected: set[int]) -> None:
    assert code in expected, (code, err)
    assert "internal error" not in err and "Traceback" not in err
    assert str(path) in err or path.name in err, err


PAYLOADS = [*HOSTILE, "too-big"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_baseline_catalog(finished: Run, tmp_path: Path, payload: str) -> None:
    out = copy_of(finished, tmp_path)
    catalog = out / "catalog/catalog.json"
    plant(catalog, payload)
    run = scan(tmp_path, {"alpha": finished.source("alpha")["url"]}, out=out, work=finished.work)
    assert_clean_failure(run.code, run.stderr, catalog, {4})
    assert not (finished.work / CRASH_LOG).exists()
    common = ["--output", str(out), "--workdir", str(tmp_path / "w")]
    for args in (["show", "alpha::skills/one/SKILL.md"], ["render"], ["diff"]):
        code, _, err = run_cli([*args, *common])
        assert_clean_failure(code, err, catalog, {4})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_graph_export(finished: Run, tmp_path: Path, payload: str) -> None:
    out = copy_of(finished, tmp_path)
    graph = out / "catalog/graph.json"
    plant(graph, payload)
    code, _, err = run_cli(["graph", "--output", str(out)])
    assert_clean_failure(code, err, graph, {4})
    code, _, err = run_cli(["render", "--check", "--output", str(out)])
    assert code in {0, 1, 4} and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_previous_plugin_manifest(finished: Run, tmp_path: Path, payload: str) -> None:
    out = copy_of(finished, tmp_path)
    manifest = out / "plugins/proagent-backend/.claude-plugin/plugin.json"
    if not manifest.exists():
        pytest.skip("the demo scan publishes no backend plugin")
    plant(manifest, payload)
    code, _, err = run_cli(["render", "--output", str(out)])
    if payload == "wrong-types":  # JSON with no version: the manifest's version stands
        assert code == 0, err
        return
    assert_clean_failure(code, err, manifest, {4})
    code, _, err = run_cli(["verify-output", "--output", str(out)])
    assert code == 1 and "Traceback" not in err


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_marker_or_report(finished: Run, tmp_path: Path, payload: str) -> None:
    out = copy_of(finished, tmp_path)
    plant(out / ".scan-complete.json", payload)
    code, _, err = run_cli(["verify-output", "--output", str(out)])
    assert_clean_failure(code, err, out / ".scan-complete.json", {1})
    # The recorded report only gives rename hints: a hostile one gives none.
    plant(out / "reports/scan-diff.json", payload)
    code, _, err = run_cli(["diff", "--output", str(out), "--workdir", str(tmp_path / "w")])
    assert code == 0, err


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\nschema_version: *l{levels}\n"


def test_an_alias_bomb_in_a_manifest_fails_fast(tmp_path: Path) -> None:
    """Found by the hazard suite: the bomb loaded in no time, then pydantic's message about
    `schema_version` printed its repr: minutes, then MemoryError (exit 70)."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(alias_bomb() + "repositories: []\n", encoding="utf-8")
    started = time.perf_counter()
    code, _, err = run_cli(["scan", "--sources", str(sources), "--output", str(tmp_path / "o")])
    assert time.perf_counter() - started < 10
    assert code == 4 and "alias bomb" in err and str(sources) in err
    assert "lol" not in err and len(err) < 2000


def test_a_huge_value_is_described_not_printed(tmp_path: Path) -> None:
    sources = write_manifest(tmp_path / "sources.yaml", {"x": "https://example.invalid/x.git"})
    text = sources.read_text("utf-8").replace(
        "schema_version: 1", f"schema_version: {'v' * 500_000}"
    )
    sources.write_text(text, encoding="utf-8")
    code, _, err = run_cli(["scan", "--sources", str(sources), "--output", str(tmp_path / "o")])
    assert code == 4 and "must be 1" in err and len(err) < 2000
