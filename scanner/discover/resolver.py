"""A read-only view of one commit of a synced clone: the files of its tree and their bytes.

Handlers never touch the disk; the resolver hands them decoded text. It reads blobs from the
object store (there is no working tree), so symlinks are never followed by the operating system:
a symlink's blob is its target path, which we resolve ourselves and only inside the repository.
A blob that cannot be had (missing upstream, corrupt, over the size cap) costs its file one
ScanIssue; the rest of the repository is read."""

from __future__ import annotations

import codecs
import posixpath
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from scanner.git import plumbing
from scanner.models import ScanIssue, Severity, Stage, TrackedFile

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SYMLINK_HOPS = 8


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file's content as handlers see it."""

    file: TrackedFile  # the tracked entry at the path being catalogued
    content_sha: str  # blob whose bytes these are (the symlink's target for a symlink)
    size: int
    text: str  # decoded, BOM removed, line endings normalised to \n
    symlink_target: str = ""  # repository path the symlink resolves to, if any


def decode_text(data: bytes) -> str | None:
    """Decode harvested bytes to text; None when they are binary or not valid text.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted; CRLF becomes LF."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        if b"\x00" in data[:8192]:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def compile_patterns(patterns: tuple[str, ...]) -> pathspec.PathSpec[Any] | None:
    return pathspec.PathSpec.from_lines("gitignore", patterns) if patterns else None


class Resolver:
    """Files of one commit of a clone, filtered by the manifest's include/exclude patterns."""

    def __init__(
        self,
        repo: str,
        clone: Path,
        commit: str,
        *,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        self.repo = repo
        self.clone = clone
        self.commit = commit
        self.max_file_bytes = max_file_bytes
        included = compile_patterns(include)
        excluded = compile_patterns(exclude)
        files = []
        for entry in plumbing.list_tree(clone, commit):
            if included is not None and not included.match_file(entry.path):
                continue
            if excluded is not None and excluded.match_file(entry.path):
                continue
            files.append(entry)
        self.files: tuple[TrackedFile, ...] = tuple(sorted(files, key=lambda f: f.path))
        self.by_path: dict[str, TrackedFile] = {f.path: f for f in self.files}
        self._reader: plumbing.BlobReader | None = None

    def path_issue(self, entry: TrackedFile) -> ScanIssue | None:
        """A path with control characters (a newline, say) is never a candidate: it would break
        every list and table it appeared in. It is reported, so nothing vanishes silently."""
        if not any(ord(ch) < 32 or ord(ch) == 127 for ch in entry.path):
            return None
        return self._issue(
            entry.path,
            Severity.WARNING,
            "unsafe-path",
            f"path {entry.path!r} contains control characters; not scanned",
        )

    @contextmanager
    def opened(self) -> Iterator[Resolver]:
        """Keep one `git cat-file` process for the single reads (symlinks) of this clone."""
        with plumbing.BlobReader(self.clone) as reader:
            self._reader = reader
            try:
                yield self
            finally:
                self._reader = None

    def _issue(self, path: str, severity: Severity, code: str, message: str) -> ScanIssue:
        return ScanIssue(Stage.DISCOVER, severity, code, message, repo=self.repo, path=path)

    def resolve_symlink(self, entry: TrackedFile) -> TrackedFile | ScanIssue:
        """Follow a symlink through the tree, never outside the repository."""
        seen = 0
        current = entry
        while current.is_symlink:
            seen += 1
            if seen > MAX_SYMLINK_HOPS:
                return self._issue(
                    entry.path,
                    Severity.WARNING,
                    "symlink-loop",
                    "symlink chain loops or is too long",
                )
            raw = self._read_raw(current.blob_sha).decode("utf-8", "replace").strip()
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(current.path), raw))
            if raw.startswith("/") or joined == ".." or joined.startswith("../"):
                return self._issue(
                    entry.path,
                    Severity.WARNING,
                    "symlink-outside-repository",
                    f"symlink points outside the repository ({raw!r}); not followed",
                )
            target = self.by_path.get(joined)
            if target is None:
                return self._issue(
                    entry.path,
                    Severity.WARNING,
                    "symlink-dangling",
                    f"symlink target {joined!r} is not a tracked file (a folder or missing)",
                )
            current = target
        return current

    def _read_raw(self, blob_sha: str) -> bytes:
        if self._reader is None:
            raise RuntimeError("Resolver.opened() must be active to read blobs")
        return self._reader.read(blob_sha)

    def load(self, entry: TrackedFile) -> Loaded | ScanIssue:
        """The decoded text of a tracked file, or the ScanIssue that explains why not."""
        if entry.is_submodule:
            return self._issue(
                entry.path,
                Severity.INFO,
                "submodule-not-entered",
                f"submodule at commit {entry.blob_sha[:12]} is recorded, not scanned",
            )
        try:
            target = self.resolve_symlink(entry) if entry.is_symlink else entry
            if isinstance(target, ScanIssue):
                return target
            raw = self._read_raw(target.blob_sha)
        except plumbing.BlobUnavailableError as err:
            return self._issue(entry.path, Severity.ERROR, "blob-unavailable", str(err))
        symlink_target = target.path if entry.is_symlink else ""
        data = raw if len(raw) <= self.max_file_bytes else None
        return self._decoded(entry, target.blob_sha, len(raw), data, symlink_target)

    def _decoded(
        self, entry: TrackedFile, sha: str, size: int, data: bytes | None, symlink_target: str = ""
    ) -> Loaded | ScanIssue:
        """Bytes read for `entry` (None: over the size cap) as text, or why not."""
        if data is None:
            return self._issue(
                entry.path,
                Severity.WARNING,
                "file-too-large",
                f"{size} bytes is over the {self.max_file_bytes}-byte cap; not parsed",
            )
        text = decode_text(data)
        if text is None:
            return self._issue(
                entry.path,
                Severity.WARNING,
                "not-text",
                "binary or undecodable content (expected UTF-8 or UTF-16 with BOM); not parsed",
            )
        return Loaded(entry, sha, size, text, symlink_target)

    def load_many(
        self, entries: Sequence[TrackedFile]
    ) -> Iterator[tuple[TrackedFile, Loaded | ScanIssue]]:
        """`load` for many files, in order: the regular files' blobs fetched in one batch when
        the clone lacks them, then read through one batched `cat-file`."""
        regular = [e for e in entries if not (e.is_symlink or e.is_submodule)]
        wanted = [e.blob_sha for e in regular]
        unfetchable = plumbing.ensure_blobs(self.clone, self.commit, wanted) if wanted else {}
        batch = plumbing.read_blobs(
            self.clone,
            [sha for sha in wanted if sha not in unfetchable],
            max_bytes=self.max_file_bytes,
        )
        for entry in entries:
            if entry.is_symlink or entry.is_submodule:
                yield entry, self.load(entry)
                continue
            why = unfetchable.get(entry.blob_sha)
            if why is not None:
                message = (
                    f"blob {entry.blob_sha} cannot be fetched from the origin ({why}); not scanned"
                )
                yield entry, self._issue(entry.path, Severity.ERROR, "blob-unavailable", message)
                continue
            sha, size, data = next(batch)
            if size == plumbing.BLOB_MISSING:
                message = (
                    f"blob {sha} cannot be read from the clone (missing or corrupt); not scanned"
                )
                yield entry, self._issue(entry.path, Severity.ERROR, "blob-unavailable", message)
                continue
            yield entry, self._decoded(entry, sha, size, data)
