"""The no-op fast path: a rescan with nothing new stops before discovery, writes nothing and
says so; anything that could change the output makes it scan in full."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.hazards.harness import Run, scan, skill, snapshot, write_manifest

RepoFactory = Callable[..., GitRepo]


def summary(run: Run) -> dict[str, object]:
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    return data


def stamp(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_nothing_new_stops_before_discovery(repo_factory: RepoFactory, tmp_path: Path) -> None:
    repo = repo_factory("alpha", {"skills/one/SKILL.md": skill("one")})
    sources = write_manifest(tmp_path / "sources.yaml", {"alpha": repo.url})
    first = scan(tmp_path, sources, extra=("--json",))
    assert first.code == 0, first.stderr
    before, times = snapshot(first.out), stamp(first.out)

    again = scan(tmp_path, sources, extra=("--json",))

    assert again.code == 0, again.stderr
    assert summary(again)["unchanged"] is True
    assert "discover" not in summary(again)["stages"]  # type: ignore[operator]
    assert "nothing changed since the last scan" in again.stderr
    assert snapshot(again.out) == before and stamp(again.out) == times  # not a byte written

    # A new commit upstream: a full scan, which parses only what changed.
    repo.write({"skills/two/SKILL.md": skill("two")})
    repo.commit("two")
    moved = scan(tmp_path, sources, extra=("--json",))
    assert moved.code == 0, moved.stderr
    assert "unchanged" not in summary(moved)
    assert summary(moved)["stages"]["discover"]["files_parsed"] == 1  # type: ignore[index]
    assert "alpha::skills/two/SKILL.md" in moved.assets


def test_any_input_or_output_change_scans_in_full(
    repo_factory: RepoFactory, tmp_path: Path
) -> None:
    repo = repo_factory("alpha", {"skills/one/SKILL.md": skill("one")})
    sources = write_manifest(tmp_path / "sources.yaml", {"alpha": repo.url})
    assert scan(tmp_path, sources).code == 0

    def full() -> bool:
        run = scan(tmp_path, sources, extra=("--json",))
        assert run.code == 0, run.stderr
        return "unchanged" not in summary(run)

    assert not full()
    # The output edited or deleted by hand: the scan puts it right.
    catalog = tmp_path / "out" / "catalog" / "catalog.json"
    catalog.write_text(catalog.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert full()
    assert not full()
    # The manifest changed (an exclude pattern).
    write_manifest(sources, {"alpha": {"url": repo.url, "exclude": ["docs/**"]}})
    assert full()
    assert not full()


def test_a_repository_failing_both_times_stays_unchanged(
    repo_factory: RepoFactory, tmp_path: Path
) -> None:
    repo = repo_factory("alpha", {"skills/one/SKILL.md": skill("one")})
    gone = (tmp_path / "nowhere").as_uri()
    sources = write_manifest(tmp_path / "sources.yaml", {"alpha": repo.url, "gone": gone})
    first = scan(tmp_path, sources)
    assert first.code == 3  # one repository failed; the rest was written
    before = snapshot(first.out)

    again = scan(tmp_path, sources, extra=("--json",))

    assert again.code == 3
    assert summary(again)["unchanged"] is True
    assert "still failing: gone" in again.stderr
    assert snapshot(again.out) == before


def test_labels_and_the_publishing_policy_are_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tune labels are the classifier's exemplars and publishing.yaml decides what ships: a
    change to either must not pass for "nothing new"."""
    from scanner.config import Config
    from scanner.discover.freshness import inputs_digest, scan_inputs

    monkeypatch.chdir(tmp_path)
    (tmp_path / "manifests" / "practices").mkdir(parents=True)
    (tmp_path / "tests" / "data").mkdir(parents=True)
    sources = tmp_path / "manifests" / "sources.yaml"
    sources.write_text("schema_version: 1\nsources: []\n", encoding="utf-8")
    labels = tmp_path / "tests" / "data" / "labels-x.yaml"
    policy = tmp_path / "manifests" / "publishing.yaml"
    labels.write_text("one\n", encoding="utf-8")
    policy.write_text("one\n", encoding="utf-8")
    inputs = [path.resolve() for path in scan_inputs(Config(sources=sources))]
    assert labels.parent in inputs and policy in inputs

    def digest() -> str:
        return inputs_digest(sources, scan_inputs(Config(sources=sources)), tmp_path / "out")

    first = digest()
    labels.write_text("two\n", encoding="utf-8")
    second = digest()
    policy.write_text("two\n", encoding="utf-8")
    assert len({first, second, digest()}) == 3


def _pathlib_digest(output: Path) -> str:
    """The output digest as the scanner first computed it (os.walk, sorted Paths): a digest
    recorded by that code must still match, or an upgrade would rescan an unchanged output."""
    files = []
    for folder, dirs, names in os.walk(output):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        files += [Path(folder) / n for n in names if not n.endswith(".pyc")]
    digest = hashlib.sha256()
    for path in sorted(files):
        stat = path.lstat()
        rel = path.relative_to(output).as_posix()
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "replace"))
    return digest.hexdigest()


def test_the_output_digest_sorts_and_skips_as_pathlib_and_os_walk_do(tmp_path: Path) -> None:
    from scanner.discover.freshness import output_digest

    out = tmp_path / "out"
    # "a-b" < "a/" as text, but the folder "a" sorts first as a path part; a link to a folder
    # is neither entered nor listed, a link to a file is listed as itself.
    for rel in ("a/b", "a-b/x", "a.b/y", "A/z", "café/q", "x.pyc", "__pycache__/p", "d/e/f"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    (out / "to-folder").symlink_to("a")
    (out / "to-file").symlink_to("a/b")
    (out / "dangling").symlink_to("nowhere")
    first = output_digest(out)
    assert first == _pathlib_digest(out)
    (out / "a/b").write_text("changed in size")
    assert output_digest(out) == _pathlib_digest(out) != first
    assert output_digest(tmp_path / "absent") == _pathlib_digest(tmp_path / "absent")
