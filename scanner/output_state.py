"""The output folder as a whole: one writer at a time, no symbolic links inside it, and a
completion marker written last, so that a run killed halfway is told from a finished one.

- `output_lock`: an exclusive flock on the output folder itself (no lock file to commit). Two
  scans with different work directories on one output would otherwise both write it.
- `refuse_symlinks`: a link inside the output folder (a plugin folder pointing elsewhere)
  would make the writer put files outside it, or read a baseline from anywhere.
- `.scan-complete.json`: removed before the first rename of a run and written after the last,
  listing every file of the output with its SHA-256 (no times: the bytes are deterministic).
  `scanner verify-output` checks it, that marketplace.json agrees with every plugin.json, and
  that the plugins validate strictly, before the nightly workflow proposes the output."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from scanner.errors import LockedError, OutputError
from scanner.models import JsonObject, JsonValue
from scanner.readback import OwnFileError, read_own_json
from scanner.writer import OLD_PREFIX, TMP_PREFIX, dump_json, regular_files, write_atomic

MARKER = ".scan-complete.json"
MARKER_SCHEMA = 1
CATALOG = "catalog/catalog.json"
MARKETPLACE = ".claude-plugin/marketplace.json"
PLUGIN_MANIFEST = ".claude-plugin/plugin.json"


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (released when the process dies); raise
    LockedError at once when another scan or render holds it."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        fd = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise OutputError(f"cannot use the output folder {output}: {err.strerror or err}") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another scan or render is writing {output}; wait for it to finish "
                "(each output folder takes one writer at a time, whatever its work directory)"
            ) from None
        yield
    finally:
        os.close(fd)


def _is_temporary(name: str) -> bool:
    return name.startswith((TMP_PREFIX, OLD_PREFIX))


def refuse_symlinks(output: Path) -> None:
    """OutputError when anything inside `output` is a symbolic link (the folder itself may
    be one: that is the caller's choice)."""
    links: list[str] = []
    for folder, dirs, files in os.walk(output, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            if path.is_symlink():
                links.append(str(path))
    if links:
        shown = ", ".join(links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
        raise OutputError(
            f"{shown}: a symbolic link inside the output folder; the scanner writes only real "
            "files and folders there (a link would send them elsewhere): remove it and rerun"
        )


def _files(output: Path, known: Mapping[str, bytes] | None = None) -> dict[str, str]:
    """Every regular file under `output` but the marker and temporaries: path -> SHA-256.
    `known`: the bytes some of them hold (relative path -> bytes), hashed without reading."""
    known = known or {}
    out: dict[str, str] = {}
    for rel, path in regular_files(output, _is_temporary):
        if rel != MARKER:
            data = known.get(rel)
            out[rel] = hashlib.sha256(Path(path).read_bytes() if data is None else data).hexdigest()
    return dict(sorted(out.items()))


def remove_marker(output: Path) -> bytes | None:
    """Before a run renames anything in: from here until `write_marker`, the output is not
    whole. Returns the marker it removed (None when there was none)."""
    marker = output / MARKER
    try:
        previous = marker.read_bytes() if marker.is_file() else None
        marker.unlink(missing_ok=True)
    except OSError as err:
        raise OutputError(f"cannot remove {marker}: {err.strerror or err}") from err
    return previous


def write_marker(
    output: Path, previous: bytes | None = None, written: Mapping[Path, bytes] | None = None
) -> bool:
    """The last write of a run: the marker, listing what is now in the output folder.
    True when it differs from `previous` (the marker `remove_marker` took away). `written`:
    what the run's transaction put in place (OutputTransaction.contents), hashed as it was
    written instead of read back."""
    known: dict[str, bytes] = {}
    for path, data in (written or {}).items():
        try:
            known[path.relative_to(output).as_posix()] = data
        except ValueError:
            continue  # not under the output folder: not the marker's business
    try:
        files = _files(output, known)
    except OSError as err:
        raise OutputError(f"cannot read back {output}: {err.strerror or err}") from err
    marker: JsonObject = {
        "schema_version": MARKER_SCHEMA,
        "catalog_sha256": files.get(CATALOG, ""),
        "files": dict[str, JsonValue](files),
    }
    text = dump_json(marker)
    write_atomic(output / MARKER, text)
    return text.encode("utf-8") != previous


def _versions(output: Path) -> list[str]:
    """Where marketplace.json and the plugins' plugin.json disagree."""
    problems: list[str] = []
    try:
        market = read_own_json(output / MARKETPLACE, "the marketplace")
    except FileNotFoundError:
        return [f"{MARKETPLACE} is missing"]
    except OwnFileError as err:
        return [str(err)]
    entries = market.get("plugins") if isinstance(market, dict) else None
    listed: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(name, str):
            problems.append(f"{MARKETPLACE}: a plugin entry without a name")
            continue
        listed.add(name)
        manifest = output / "plugins" / name / PLUGIN_MANIFEST
        try:
            plugin = read_own_json(manifest, "a plugin manifest")
        except FileNotFoundError:
            problems.append(f"{MARKETPLACE} lists {name}, which has no {PLUGIN_MANIFEST}")
            continue
        except OwnFileError as err:
            problems.append(str(err))
            continue
        version = plugin.get("version") if isinstance(plugin, dict) else None
        if version != entry.get("version"):
            problems.append(
                f"{name}: {MARKETPLACE} says version {entry.get('version')!s:.40}, "
                f"its plugin.json says {version!s:.40}"
            )
    plugins = output / "plugins"
    present = {p.name for p in plugins.iterdir() if p.is_dir()} if plugins.is_dir() else set()
    for name in sorted(present - listed):
        if not _is_temporary(name):
            problems.append(f"plugins/{name} is not listed in {MARKETPLACE}")
    return problems


def verify_output(output: Path) -> list[str]:
    """Why `output` is not a whole, consistent result of one run ([] when it is)."""
    if not output.is_dir():
        return [f"{output} is not a folder"]
    refuse_symlinks(output)
    try:
        marker = read_own_json(output / MARKER, "the completion marker")
    except FileNotFoundError:
        return [
            f"{output / MARKER} is missing: the last scan or render did not finish "
            "(or was never run); rerun it"
        ]
    except OwnFileError as err:
        return [str(err)]
    listed = marker.get("files") if isinstance(marker, dict) else None
    if not isinstance(marker, dict) or marker.get("schema_version") != MARKER_SCHEMA:
        return [f"{output / MARKER}: not a completion marker of this scanner version"]
    if not isinstance(listed, dict):
        return [f"{output / MARKER}: no `files`"]
    problems: list[str] = []
    files = _files(output)
    for rel in sorted(set(listed) | set(files)):
        if rel not in files:
            problems.append(f"{rel}: listed by the marker, missing")
        elif rel not in listed:
            problems.append(f"{rel}: not written by the run the marker records")
        elif listed[rel] != files[rel]:
            problems.append(f"{rel}: changed since the run the marker records")
    if marker.get("catalog_sha256") != files.get(CATALOG, ""):
        problems.append(f"{CATALOG}: not the catalog the marker records")
    problems += _versions(output)
    # Imported here: validate imports the formats, which the writer's users need not load.
    from scanner.validate import validate_path

    report = validate_path(output, strict=True)
    problems += [f"{f.file}:{f.line} {f.code}: {f.message}" for f in report.errors]
    return problems
