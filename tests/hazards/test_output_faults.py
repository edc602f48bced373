"""Faults while the output is written: a full disk, a file where a folder must be, the process
killed halfway, a second scan at the same time. The previous output survives every one of them
whole (or, once a rename has begun, each file is entirely old or entirely new), and the next
scan repairs everything."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.output_state import MARKER
from scanner.writer import recover_interrupted
from tests.gitrepo import GitRepo
from tests.hazards.harness import (
    ROOT,
    Run,
    leftovers,
    run_cli,
    scan,
    skill,
    snapshot,
    write_manifest,
)


@dataclass
class Previous:
    """A finished scan (the previous output), and a source that has changed since."""

    repos: dict[str, Any]
    first: Run
    out: Path
    work: Path


@pytest.fixture
def previous(tmp_path: Path, repo_factory: Callable[..., GitRepo]) -> Previous:
    repo = repo_factory(
        "alpha", {"skills/one/SKILL.md": skill("one"), "agents/helper.md": "# Helper\n"}
    )
    repos: dict[str, Any] = {"alpha": repo.url}
    first = scan(tmp_path, repos)
    assert first.code == 0, first.stderr
    repo.write({"skills/two/SKILL.md": skill("two", "GraphQL schema design and API pagination.")})
    repo.commit("a second skill")
    return Previous(repos, first, first.out, first.work)


def reference_run(tmp_path: Path, previous: Previous) -> dict[str, bytes]:
    """What an uninterrupted scan writes, from copies of the same starting state."""
    out, work = tmp_path / "ref-out", tmp_path / "ref-work"
    shutil.copytree(previous.out, out, symlinks=True)
    shutil.copytree(previous.work, work, symlinks=True)
    ref = scan(tmp_path, previous.repos, out=out, work=work)
    assert ref.code == 0, ref.stderr
    return snapshot(out)


# The disk fills up at the first file staged (a plugin's manifest), in the middle (the
# catalog), or at the very last (the Markdown report).
@pytest.mark.parametrize("full_at", ["plugin.json", ".tmp-catalog.json-", ".tmp-scan-diff.md-"])
def test_disk_full_while_writing_leaves_the_previous_output(
    tmp_path: Path, previous: Previous, monkeypatch: pytest.MonkeyPatch, full_at: str
) -> None:
    """Found by the hazard suite: the plugins were swapped in before the first single file was
    written, and each file was renamed in as soon as it was written, so a write error left a
    mix of new and old files."""
    before = snapshot(previous.out)
    real_fsync = os.fsync
    failed: list[str] = []

    def fsync_until_full(fd: int) -> None:
        name = Path(f"/proc/self/fd/{fd}").readlink().name  # the file being written
        if full_at in name or failed:
            failed.append(name)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_until_full)
    run = scan(tmp_path, previous.repos)
    monkeypatch.undo()

    assert run.code == 4, run.stderr
    assert "No space left on device" in run.stderr
    assert "previous output left in place" in run.stderr
    assert len(failed) == 1  # the writer stopped at the first error
    assert snapshot(previous.out) == before
    assert leftovers(previous.out) == []
    # Space again: the next scan writes everything.
    assert scan(tmp_path, previous.repos).code == 0
    assert snapshot(previous.out) != before


def test_a_file_where_a_folder_must_be(tmp_path: Path, previous: Previous) -> None:
    reports = previous.out / "reports"
    shutil.rmtree(reports)
    reports.write_text("not a folder\n", encoding="utf-8")
    before = snapshot(previous.out)

    run = scan(tmp_path, previous.repos)

    assert run.code == 4, run.stderr
    assert "cannot write" in run.stderr and "reports" in run.stderr
    assert "previous output left in place" in run.stderr
    assert snapshot(previous.out) == before
    assert leftovers(previous.out) == []


def test_an_output_folder_that_cannot_exist(
    tmp_path: Path, repo_factory: Callable[..., GitRepo]
) -> None:
    repo = repo_factory("alpha", {"skills/one/SKILL.md": skill("one")})
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me\n", encoding="utf-8")
    run = scan(tmp_path, {"alpha": repo.url}, out=blocker / "out")
    assert run.code == 4, run.stderr
    assert "Not a directory" in run.stderr
    assert blocker.read_text(encoding="utf-8") == "keep me\n"


def start_stalled_scan(
    tmp_path: Path, previous: Previous, stall_at: str, *, release: Path | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    """`scanner scan` in a child process that stalls inside its writer (stall_writer.py);
    returns once it has stalled."""
    stalled = tmp_path / "stalled"
    sources = write_manifest(tmp_path / "sources-stalled.yaml", previous.repos)
    env = {
        **os.environ,
        "HAZARD_OUTPUT": str(previous.out),
        "HAZARD_STALL_AT": stall_at,
        "HAZARD_STALLED": str(stalled),
        "HAZARD_RELEASE": str(release or tmp_path / "never"),
        # The child runs in the project copy (its manifests); tests.hazards comes from ROOT.
        "PYTHONPATH": str(ROOT),
    }
    args = ["scan", "--sources", str(sources), "--workdir", str(previous.work)]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.hazards.stall_writer", *args, "--output", str(previous.out)],
        cwd=Path.cwd(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not stalled.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"the scan never stalled (exit {child.returncode}): {err.decode()[-2000:]}")
        time.sleep(0.02)
    return child, stalled


def temporary(rel: str) -> bool:
    """A file staged by a killed writer: not part of the output; the next scan deletes it."""
    return any(part.startswith((".tmp-", ".old-")) for part in rel.split("/"))


@pytest.mark.parametrize("stall_at", ["1", "swap"], ids=["after-first-rename", "inside-a-swap"])
def test_killed_while_writing(tmp_path: Path, previous: Previous, stall_at: str) -> None:
    old = snapshot(previous.out)
    new = reference_run(tmp_path, previous)
    assert new != old

    child, stalled = start_stalled_scan(tmp_path, previous, stall_at)
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert stalled.read_text(encoding="utf-8").startswith(str(previous.out))

    # A kill inside a folder swap leaves the previous plugin beside its place; the next scan
    # moves it back first, as here.
    recover_interrupted(previous.out / "plugins")
    after = {rel: data for rel, data in snapshot(previous.out).items() if not temporary(rel)}
    # The completion marker goes before the first rename and comes back after the last.
    assert MARKER in old and MARKER in new and MARKER not in after
    for rel in sorted((set(old) | set(new) | set(after)) - {MARKER}):
        assert after.get(rel) in (old.get(rel), new.get(rel)), f"{rel} is neither old nor new"
    assert after != old and after != new  # killed halfway, as intended
    assert after["catalog/catalog.json"] == old["catalog/catalog.json"]  # the baseline is last
    # So the nightly workflow, which verifies before it proposes, proposes nothing.
    code, _, err = run_cli(["verify-output", "--output", str(previous.out)])
    assert code == 1 and "did not finish" in err

    repaired = scan(tmp_path, previous.repos)
    assert repaired.code == 0, repaired.stderr
    assert snapshot(previous.out) == new
    assert leftovers(previous.out) == []
    assert run_cli(["verify-output", "--output", str(previous.out)])[0] == 0


@pytest.fixture
def released(tmp_path: Path) -> Iterator[Path]:
    release = tmp_path / "release"
    yield release
    release.touch()  # never leave a child waiting


def test_two_scans_at_once(tmp_path: Path, previous: Previous, released: Path) -> None:
    """Found by the hazard suite: the lock was released before rendering, so a second scan
    could read a half-written baseline and write over the first one's output."""
    new = reference_run(tmp_path, previous)
    first, _ = start_stalled_scan(tmp_path, previous, "1", release=released)
    midway = snapshot(previous.out)

    second = scan(tmp_path, previous.repos)

    assert second.code == 4, second.stderr
    assert "another scan is using" in second.stderr
    assert snapshot(previous.out) == midway  # the second scan wrote nothing
    released.touch()
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err.decode()[-2000:]
    assert snapshot(previous.out) == new
    assert leftovers(previous.out) == []


def test_generated_files_are_readable_by_everyone(tmp_path: Path, previous: Previous) -> None:
    """Found by the hazard suite: files went out with mkstemp's 0600, readable by their owner
    only (a CI artifact, a shared checkout)."""
    for path in sorted(previous.out.rglob("*")):
        mode = path.stat().st_mode & 0o777
        wanted = 0o555 if path.is_dir() else 0o444
        assert mode & wanted == wanted, (path, oct(mode))


def test_two_scans_with_different_work_directories_on_one_output(
    tmp_path: Path, previous: Previous, released: Path
) -> None:
    """Found by the hazard suite: the lock covered the work directory only, so a second scan
    with its own work directory wrote the same output as the first, each over the other."""
    new = reference_run(tmp_path, previous)
    first, _ = start_stalled_scan(tmp_path, previous, "1", release=released)
    midway = snapshot(previous.out)

    second = scan(tmp_path, previous.repos, work=tmp_path / "another-work")

    assert second.code == 4, second.stderr
    assert "another scan or render is writing" in second.stderr
    assert snapshot(previous.out) == midway  # the second scan wrote nothing
    code, _, err = run_cli(["render", "--output", str(previous.out)])
    assert code == 4 and "another scan or render is writing" in err  # nor does a render
    released.touch()
    _, err_bytes = first.communicate(timeout=60)
    assert first.returncode == 0, err_bytes.decode()[-2000:]
    assert snapshot(previous.out) == new


@pytest.mark.parametrize("inside", ["plugins/proagent-backend", "catalog", "reports"])
def test_a_symlink_inside_the_output_is_refused(
    tmp_path: Path, previous: Previous, inside: str
) -> None:
    """Found by the hazard suite: a symlinked folder inside output/ was followed, and the
    files of a scan landed outside the output folder (and a linked catalog was read as the
    baseline from wherever it pointed)."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(previous.out / inside, elsewhere)
    before_elsewhere = snapshot(elsewhere)
    shutil.rmtree(previous.out / inside)
    (previous.out / inside).symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(previous.out)

    run = scan(tmp_path, previous.repos)

    assert run.code == 4, run.stderr
    assert "symbolic link inside the output folder" in run.stderr
    assert snapshot(elsewhere) == before_elsewhere  # nothing written through the link
    assert snapshot(previous.out) == before
    code, _, err = run_cli(["render", "--output", str(previous.out)])
    assert code == 4 and "symbolic link" in err
    assert snapshot(elsewhere) == before_elsewhere


def test_verify_output_finds_what_is_not_whole(tmp_path: Path, previous: Previous) -> None:
    out = previous.out
    assert run_cli(["verify-output", "--output", str(out)])[0] == 0
    # marketplace.json and a plugin.json disagree (a kill, a hand edit, a bad merge).
    manifest = out / "plugins/proagent-backend/.claude-plugin/plugin.json"
    manifest.write_text(manifest.read_text("utf-8").replace('"version": "', '"version": "9'))
    code, _, err = run_cli(["verify-output", "--output", str(out)])
    assert code == 1
    assert "changed since the run the marker records" in err
    assert "proagent-backend: .claude-plugin/marketplace.json says version" in err
    # An unreadable marker is a problem reported, not a crash.
    (out / MARKER).write_bytes(b"[" * 100_000)
    code, _, err = run_cli(["verify-output", "--output", str(out)])
    assert code == 1 and "nested too deeply" in err
    # A rescan makes it whole again.
    assert scan(tmp_path, previous.repos).code == 0
    assert run_cli(["verify-output", "--output", str(out)])[0] == 0
