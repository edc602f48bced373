"""The render stage: the only code that writes output files.

Output is deterministic (sorted keys, indent 2, LF, trailing newline, no clock time) and every
file is written to a temporary sibling and renamed into place, so a crash leaves the old file
or the new one, never half of one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from scanner.catalog import Catalog
from scanner.errors import OutputError
from scanner.models import JsonValue


def dump_json(data: JsonValue) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically; returns False (and writes nothing) when unchanged."""
    data = text.encode("utf-8")
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; previous output left in place"
        ) from err
    return True


def write_files(root: Path, files: Mapping[str, str]) -> list[str]:
    """Write several files under `root`; returns the relative paths that changed."""
    return [rel for rel, text in sorted(files.items()) if write_atomic(root / rel, text)]


def catalog_files(catalog: Catalog) -> dict[str, str]:
    """The catalog stage's files, relative to the output folder."""
    return {
        "catalog/catalog.json": dump_json(catalog.to_json()),
        "catalog/sources.json": dump_json(
            {"schema_version": 1, "sources": [s.to_json() for s in catalog.sources]}
        ),
    }
