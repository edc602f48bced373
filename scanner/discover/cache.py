"""The extraction cache: what discovery learned from each file, kept in the work directory so a
scan pays only for what changed since the last one.

Three kinds of entries, all keyed with the extraction version (a hash of the scanner's version,
the source of every module and query that affects extraction, and the versions of the parsers):
- `repo`: a repository's whole discovery result at one commit (with its include/exclude
  patterns); an unchanged commit reads no blob and parses nothing.
- `file`: one file's handler result, keyed by repository, path and blob SHA. A result that looked
  at the repository's file list (a skill's supporting files, an agent inside a plugin) records a
  hash of that list and is reused only while the list is the same.
- `markdown`, `frontmatter`, `json`: the pure parses of one blob (tree-sitter, YAML, JSON),
  keyed by blob SHA alone, so a moved file or one whose context changed is not parsed
  again.

Storage is one SQLite database under `<workdir>/cache/`: tens of thousands of small entries
written in one transaction per repository, atomic and crash-safe (a killed scan leaves the last
committed state). Every payload carries a checksum and is decoded against a strict schema; an
entry that fails either is logged, dropped and rebuilt, and a database file that SQLite cannot
read is deleted and started afresh. The cache is safe to delete at any time: it only ever saves
work, never changes a result. Its size is bounded: when a scan ends above the bound, entries that
no commit or blob of that scan used are evicted, least recently used first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from types import TracebackType

import scanner
from scanner.discover.codecs import CorruptEntryError
from scanner.models import JsonObject, JsonValue

log = logging.getLogger("scanner")

CACHE_SCHEMA = 1
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DATABASE_NAME = "extraction.sqlite3"
MAX_MIB_ENV = "SCANNER_CACHE_MAX_MIB"
_LOOKUP_BATCH = 500  # keys per SELECT ... IN (...): below SQLite's variable limit
_FLUSH_ENTRIES = 2000  # pending writes kept in memory before a transaction commits them

# What decides extraction results besides the bytes of a file: our own modules and queries...
_EXTRACTION_SOURCES = (
    "__init__.py",
    "ids.py",
    "models.py",
    "paths.py",
    "secrets.py",
    "structured.py",
)
_EXTRACTION_FOLDERS = (
    ("discover", ".py"),
    ("formats", ".py"),
    ("handlers", ".py"),
    ("languages", ".py"),
    ("languages", ".scm"),
    ("treesitter", ".py"),
)
# ... and the parsers we run.
_EXTRACTION_DISTRIBUTIONS = (
    "pathspec",
    "PyYAML",
    "tree-sitter",
    "tree-sitter-go",
    "tree-sitter-javascript",
    "tree-sitter-markdown",
    "tree-sitter-python",
    "tree-sitter-rust",
    "tree-sitter-typescript",
)


@cache
def extraction_sources() -> tuple[str, ...]:
    """The package files, relative to `scanner/`, whose bytes are part of the version."""
    package = files("scanner")
    names = list(_EXTRACTION_SOURCES)
    for folder, suffix in _EXTRACTION_FOLDERS:
        names += sorted(
            f"{folder}/{item.name}"
            for item in package.joinpath(folder).iterdir()
            if item.name.endswith(suffix)
        )
    return tuple(names)


@cache
def extraction_version() -> str:
    """A hash of everything besides a file's bytes that affects what discovery extracts."""
    digest = hashlib.sha256()
    digest.update(f"schema {CACHE_SCHEMA}\0version {scanner.__version__}\0".encode())
    package = files("scanner")
    for name in extraction_sources():
        digest.update(name.encode() + b"\0")
        digest.update(package.joinpath(name).read_bytes())
        digest.update(b"\0")
    for dist in _EXTRACTION_DISTRIBUTIONS:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{dist} {version}\0".encode())
    return digest.hexdigest()


def entry_key(namespace: str, *parts: str, version: str | None = None) -> str:
    """The key of an entry: a hash of its namespace, its parts and the extraction version."""
    digest = hashlib.sha256()
    for part in (namespace, version or extraction_version(), *parts):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def encode_payload(value: JsonValue) -> bytes:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


# An entry holds what was extracted from one blob, itself capped far below this: a payload
# that inflates past it was not written by us (a zlib bomb planted in the work directory).
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


def decode_payload(payload: bytes) -> JsonValue:
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(payload, MAX_PAYLOAD_BYTES)
        if inflater.unconsumed_tail:
            raise CorruptEntryError(f"payload inflates past {MAX_PAYLOAD_BYTES} bytes")
        text = data.decode("utf-8", "surrogatepass")
        value: JsonValue = json.loads(text)
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise CorruptEntryError(f"undecodable payload: {err}") from err
    return value


def _checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


# --- the store -----------------------------------------------------------------------------------

_SCHEMA_SQL = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries ("
    " key TEXT PRIMARY KEY,"
    " namespace TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " payload BLOB NOT NULL,"
    " size INTEGER NOT NULL,"
    " used INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_used ON entries (used)",
)


class ExtractionCache:
    """The cache of one work directory. Not thread-safe; one scan at a time holds it (the
    work directory lock). Use as a context manager: leaving it commits, marks what this scan
    used and evicts what it did not, if the cache is over its size bound."""

    def __init__(
        self,
        folder: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        version: str | None = None,
    ) -> None:
        self.folder = folder
        self.path = folder / DATABASE_NAME
        self.max_bytes = max_bytes
        self.version = version or extraction_version()
        self.corrupt_entries = 0
        self._pending: dict[str, tuple[str, bytes]] = {}
        self._read: set[str] = set()  # entries this scan read: their `used` is bumped
        self._protected: set[str] = set()  # entries this scan relies on: never evicted by it
        self._db: sqlite3.Connection | None = None
        self._generation = 0
        self._open()

    @classmethod
    def in_workdir(cls, workdir: Path, *, max_bytes: int | None = None) -> ExtractionCache:
        """The cache at `<workdir>/cache/`. Its bound is `max_bytes`, else
        $SCANNER_CACHE_MAX_MIB, else DEFAULT_MAX_BYTES (512 MiB)."""
        if max_bytes is None:
            env = os.environ.get(MAX_MIB_ENV, "")
            max_bytes = int(env) * 1024 * 1024 if env.isdigit() else DEFAULT_MAX_BYTES
        return cls(workdir / "cache", max_bytes=max_bytes)

    # -- opening, and recovering from a damaged database ------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            # auto_vacuum only takes effect on a new database: evictions then free disk space.
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA synchronous = NORMAL")
            for statement in _SCHEMA_SQL:
                db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(CACHE_SCHEMA),))
            elif row[0] != str(CACHE_SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {row[0]}, expected {CACHE_SCHEMA}")
            row = db.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
            generation = int(row[0]) + 1 if row is not None and row[0].isdigit() else 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))
        except BaseException:
            db.close()
            raise
        self._generation = generation
        return db

    def _open(self) -> None:
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as err:
            self._reset(f"cannot read the cache database ({err})")
        except OSError as err:
            log.warning("%s: cannot create the cache (%s); scanning without it", self.path, err)
            self._db = None

    def _reset(self, why: str) -> None:
        """Start again with an empty database; the old file is deleted."""
        log.warning("%s: %s; starting an empty cache", self.path, why)
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-journal", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()
        try:
            self._db = self._connect()
        except (sqlite3.Error, OSError) as err:
            log.warning("%s: the cache is unusable (%s); scanning without it", self.path, err)
            self._db = None

    # -- reading ---------------------------------------------------------------------------------

    def get(self, key: str) -> JsonValue | None:
        found = self.get_many((key,))
        return found.get(key)

    def get_many(self, keys: Iterable[str], *, older: bool = False) -> dict[str, JsonValue]:
        """The decoded payloads of the keys that are present and sound. `older`: only entries
        that were there before this scan began, so that what a scan finds does not depend on
        the order in which its parallel parts finished."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, JsonValue] = {}
        rows: list[tuple[str, str, bytes]] = []
        query = "SELECT key, checksum, payload FROM entries WHERE key IN ({})"
        if older:
            query += f" AND used < {int(self._generation)}"
        if self._db is not None:
            try:
                for start in range(0, len(wanted), _LOOKUP_BATCH):
                    batch = wanted[start : start + _LOOKUP_BATCH]
                    rows += self._db.execute(
                        query.format(",".join("?" * len(batch))), batch
                    ).fetchall()
            except sqlite3.DatabaseError as err:
                self._reset(f"reading failed ({err})")
                rows = []
        for key, checksum, payload in rows:
            try:
                if _checksum(payload) != checksum:
                    raise CorruptEntryError("checksum mismatch")
                out[key] = decode_payload(payload)
            except CorruptEntryError as err:
                self.drop(key, why=str(err))
                continue
            self._read.add(key)
        return out

    def drop(self, key: str, *, why: str) -> None:
        """Forget one entry that turned out to be damaged; it is rebuilt by whoever needed it."""
        self.corrupt_entries += 1
        log.warning("cache entry %s is damaged (%s); rebuilding it", key[:16], why)
        self._pending.pop(key, None)
        self._read.discard(key)
        self._protected.discard(key)
        if self._db is not None:
            try:
                self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
            except sqlite3.DatabaseError as err:
                self._reset(f"deleting failed ({err})")

    # -- writing ---------------------------------------------------------------------------------

    def put(self, key: str, namespace: str, value: JsonValue) -> None:
        self.put_encoded(key, namespace, encode_payload(value))

    def put_encoded(self, key: str, namespace: str, payload: bytes) -> None:
        """Store a payload made by `encode_payload` (pool workers encode their own)."""
        self._pending[key] = (namespace, payload)
        self._read.discard(key)  # written with this scan's generation
        self._protected.add(key)
        if len(self._pending) >= _FLUSH_ENTRIES:
            self.flush()

    def mark_used(self, keys: Iterable[str]) -> None:
        """Entries this scan relies on without reading them (what a reused repository result
        was built from): they are not evicted by this scan. Their recency is not rewritten:
        that would cost a write per entry on every scan, for an order only eviction uses."""
        self._protected.update(keys)

    def flush(self) -> None:
        """Commit pending writes in one transaction."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        if self._db is None:
            return
        rows = [
            (key, namespace, _checksum(payload), payload, len(payload), self._generation)
            for key, (namespace, payload) in pending.items()
        ]
        try:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?)", rows)
        except sqlite3.DatabaseError as err:
            self._reset(f"writing failed ({err})")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        assert self._db is not None
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- closing: mark what was used, evict over the bound ----------------------------------------

    def _mark_generation(self) -> None:
        assert self._db is not None
        used = sorted(self._read)
        with self._transaction():
            for start in range(0, len(used), _LOOKUP_BATCH):
                batch = used[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                self._db.execute(
                    f"UPDATE entries SET used = ? WHERE key IN ({marks})",
                    (self._generation, *batch),
                )

    def total_bytes(self) -> int:
        if self._db is None:
            return 0
        row = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        return int(row[0])

    def evict(self) -> int:
        """Delete entries this scan did not use, least recently used first, until the cache is
        within its bound; returns how many went. Entries this scan used always stay."""
        if self._db is None:
            return 0
        total = self.total_bytes()
        if total <= self.max_bytes:
            return 0
        keep = self._read | self._protected
        victims: list[str] = []
        rows = self._db.execute(
            "SELECT key, size FROM entries WHERE used < ? ORDER BY used, key",
            (self._generation,),
        ).fetchall()
        for key, size in rows:
            if total <= self.max_bytes:
                break
            if key in keep:
                continue
            victims.append(key)
            total -= int(size)
        with self._transaction():
            for start in range(0, len(victims), _LOOKUP_BATCH):
                batch = victims[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                self._db.execute(f"DELETE FROM entries WHERE key IN ({marks})", batch)
        self._db.execute("PRAGMA incremental_vacuum")
        if total > self.max_bytes:
            log.info(
                "the cache holds %d bytes that this scan uses, over its %d-byte bound",
                total,
                self.max_bytes,
            )
        log.info("cache: evicted %d entries not used by this scan", len(victims))
        return len(victims)

    def close(self) -> None:
        if self._db is None:
            return
        try:
            self.flush()
            if self._db is not None:
                self._mark_generation()
                self.evict()
        except sqlite3.DatabaseError as err:
            self._reset(f"closing failed ({err})")
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def stats(self) -> JsonObject:
        """Entries by namespace and their size, for tests and the curious."""
        if self._db is None:
            return {}
        counts: JsonObject = {}
        for namespace, count, size in self._db.execute(
            "SELECT namespace, COUNT(*), SUM(size) FROM entries GROUP BY namespace"
        ):
            counts[str(namespace)] = {"entries": int(count), "bytes": int(size)}
        return counts
