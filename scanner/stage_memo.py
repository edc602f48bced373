"""A computation's last result kept in the work directory, for the next scan to reuse when the
computation's inputs are the same (PageRank over the reference graph: its power iteration costs
a third of the graph stage, and one changed asset rarely changes a reference).

One JSON file per name under `<workdir>/cache/`: the digest of the inputs and the result. A file
that cannot be read is ignored; it is rewritten only when the result is new. Safe to delete."""

from __future__ import annotations

import logging
from pathlib import Path

from scanner.cache_file import load_cache, save_cache
from scanner.models import JsonValue

log = logging.getLogger("scanner")

_FORMAT = 1


class StageMemo:
    def __init__(self, path: Path | None, inputs: str = "", value: JsonValue = None) -> None:
        self.path = path
        self._inputs = inputs
        self._value = value
        self._changed = False
        self.hits = 0

    @classmethod
    def in_workdir(cls, workdir: Path, name: str) -> StageMemo:
        path = workdir / "cache" / f"{name}.json"
        data = load_cache(path, _FORMAT, f"{name} memo")
        if data is None:
            return cls(path)
        inputs = data.get("inputs")
        return cls(path, inputs, data.get("value")) if isinstance(inputs, str) else cls(path)

    def get(self, inputs: str) -> JsonValue:
        """The recorded result for these inputs, or None."""
        if inputs and inputs == self._inputs:
            self.hits += 1
            return self._value
        return None

    def put(self, inputs: str, value: JsonValue) -> None:
        self._inputs, self._value, self._changed = inputs, value, True

    def save(self) -> None:
        if self.path is None or not self._changed:
            return
        save_cache(self.path, _FORMAT, "memo", {"inputs": self._inputs, "value": self._value})
