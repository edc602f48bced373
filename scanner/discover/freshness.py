"""The no-op fast path: is there anything new since the last scan?

A scan is a pure function of its inputs: the commit of every source, the sources manifest, the
practice files, the templates and the scanner itself (its code and parsers). A full scan ends by
recording a digest of those inputs, and one of the output folder as it left it, in
`<workdir>/last-scan.json`. The next scan asks each remote where its ref points (one
`git ls-remote` per repository, in parallel) and hashes the local inputs; when all of it is as
recorded, and the output folder is untouched, a new scan would write the same bytes: it stops
before discovery and says so.

A repository that failed last time and cannot be reached now counts as unchanged: a full scan
would fail it again and keep its stale assets, which the output already shows. The remote's
error message is not compared (the catalog keeps the one from the scan that wrote it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import scanner
from scanner.config import Config
from scanner.discover.cache import extraction_version
from scanner.git.lock import workdir_lock
from scanner.git.store import remote_commits
from scanner.labels import labels_dir_for
from scanner.marketplace import DEFAULT_MARKETPLACE
from scanner.models import SourceSpec, SyncResult
from scanner.publishing import PUBLISHING_FILE
from scanner.sources import load_sources

log = logging.getLogger("scanner")

STATE_FILE = "last-scan.json"
_STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Unchanged:
    """What the fast path found: every source where the last scan left it."""

    commits: Mapping[str, str]  # name -> commit; "" for a repository that failed both times
    seconds: float = 0.0

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(sorted(name for name, commit in self.commits.items() if not commit))


@dataclass(frozen=True, slots=True)
class Freshness:
    """The answer of `check`: `unchanged` when the scan can stop; else the commits the remotes
    named (None: unknown), which spare sync a fetch in clones that already have them."""

    unchanged: Unchanged | None
    remote: Mapping[str, str | None]
    # inputs_digest, taken before the scan reads any of its inputs: the scan records it.
    inputs: str = ""


def _digest_files(digest: hashlib._Hash, root: Path, files: Iterable[Path]) -> None:
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as err:
            digest.update(f"unreadable {err.errno}".encode())
        digest.update(b"\0")


def _tree(root: Path) -> list[Path]:
    if not root.is_dir():
        return [root] if root.exists() else []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [Path(folder) / name for name in names if not name.endswith(".pyc")]
    return found


def inputs_digest(sources: Path, local_inputs: Sequence[Path], output: Path) -> str:
    """A hash of everything besides the commits that decides a scan's output: the manifest,
    the practice files and marketplace (`local_inputs`), the scanner's own package (code,
    queries, templates), its parsers' versions and where the output goes."""
    digest = hashlib.sha256(f"state {_STATE_VERSION}\0".encode())
    digest.update(f"{scanner.__version__}\0{extraction_version()}\0".encode())
    digest.update(f"{output.absolute()}\0".encode("utf-8", "surrogateescape"))
    for root in (sources, *local_inputs):
        digest.update(f"{root.absolute()}\0".encode("utf-8", "surrogateescape"))
        _digest_files(digest, root if root.is_dir() else root.parent, _tree(root))
    package = Path(scanner.__file__).parent
    _digest_files(digest, package, _tree(package))
    return digest.hexdigest()


def _listing(folder: str, rel: str, found: list[tuple[list[str], os.stat_result]]) -> None:
    """The files below `folder` as `_tree` finds them (os.walk: a link to a folder is neither
    entered nor listed; `__pycache__` and `.pyc` left out), each with its path relative to the
    output folder, in parts, and its lstat: one scandir per folder, no Path per file."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if entry.name != "__pycache__" and not entry.is_symlink():
                _listing(entry.path, name, found)
            continue
        if entry.name.endswith(".pyc"):
            continue
        try:
            found.append((name.split("/"), entry.stat(follow_symlinks=False)))
        except OSError:
            continue


def output_digest(output: Path) -> str:
    """What the output folder holds, by name, size and modification time (no reads: an edit
    or a deletion changes it, and then a full scan puts the output right). In the order of
    the paths' parts, as pathlib sorts paths."""
    found: list[tuple[list[str], os.stat_result]] = []
    if output.is_dir():
        _listing(str(output), "", found)
    elif output.exists():
        with contextlib.suppress(OSError):
            found.append((["."], output.lstat()))
    digest = hashlib.sha256()
    for parts, stat in sorted(found, key=lambda item: item[0]):
        rel = "/".join(parts)
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "replace"))
    return digest.hexdigest()


def _state_path(workdir: Path) -> Path:
    return workdir / STATE_FILE


def _read_state(workdir: Path) -> dict[str, object] | None:
    try:
        data = json.loads(_state_path(workdir).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _STATE_VERSION else None


def forget(workdir: Path) -> None:
    """Drop the record: the next scan runs in full (a scan that failed half-way calls this)."""
    try:
        _state_path(workdir).unlink(missing_ok=True)
    except OSError as err:
        log.warning("cannot remove %s: %s", _state_path(workdir), err)


def record(workdir: Path, sources: Sequence[SyncResult], inputs: str, output: Path) -> None:
    """Remember a finished full scan."""
    state = {
        "version": _STATE_VERSION,
        "inputs": inputs,
        "output": output_digest(output),
        "commits": {s.name: (s.commit if s.ok else "") for s in sources},
    }
    path = _state_path(workdir)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        log.warning("cannot record the scan in %s (%s); the next scan runs in full", path, err)


def check_before_scan(config: Config) -> Freshness:
    """`check` for a scan about to run with `config`, under the work directory lock. Cheap to
    import and to run: the stages' own modules are not loaded."""
    specs = load_sources(config.sources)
    inputs = inputs_digest(config.sources, scan_inputs(config), config.output)
    with workdir_lock(config.workdir):
        found = check(
            specs,
            config.workdir,
            inputs,
            config.output,
            timeout=config.timeout,
            jobs=config.effective_jobs,
        )
    return replace(found, inputs=inputs)


def manifest_paths(config: Config) -> tuple[Path, Path]:
    """The practices folder (Config.practices_dir: --practices, else beside the sources
    manifest), and the marketplace manifest beside it: inputs of every scan."""
    practices_dir = config.practices_dir
    return practices_dir, practices_dir.parent / DEFAULT_MARKETPLACE.name


def scan_inputs(config: Config) -> tuple[Path, ...]:
    """Every local file or folder besides the sources manifest that a scan's output depends
    on: the practices folder, the marketplace manifest, the publishing policy beside them, and
    the labelled sets (their tune labels are the classifier's exemplars)."""
    practices_dir, marketplace = manifest_paths(config)
    return (
        practices_dir,
        marketplace,
        practices_dir.parent / PUBLISHING_FILE,
        labels_dir_for(practices_dir),
    )


def check(
    specs: Sequence[SourceSpec],
    workdir: Path,
    inputs: str,
    output: Path,
    *,
    timeout: float,
    jobs: int,
) -> Freshness:
    """Whether nothing that decides the output has moved since the recorded scan."""
    state = _read_state(workdir)
    if state is None:
        return Freshness(None, {})  # a first scan: no clone to spare a fetch either
    now = remote_commits(specs, workdir, timeout=timeout, jobs=jobs)
    if state.get("inputs") != inputs:
        return Freshness(None, now)
    recorded = state.get("commits")
    if not isinstance(recorded, dict) or set(recorded) != {s.name for s in specs}:
        return Freshness(None, now)
    commits: dict[str, str] = {}
    for name, commit in now.items():
        before = recorded.get(name)
        if commit is None and before == "":
            commits[name] = ""  # failed then, unreachable now: the same output
        elif commit is None or commit != before:
            log.info("%s: %s since the last scan", name, "moved" if commit else "unknown")
            return Freshness(None, now)
        else:
            commits[name] = commit
    # Last: the only check that reads the output folder (a stat of every file in it).
    if state.get("output") != output_digest(output):
        log.info("the output folder changed since the last scan; scanning in full")
        return Freshness(None, now)
    return Freshness(Unchanged(commits), now)
