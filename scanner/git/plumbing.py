"""Reading a clone's object store: the tree of a commit and the blobs discovery asks for.

Nothing here touches a working tree (there is none). The blobs of a blobless clone arrive on
demand: `ensure_blobs` lists which of the wanted blobs are absent without triggering git's lazy
fetch (`rev-list --missing=print` never fetches), then fetches them from the promisor remote in
one request, splitting the request in halves when the remote cannot serve all of them, so that
one blob missing upstream costs that blob alone. `read_blobs` then reads them through one
`cat-file --batch-check` and one `cat-file --batch` process, restarted past any blob git cannot
read (a corrupt object).
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO

from git.exc import CommandError

from scanner.errors import ScannerError
from scanner.git.safety import SHA_RE, clone_git, git_message
from scanner.models import FileMode, TrackedFile

logger = logging.getLogger("scanner")

BLOB_MISSING = -1
DEFAULT_FETCH_TIMEOUT = 300.0
_FETCH_BATCH = 2000  # blob SHAs per fetch command line (about 82 KB of arguments)


class BlobUnavailableError(ScannerError):
    """A blob the tree names cannot be read from the clone."""


class CloneError(ScannerError):
    """A clone cannot be read (not a git repository, a damaged tree)."""


def _canonical_mode(mode: str) -> str:
    """Trees written by old tools may hold modes such as 100664; git's index (and so every
    earlier scan) knows only 100644 and 100755 for files."""
    if mode.startswith("100") and mode not in (FileMode.REGULAR, FileMode.EXECUTABLE):
        return FileMode.EXECUTABLE if int(mode, 8) & 0o100 else FileMode.REGULAR
    return mode


def list_tree(clone: Path, commit: str) -> tuple[TrackedFile, ...]:
    """Every file of the commit (`git ls-tree -r -z --full-tree`): path, mode, blob SHA. Symlinks
    (120000) and gitlinks (160000) are listed as they are; nothing is read."""
    try:
        raw = clone_git(clone).execute(
            ["git", "ls-tree", "-r", "-z", "--full-tree", commit],
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except CommandError as err:
        raise CloneError(f"cannot list the files of {clone}: {git_message(err)}") from err
    files: list[TrackedFile] = []
    for entry in (raw if isinstance(raw, bytes) else b"").split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, _kind, sha = meta.decode("ascii").split(" ")
        files.append(TrackedFile(path=os.fsdecode(path), mode=_canonical_mode(mode), blob_sha=sha))
    return tuple(files)


# --- getting blobs from the promisor remote -----------------------------------------------------


def missing_objects(clone: Path, commit: str) -> set[str] | None:
    """The objects of the commit's tree that the clone lacks (in a blobless clone: the blobs not
    fetched yet), without fetching any; None when git cannot tell."""
    try:
        raw = clone_git(clone).execute(
            ["git", "rev-list", "--objects", "--no-walk", "--missing=print", commit, "--"]
        )
    except CommandError as err:
        logger.warning("%s: cannot list missing objects: %s", clone, git_message(err))
        return None
    return {line[1:].strip() for line in str(raw).splitlines() if line.startswith("?")}


def _fetch(clone: Path, shas: Sequence[str], timeout: float) -> str | None:
    """Fetch these objects from origin in one request; the reason it failed, or None."""
    try:
        clone_git(clone).execute(
            [
                "git",
                "-c",
                "fetch.negotiationAlgorithm=noop",  # what the clone has is irrelevant to blobs
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--recurse-submodules=no",
                "--filter=blob:none",
                "--",
                "origin",
                *shas,
            ],
            kill_after_timeout=timeout,
        )
    except CommandError as err:
        return git_message(err)
    return None


def fetch_blobs(
    clone: Path, shas: Sequence[str], *, timeout: float = DEFAULT_FETCH_TIMEOUT
) -> dict[str, str]:
    """Fetch blobs from the promisor remote in as few requests as the remote allows; SHA -> why
    for each blob it could not serve. A refused request is split in two and each half tried
    again, so k unservable blobs among n cost about k * log2(n) small requests."""
    failed: dict[str, str] = {}
    pending = [list(shas[i : i + _FETCH_BATCH]) for i in range(0, len(shas), _FETCH_BATCH)]
    while pending:
        batch = pending.pop()
        if not batch:
            continue
        reason = _fetch(clone, batch, timeout)
        if reason is None:
            continue
        if len(batch) == 1:
            failed[batch[0]] = reason
            continue
        half = len(batch) // 2
        pending += [batch[:half], batch[half:]]
    return failed


def ensure_blobs(clone: Path, commit: str, shas: Sequence[str]) -> dict[str, str]:
    """Make the wanted blobs of `commit` present; SHA -> why for those that cannot be had."""
    absent = missing_objects(clone, commit)
    if absent is None:
        return {}  # cannot tell: reading will report what is missing, blob by blob
    wanted = sorted({sha for sha in shas if sha in absent})
    if not wanted:
        return {}
    failed = fetch_blobs(clone, wanted)
    logger.info(
        "%s: fetched %d of %d missing blobs", clone.name, len(wanted) - len(failed), len(wanted)
    )
    return failed


# --- reading blobs ------------------------------------------------------------------------------


def _feed(stream: IO[bytes] | None, data: bytes) -> None:
    """Write a batch request from a thread, so that git's output never blocks its input."""
    if stream is None:
        return
    try:
        stream.write(data)
    except BrokenPipeError:
        pass  # git died; the reader reports the objects it did not answer for
    finally:
        with suppress(BrokenPipeError):
            stream.close()


def _batch(
    clone: Path, option: str, shas: Sequence[str]
) -> Generator[tuple[str, bytes] | None, None, None]:
    """(header line, content or b"") per SHA from one `git cat-file <option>` process; None for
    the SHA at which git died (and the generator ends: the caller starts a new one)."""
    proc = clone_git(clone).execute(
        ["git", "cat-file", option], as_process=True, istream=subprocess.PIPE
    )
    request = "".join(f"{sha}\n" for sha in shas).encode("ascii")
    writer = threading.Thread(target=_feed, args=(proc.stdin, request), daemon=True)
    writer.start()
    stdout = proc.stdout
    assert stdout is not None
    try:
        for _ in shas:
            line = stdout.readline()
            if not line.endswith(b"\n"):
                yield None  # git stopped: a corrupt object
                return
            header = line.decode("ascii", "replace").rstrip("\n")
            parts = header.split(" ")
            if option == "--batch" and len(parts) == 3 and parts[1] == "blob":
                size = int(parts[2])
                data = stdout.read(size)
                if len(data) != size or stdout.read(1) != b"\n":
                    yield None
                    return
                yield header, data
            else:
                yield header, b""
    finally:
        with suppress(OSError):
            stdout.close()
        writer.join()
        with suppress(CommandError, OSError):
            proc.wait()


def _answers(clone: Path, option: str, shas: Sequence[str]) -> Iterator[tuple[str, bytes] | None]:
    """One answer per SHA, through as many cat-file processes as it takes: a SHA git dies on is
    answered None and the rest are asked again of a fresh process."""
    start = 0
    while start < len(shas):
        for answer in _batch(clone, option, shas[start:]):
            start += 1
            yield answer
            if answer is None:
                break


def read_blobs(
    clone: Path, shas: Sequence[str], *, max_bytes: int
) -> Iterator[tuple[str, int, bytes | None]]:
    """(sha, size, data) for each SHA, in order: `cat-file --batch-check` for the sizes, then
    `cat-file --batch` for the blobs within `max_bytes`. `data` is None for a blob over the
    cap, or unreadable (size BLOB_MISSING: absent, corrupt, not a blob). Call `ensure_blobs`
    first: an absent blob is fetched lazily by git, one by one."""
    for sha in shas:
        if not SHA_RE.match(sha):
            raise BlobUnavailableError(f"{sha!r} is not a blob SHA")
    sizes: list[int] = []
    for sha, answer in zip(shas, _answers(clone, "--batch-check", shas), strict=True):
        parts = answer[0].split(" ") if answer is not None else []
        ok = len(parts) == 3 and parts[0] == sha and parts[1] == "blob"
        sizes.append(int(parts[2]) if ok else BLOB_MISSING)
    wanted = [sha for sha, size in zip(shas, sizes, strict=True) if 0 <= size <= max_bytes]
    contents = _answers(clone, "--batch", wanted)  # streamed in the order of `shas`
    for sha, size in zip(shas, sizes, strict=True):
        if 0 <= size <= max_bytes:
            answer = next(contents)
            if answer is None:
                yield sha, BLOB_MISSING, None
            else:
                yield sha, size, answer[1]
        else:
            yield sha, size, None


class BlobReader:
    """Reads single blobs of one clone through one persistent `git cat-file` process (symlink
    targets, which are few). Not thread-safe: use one reader per thread. A blob the clone lacks
    is fetched by git from the promisor remote."""

    def __init__(self, clone: Path) -> None:
        self.clone = clone
        self._git = clone_git(clone)

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._git.clear_cache()  # ends the cat-file processes

    def _unavailable(self, blob_sha: str, detail: str) -> BlobUnavailableError:
        return BlobUnavailableError(
            f"blob {blob_sha} cannot be read from {self.clone} ({detail}); it may be missing "
            "upstream, or the clone damaged: run `scanner sync` again"
        )

    def read(self, blob_sha: str) -> bytes:
        if not SHA_RE.match(blob_sha):
            raise BlobUnavailableError(f"{blob_sha!r} is not a blob SHA")
        try:
            _, raw_kind, size, data = self._git.get_object_data(blob_sha)
        except ValueError as err:
            raise self._unavailable(blob_sha, "missing") from err
        except (OSError, CommandError) as err:
            self._git.clear_cache()
            raise self._unavailable(blob_sha, str(err)) from err
        kind = raw_kind.decode("ascii", "replace") if isinstance(raw_kind, bytes) else str(raw_kind)
        if kind != "blob":
            raise self._unavailable(blob_sha, f"it is a {kind}, not a blob")
        if len(data) != size:
            self._git.clear_cache()
            raise self._unavailable(blob_sha, f"read {len(data)} of {size} bytes")
        return data
