"""How output reaches the disk: deterministic text, written atomically, or only compared.

Files are written to a temporary sibling and renamed into place; a generated folder (a plugin)
is built whole beside the old one and swapped in, so a crash leaves the old output or the new,
never a mix. Check mode computes the same differences and writes nothing.

A whole run writes through one OutputTransaction: every file and folder is first staged on disk
beside its final place, and only when all of them are there are they renamed in. A write that
fails (a full disk, a file where a folder must be) therefore leaves the previous output exactly
as it was. The catalog is renamed in last: a run killed while renaming leaves the previous
catalog as the baseline, so the next run reports the same changes again instead of none."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from scanner.errors import OutputError
from scanner.json_text import dumps_sorted_indented
from scanner.models import JsonValue

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
UNREADABLE = "\x00<unreadable>"  # read_tree's stand-in for a file it cannot read as text
_UNREADABLE_BYTES = UNREADABLE.encode("utf-8")  # the same, where files are compared as bytes
FILE_MODE = 0o644  # mkstemp makes 0600: generated files are for everyone to read


def dump_json(data: JsonValue) -> str:
    """The one JSON style of every output: sorted keys, indent 2, UTF-8, trailing newline."""
    return dumps_sorted_indented(data) + "\n"


def _fail(path: Path, err: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {err.strerror or err}; previous output left in place")


def _write_new_file(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}-", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
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
                out[rel] = UNREADABLE
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
    encoded = {rel: text.encode("utf-8") for rel, text in files.items()}
    return _tree_change(folder, encoded, _read_bytes(folder))


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


def _swap_in(staging: Path, folder: Path) -> None:
    """Put the complete folder `staging` where `folder` is: the old folder is renamed aside
    first and removed after, so `folder` is never half written (a run killed in between leaves
    the old one beside it, which `recover_interrupted` puts back)."""
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{folder.name}-", dir=folder.parent))
        old.rmdir()
        folder.replace(old)
        staging.replace(folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.replace(folder)


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
            _swap_in(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as err:
        raise _fail(folder, err) from err
    return change


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary siblings of `path` that a killed run left (their prefix is reserved)."""
    for stale in path.parent.glob(f"{TMP_PREFIX}{path.name}-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def regular_files(
    folder: Path, skip: Callable[[str], bool] = lambda name: False
) -> Iterator[tuple[str, str]]:
    """(relative POSIX path, path) of every regular file under `folder`. Symbolic links are
    neither listed nor followed; names `skip` accepts (files and folders) are left out, and so
    is a folder that cannot be listed. Walked with os.scandir: a site folder holds some 1,500
    files."""
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if skip(entry.name):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                pending.append((entry.path, f"{prefix}{entry.name}/"))
            elif is_file:
                yield prefix + entry.name, entry.path


def _read_bytes(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` (relative POSIX paths) as bytes, an unreadable one as
    `_UNREADABLE_BYTES` (so it counts as changed and is written afresh)."""
    out: dict[str, bytes] = {}
    if folder.is_dir() and not folder.is_symlink():
        for rel, path in regular_files(folder):
            try:
                out[rel] = Path(path).read_bytes()
            except OSError:
                out[rel] = _UNREADABLE_BYTES
    return out


def _tree_change(
    folder: Path, files: Mapping[str, bytes], current: Mapping[str, bytes]
) -> TreeChange:
    return TreeChange(
        folder=folder.as_posix(),
        added=tuple(sorted(set(files) - set(current))),
        removed=tuple(sorted(set(current) - set(files))),
        modified=tuple(sorted(r for r in files if r in current and current[r] != files[r])),
    )


def _link(existing: Path, target: Path) -> bool:
    """Put an unchanged file into a staging folder without writing it: a hard link to the
    file in place (which no run ever writes into: every write is a new file renamed in), so
    its bytes and modification time stay as they are. False when the file system says no."""
    try:
        os.link(existing, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())  # a full disk shows here at the latest, before any rename


class OutputTransaction:
    """Everything one run writes: staged beside its final place, then moved in all together.

    `stage_file` and `stage_tree` write to temporary siblings (and say whether anything
    changes; a staged folder hard-links the files it keeps unchanged instead of writing
    them); `commit` renames them in (the files staged with `last=True` after everything
    else); leaving the `with` block without committing, or with an error, deletes what was
    staged. Errors are OutputError: `commit` is the only step that touches the previous output.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path, bool]] = []  # (temporary, final, last)
        self._trees: list[tuple[Path, Path]] = []  # (staging folder, final folder)
        self._removals: list[Path] = []
        # What every file staged or found unchanged holds once committed: the completion
        # marker hashes these bytes instead of reading the files back.
        self._contents: dict[Path, bytes] = {}
        self._done = False
        self._aborted = False

    def __enter__(self) -> OutputTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._done:
            self.abort()

    def stage_file(self, path: Path, text: str, *, last: bool = False) -> bool:
        """Stage `text` for `path`; False (nothing staged) when the file already holds it."""
        data = text.encode("utf-8")
        self._contents[path] = data
        try:
            if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temporaries(path)
            fd, name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}-", dir=path.parent)
            os.fchmod(fd, FILE_MODE)
            os.close(fd)
            temporary = Path(name)
            self._files.append((temporary, path, last))
            _write_synced(temporary, data)
        except OSError as err:
            raise _fail(path, err) from err
        return True

    def stage_tree(self, folder: Path, files: Mapping[str, str]) -> TreeChange:
        """Stage a complete new `folder` holding exactly `files`, if that changes anything.
        Call `recover_interrupted(folder.parent)` first: it deletes staging folders."""
        encoded = {rel: text.encode("utf-8") for rel, text in files.items()}
        for rel, data in encoded.items():
            self._contents[folder / rel] = data
        current = _read_bytes(folder)
        change = _tree_change(folder, encoded, current)
        if not change.changed:
            return change
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{folder.name}-", dir=folder.parent)
            )
            self._trees.append((staging, folder))
            for rel, data in sorted(encoded.items()):
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if current.get(rel) != data or not _link(folder / rel, target):
                    _write_synced(target, data)
            staging.chmod(0o755)
        except OSError as err:
            raise _fail(folder, err) from err
        return change

    def stage_removal(self, folder: Path) -> None:
        self._removals.append(folder)

    def contents(self) -> dict[Path, bytes]:
        """After `commit`: the bytes of every file this transaction staged or compared equal
        (each is in place holding them)."""
        return dict(self._contents) if self._done and not self._aborted else {}

    def commit(self) -> None:
        """Rename everything staged into place; the `last` files after all the rest."""
        self._done = True
        try:
            for temporary, final, last in self._files:
                if not last:
                    temporary.replace(final)
            for staging, folder in self._trees:
                _swap_in(staging, folder)
            for folder in self._removals:
                remove_tree(folder)
            for temporary, final, last in self._files:
                if last:
                    temporary.replace(final)
        except OSError as err:
            self.abort()
            raise OutputError(
                f"cannot finish writing the output: {err.strerror or err} "
                f"({err.filename or ''}); rerun the scan to repair it"
            ) from err

    def abort(self) -> None:
        """Delete whatever was staged and not yet renamed in."""
        self._done = True
        self._aborted = True
        for temporary, _, _ in self._files:
            temporary.unlink(missing_ok=True)
        for staging, _ in self._trees:
            shutil.rmtree(staging, ignore_errors=True)
        self._files, self._trees, self._removals = [], [], []


def remove_tree(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        return
    except OSError as err:
        raise _fail(folder, err) from err
