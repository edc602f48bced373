"""The JSON files the caches keep under `<workdir>/cache/` (classification outcomes, parsed
manifests, the render memo, stage memos): read back with the same bounds as every file the
scanner wrote (scanner.readback: size, depth, UTF-8, no NaN), and written whole or not at all;
and the digests their keys are made of (text parts, the code a result is computed by).

A cache file is only ever an optimisation: one that is missing, damaged, of another format or
too big is ignored with a warning, and the scan computes what it would have held."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

import scanner
from scanner.models import JsonValue
from scanner.readback import OwnFileError, read_own_json

log = logging.getLogger("scanner")


def load_cache(path: Path, fmt: int, what: str) -> dict[str, JsonValue] | None:
    """The document of cache file `path` when it is a JSON object of format `fmt`, else None
    (absent: silently; anything else: with a warning naming the file)."""
    try:
        data = read_own_json(path, what)
    except FileNotFoundError:
        return None
    except OwnFileError as err:
        log.warning("ignoring the %s: %s", what, err)
        return None
    if not isinstance(data, dict) or data.get("format") != fmt:
        return None
    return data


def load_entries(path: Path, fmt: int, what: str) -> dict[str, JsonValue] | None:
    """The `entries` object of a keyed cache file (load_cache), else None."""
    data = load_cache(path, fmt, what)
    entries = data.get("entries") if data is not None else None
    return entries if isinstance(entries, dict) else None


def save_cache(path: Path, fmt: int, what: str, document: dict[str, JsonValue]) -> bool:
    """Write `document` (with its format) to `path` through a unique temporary file, so that
    two scans reading manifests before the work directory lock never mix their bytes; False,
    with a warning, when it cannot be written."""
    text = json.dumps({"format": fmt, **document}, separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            Path(tmp).replace(path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        log.warning("cannot write the %s %s: %s", what, path, err)
        return False
    return True


def digest(*parts: str) -> str:
    """One SHA-256 over text parts (each ended by NUL, so parts never run together)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode("utf-8", "surrogatepass"))
        sha.update(b"\0")
    return sha.hexdigest()


def code_digest(files: Iterable[Path], distributions: Iterable[str] = ()) -> str:
    """The bytes of the code and templates a file is computed by, and library versions."""
    sha = hashlib.sha256(f"{scanner.__version__}\0".encode())
    for path in sorted(files):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in distributions:
        sha.update(f"{name}={metadata.version(name)}\0".encode())
    return sha.hexdigest()


@cache
def package_digest() -> str:
    """Every file of the scanner package and the parsers' versions: for results that depend on
    much of it (the validator reads plugins with the same parsers as discovery)."""
    from scanner.discover.cache import extraction_version

    package = Path(scanner.__file__).parent
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    sha = hashlib.sha256(extraction_version().encode())
    for path in sorted(files):
        sha.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()
