"""Our YAML manifests (practice files, labelled sets) parsed once per content.

Parsing them with the safe, bounded reader (scanner.structured.load_manifest_yaml) costs about
half a second a scan; their parsed form is kept in `<workdir>/cache/manifests.json`, keyed by a
SHA-256 of the file's bytes and of the reader's code. Only documents that JSON holds exactly
(strings, numbers, booleans, null, lists, mappings with string keys) are kept; any other is
parsed every time. The schema checks (pydantic) run on every load either way. Safe to delete."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import cast

import scanner
from scanner.cache_file import code_digest, load_entries, save_cache
from scanner.models import JsonValue
from scanner.structured import load_manifest_yaml

log = logging.getLogger("scanner")

FILE_NAME = "manifests.json"
_FORMAT = 1


@cache
def _code() -> bytes:
    return code_digest([Path(scanner.__file__).parent / "structured.py"]).encode()


def _exact(value: object) -> bool:
    """Whether JSON gives `value` back as it is (no dates, tuples or non-string keys)."""
    if value is None or type(value) in (str, bool, int):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(_exact(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _exact(v) for k, v in value.items())
    return False


class ManifestCache:
    def __init__(self, path: Path | None, stored: dict[str, object] | None = None) -> None:
        self.path = path
        self._stored = stored or {}
        self._used: dict[str, object] = {}
        self.hits = 0

    @classmethod
    def in_workdir(cls, workdir: Path) -> ManifestCache:
        path = workdir / "cache" / FILE_NAME
        entries = load_entries(path, _FORMAT, "manifest cache")
        return cls(path, dict(entries) if entries is not None else None)

    def read(self, path: Path) -> object:
        """What load_manifest_yaml(path) returns (and raises)."""
        try:
            key = hashlib.sha256(_code() + b"\0" + path.read_bytes()).hexdigest()
        except OSError:
            return load_manifest_yaml(path)  # it names the problem
        if key in self._stored:
            self.hits += 1
            self._used[key] = self._stored[key]
            return self._stored[key]
        raw = load_manifest_yaml(path)
        if _exact(raw):
            self._used[key] = raw
        return raw

    def save(self) -> None:
        """Keep the documents this scan read; write only when that changed."""
        if self.path is None or self._used.keys() == self._stored.keys():
            return
        # Only documents _exact passed are in _used: JSON values, as json.dumps needs.
        entries = cast("dict[str, JsonValue]", dict(self._used))
        save_cache(self.path, _FORMAT, "manifest cache", {"entries": entries})
