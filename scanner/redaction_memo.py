"""Which records redaction left unchanged in the last scan, so that this scan does not redact
them again (every asset passes through `scanner/redaction.py` in every scan; one changed asset
leaves the other 1,500 exactly as they were).

A record is skipped only when its exact content (a SHA-256 of its `repr`: every field, nested
records, mappings and tuples, with their types) was found clean before by the same redaction
code (the bytes of `redaction.py` and `secrets.py`, the detect-secrets version, the Python
version). Anything else is redacted as usual. Kept in `<workdir>/cache/redaction.json`, the
digests of the last scan only. Safe to delete."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from scanner.cache_file import code_digest
from scanner.models import JsonValue
from scanner.stage_memo import StageMemo

NAME = "redaction"


def redaction_code_digest() -> str:
    folder = Path(__file__).parent
    code = code_digest([folder / "redaction.py", folder / "secrets.py"], ["detect-secrets"])
    return f"{code}:{sys.version}"


def content_key(record: object) -> str:
    """The record's exact content: a dataclass repr names its class and every field."""
    return hashlib.sha256(repr(record).encode("utf-8", "surrogatepass")).hexdigest()


class RedactionMemo:
    def __init__(self, store: StageMemo, code: str) -> None:
        self._store = store
        self._code = code
        recorded = store.get(code)
        self._clean_before = (
            {k for k in recorded if isinstance(k, str)} if isinstance(recorded, list) else set()
        )
        self._clean_now: set[str] = set()
        self.hits = 0

    @classmethod
    def in_workdir(cls, workdir: Path, code: str | None = None) -> RedactionMemo:
        return cls(StageMemo.in_workdir(workdir, NAME), code or redaction_code_digest())

    def was_clean(self, key: str) -> bool:
        """Whether this exact content was clean in the last scan; kept as clean for the next."""
        if key in self._clean_before:
            self.hits += 1
            self._clean_now.add(key)
            return True
        return False

    def found_clean(self, key: str) -> None:
        self._clean_now.add(key)

    def save(self) -> None:
        if self._clean_now != self._clean_before:
            listed: list[JsonValue] = [*sorted(self._clean_now)]
            self._store.put(self._code, listed)
            self._store.save()
