"""How output reaches the disk: deterministic text, written atomically, or only compared.

Files are written to a temporary sibling and renamed into place; a generated folder (a plugin)
is built whole beside the old one and swapped in, so a crash leaves the old output or the new,
never a mix. Check mode computes the same differences and writes nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import OutputError
from scanner.models import JsonValue

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"


def dump_json(data: JsonValue) -> str:
    """The one JSON style of every output: sorted keys, indent 2, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _fail(path: Path, err: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {err.strerror or err}; previous output left in place")


def _write_new_file(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically; returns False (and writes nothing) when unchanged."""
    data = text.encode("utf-8")
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new_file(path, data)
    except OSError as err:
        raise _fail(path, err) from err
    return True


def write_files(root: Path, files: Mapping[str, str]) -> list[str]:
    """Write several files under `root`; returns the relative paths that changed."""
    return [rel for rel, text in sorted(files.items()) if write_atomic(root / rel, text)]


def read_tree(folder: Path) -> dict[str, str] | None:
    """Every regular file under `folder` as text (relative POSIX paths); None if absent."""
    if not folder.is_dir():
        return None
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(folder).as_posix()
            try:
                out[rel] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                out[rel] = "\x00<unreadable>"
    return out


@dataclass(frozen=True, slots=True)
class TreeChange:
    folder: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    modified: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.modified)


def compare_tree(folder: Path, files: Mapping[str, str]) -> TreeChange:
    current = read_tree(folder) or {}
    return TreeChange(
        folder=folder.as_posix(),
        added=tuple(sorted(set(files) - set(current))),
        removed=tuple(sorted(set(current) - set(files))),
        modified=tuple(sorted(r for r in files if r in current and current[r] != files[r])),
    )


def recover_interrupted(parent: Path) -> None:
    """Finish or undo a folder swap a killed run left behind in `parent`."""
    if not parent.is_dir():
        return
    for old in parent.glob(f"{OLD_PREFIX}*"):
        final = parent / old.name[len(OLD_PREFIX) :].rsplit("-", 1)[0]
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:  # killed between the two renames: the old folder is the last complete one
            old.replace(final)
    for tmp in parent.glob(f"{TMP_PREFIX}*"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def replace_tree(folder: Path, files: Mapping[str, str]) -> TreeChange:
    """Make `folder` contain exactly `files`, swapping a complete new folder into place."""
    change = compare_tree(folder, files)
    if not change.changed:
        return change
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        recover_interrupted(parent)
        staging = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{folder.name}-", dir=parent))
        try:
            for rel, text in sorted(files.items()):
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text.encode("utf-8"))
            staging.chmod(0o755)
            if folder.exists():
                old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{folder.name}-", dir=parent))
                old.rmdir()
                folder.replace(old)
                staging.replace(folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.replace(folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as err:
        raise _fail(folder, err) from err
    return change


def remove_tree(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        return
    except OSError as err:
        raise _fail(folder, err) from err
