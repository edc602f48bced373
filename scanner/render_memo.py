"""Output files that are expensive to compute (the site's pages, graph.graphml) reused from the
output folder when their inputs are those of the last scan.

For each such file the memo records a digest of exactly what it is computed from and a SHA-256
of the bytes that were written. A file is reused only when its input digest is the recorded one
and the file in the output folder still has the recorded bytes (so an edited or damaged output
file is computed again); otherwise it is computed. The record lives in
`<workdir>/cache/render.json`; it holds the files of the last scan only, and the digest of the
generated plugins that last passed validation (the same bytes, validated by the same scanner,
pass again). Safe to delete."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from scanner.cache_file import digest, load_cache, save_cache
from scanner.models import JsonValue

log = logging.getLogger("scanner")

FILE_NAME = "render.json"
_FORMAT = 1


def _safe_name(name: str) -> bool:
    """A relative path inside a folder: no empty, `.` or `..` part, no backslash or NUL."""
    return (
        bool(name)
        and "\\" not in name
        and "\0" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def _listing(files: dict[str, str]) -> str:
    """One digest of a folder's files: each name with the SHA-256 of its bytes."""
    return digest(*(f"{name}\0{sha}" for name, sha in sorted(files.items())))


class RenderMemo:
    """What the last scan wrote, and what this one writes, file by file."""

    def __init__(self, output: Path, path: Path | None, recorded: dict[str, list[str]]) -> None:
        self.output = output
        self.path = path
        self._recorded = recorded
        self._now: dict[str, list[str]] = {}
        self._validated = ""  # what the last scan's generated plugins validated as
        self._validated_now = ""
        self.reused = 0
        self.computed = 0
        self.folders_reused = 0

    @classmethod
    def in_workdir(cls, workdir: Path, output: Path) -> RenderMemo:
        path = workdir / "cache" / FILE_NAME
        data = load_cache(path, _FORMAT, "render memo")
        files = data.get("files") if data is not None else None
        if data is None or not isinstance(files, dict):
            return cls(output, path, {})
        recorded = {
            rel: [str(x) for x in pair]
            for rel, pair in files.items()
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        }
        memo = cls(output, path, recorded)
        validated = data.get("validated")
        memo._validated = validated if isinstance(validated, str) else ""
        return memo

    def validated(self, inputs: str) -> bool:
        """Whether generated files with this digest passed validation in the last scan."""
        if inputs == self._validated:
            self._validated_now = inputs
            return True
        return False

    def record_validated(self, inputs: str) -> None:
        self._validated_now = inputs

    def text(self, rel: str, inputs: str, compute: Callable[[], str]) -> str:
        """The text of output file `rel` (relative to the output folder) whose inputs have the
        digest `inputs`: the file as it is when the last scan wrote it from the same inputs,
        else `compute()`."""
        recorded = self._recorded.get(rel)
        if recorded is not None and recorded[0] == inputs:
            try:
                data = (self.output / rel).read_bytes()
            except OSError:
                data = None
            if data is not None and hashlib.sha256(data).hexdigest() == recorded[1]:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:  # a record made up for a file we never wrote
                    text = None
                if text is not None:
                    self.reused += 1
                    self._now[rel] = recorded
                    return text
        self.computed += 1
        text = compute()
        self._now[rel] = [inputs, hashlib.sha256(text.encode("utf-8")).hexdigest()]
        return text

    def tree(
        self, folder: str, inputs: str, compute: Callable[[], dict[str, str]]
    ) -> dict[str, str]:
        """The files of generated folder `folder` (relative paths inside it) whose inputs have
        the digest `inputs`: every file the last scan wrote there from the same inputs, when
        each still has the recorded bytes, else `compute()`. Besides each file, the folder's
        listing (every name with its SHA-256) is recorded under `folder/`, so that a record
        that lost a file, or names a path outside the folder, is never taken for the folder."""
        prefix = f"{folder}/"
        recorded = {r: p for r, p in self._recorded.items() if r.startswith(prefix) and r != prefix}
        texts = self._recorded_tree(prefix, inputs, recorded)
        for rel in [r for r in self._now if r.startswith(prefix)]:
            del self._now[rel]  # a folder computed twice (a version bump) keeps its last files
        if texts is not None:
            self.reused += len(texts)
            self.folders_reused += 1
            self._now.update(recorded)
            self._now[prefix] = self._recorded[prefix]
            return texts
        texts = compute()
        self.computed += len(texts)
        for name, text in texts.items():
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            self._now[prefix + name] = [inputs, sha]
        listed = {
            r[len(prefix) :]: pair[1] for r, pair in self._now.items() if r.startswith(prefix)
        }
        self._now[prefix] = [inputs, _listing(listed)]
        return texts

    def _recorded_tree(
        self, prefix: str, inputs: str, recorded: dict[str, list[str]]
    ) -> dict[str, str] | None:
        folder_record = self._recorded.get(prefix)
        names = {rel[len(prefix) :]: pair[1] for rel, pair in recorded.items()}
        if (
            folder_record is None
            or folder_record[0] != inputs
            or not recorded
            or any(pair[0] != inputs for pair in recorded.values())
            or not all(_safe_name(name) for name in names)
            or _listing(names) != folder_record[1]
        ):
            return None
        texts: dict[str, str] = {}
        for name, sha in names.items():
            try:
                data = (self.output / prefix / name).read_bytes()
                if hashlib.sha256(data).hexdigest() != sha:
                    return None
                texts[name] = data.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return None
        return texts

    def save(self) -> None:
        """Record this scan's files (call once they are written)."""
        if self.path is None or (
            self._now == self._recorded and self._validated_now == self._validated
        ):
            return
        files: dict[str, JsonValue] = {rel: list(pair) for rel, pair in self._now.items()}
        save_cache(
            self.path, _FORMAT, "render memo", {"files": files, "validated": self._validated_now}
        )

    def stats(self) -> dict[str, int]:
        return {
            "files_reused": self.reused,
            "files_computed": self.computed,
            "folders_reused": self.folders_reused,
        }
