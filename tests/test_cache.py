"""The extraction cache: correctness, not speed. Files re-parsed are counted by discovery
(`files_parsed`: parses that actually ran; `cache_hits`: files served from the cache)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.catalog import build_catalog
from scanner.discover import Discovery, RepoDiscovery, discover_all
from scanner.discover.cache import (
    DATABASE_NAME,
    ExtractionCache,
    entry_key,
    extraction_sources,
    extraction_version,
)
from scanner.git.store import sync_sources
from scanner.models import SourceSpec, SyncResult
from scanner.render import catalog_files
from tests.gitrepo import GitRepo

SKILL = (
    "---\nname: {name}\ndescription: Does {name} things.\n---\n# {name}\n\n"
    "See [ref](references/r.md).\n"
)
AGENT = "---\nname: {name}\ndescription: Helps with {name}.\n---\nUse `skills/alpha/SKILL.md`.\n"
SERVER = "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP('{name}')\n"
FILES: dict[str, str | bytes] = {
    "skills/alpha/SKILL.md": SKILL.format(name="alpha"),
    "skills/alpha/references/r.md": "# Reference\n",
    "skills/beta/SKILL.md": SKILL.format(name="beta"),
    "agents/helper.md": AGENT.format(name="helper"),
    "servers/tool.py": SERVER.format(name="tool"),
    "hooks/hooks.json": '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x"}]}]}}',
    "images/logo.py": b"\x00\x01binary",
    "README.md": "# Not an asset\n",
}
CANDIDATES = 7  # every file above but README.md


def sync(repo: GitRepo, workdir: Path) -> list[SyncResult]:
    results = sync_sources(
        [SourceSpec(name=repo.path.name, url=repo.url)], workdir, timeout=60, jobs=1
    )
    assert all(r.ok for r in results), [r.reason for r in results]
    return list(results)


def scan(syncs: list[SyncResult], workdir: Path, **cache_args: int | str) -> Discovery:
    with ExtractionCache(workdir / "cache", **cache_args) as cache:  # type: ignore[arg-type]
        return discover_all(syncs, cache=cache)


def output_bytes(syncs: list[SyncResult], found: Discovery) -> dict[str, str]:
    return catalog_files(build_catalog(syncs, found))


def only(found: Discovery) -> RepoDiscovery:
    (repo,) = found.repos
    return repo


@pytest.fixture
def repo(repo_factory: Callable[..., GitRepo]) -> GitRepo:
    return repo_factory("assets", FILES)


def test_unchanged_commit_reuses_everything(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    cold = only(scan(syncs, work))
    assert (cold.files_parsed, cold.cache_hits, cold.reused) == (CANDIDATES - 1, 0, False)
    warm = only(scan(syncs, work))
    assert (warm.files_parsed, warm.cache_hits, warm.reused) == (0, CANDIDATES, True)
    with ExtractionCache(work / "cache") as cache:
        counts = {k: v["entries"] for k, v in cache.stats().items()}  # type: ignore[index]
    # One entry per repository, file and parse, and the glob selection of the file list.
    assert counts == {
        "repo": 1,
        "selection": 1,
        "file": CANDIDATES,
        "markdown": 4,
        "frontmatter": 3,
        "json": 1,
    }
    assert warm.assets == cold.assets
    assert warm.issues == cold.issues
    assert warm.paths == cold.paths


def test_changed_blob_is_parsed_and_unchanged_ones_are_not(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    scan(sync(repo, work), work)
    repo.write({"skills/beta/SKILL.md": SKILL.format(name="beta") + "\nMore words.\n"})
    repo.commit("touch beta")
    syncs = sync(repo, work)
    found = only(scan(syncs, work))
    assert found.files_parsed == 1
    assert found.cache_hits == CANDIDATES - 1
    assert not found.reused
    assert output_bytes(syncs, found) == output_bytes(syncs, discover_all(syncs))


def test_new_file_reruns_context_dependent_handlers_from_cached_parses(
    repo: GitRepo, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    scan(sync(repo, work), work)
    repo.write({"skills/alpha/scripts/run.sh": "echo hi\n"})  # not a candidate itself
    repo.commit("add a supporting file")
    syncs = sync(repo, work)
    found = only(scan(syncs, work))
    # The skills' supporting files depend on the file list: recomputed, but nothing re-parsed.
    assert found.files_parsed == 0
    assert found.cache_hits == CANDIDATES  # the binary file's load problem is cached too
    alpha = next(a for a in found.assets if a.path == "skills/alpha/SKILL.md")
    assert alpha.details["supporting_files"] == ["references/r.md", "scripts/run.sh"]
    assert output_bytes(syncs, found) == output_bytes(syncs, discover_all(syncs))


def test_rules_change_invalidates(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    scan(syncs, work, version="rules-1")
    assert only(scan(syncs, work, version="rules-1")).files_parsed == 0
    changed = only(scan(syncs, work, version="rules-2"))
    assert (changed.files_parsed, changed.cache_hits) == (CANDIDATES - 1, 0)


def test_extraction_version_covers_the_rules() -> None:
    sources = extraction_sources()
    for name in (
        "treesitter/code.py",
        "structured.py",
        "formats/rules.py",
        "secrets.py",
        "discover/resolver.py",
    ):
        assert name in sources
    assert "handlers/skill.py" in sources
    assert "languages/python.scm" in sources
    assert len(extraction_version()) == 64
    assert entry_key("file", "a", version="v1") != entry_key("file", "a", version="v2")


def test_corrupt_entry_is_detected_and_rebuilt(
    repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    cold = scan(syncs, work)
    db = sqlite3.connect(work / "cache" / DATABASE_NAME)
    with db:
        db.execute("DELETE FROM entries WHERE namespace = 'repo'")  # force per-file reuse
        key = entry_key(
            "file",
            "assets",
            "skills/alpha/SKILL.md",
            next(a.blob_sha for a in cold.assets if a.path == "skills/alpha/SKILL.md"),
            str(2 * 1024 * 1024),
        )
        updated = db.execute(
            "UPDATE entries SET payload = X'00FF00' WHERE key = ?", (key,)
        ).rowcount
    db.close()
    assert updated == 1
    with ExtractionCache(work / "cache") as cache:
        rebuilt = discover_all(syncs, cache=cache)
        assert cache.corrupt_entries == 1
    assert "damaged" in caplog.text
    # Only the damaged file's handlers ran again, from its cached parses.
    assert only(rebuilt).cache_hits == CANDIDATES - 1 + 1
    assert only(rebuilt).files_parsed == 0
    assert output_bytes(syncs, rebuilt) == output_bytes(syncs, cold)
    again = only(scan(syncs, work))
    assert again.reused


def test_unreadable_database_starts_afresh(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    cold = scan(syncs, work)
    (work / "cache" / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    found = scan(syncs, work)
    assert only(found).files_parsed == CANDIDATES - 1
    assert output_bytes(syncs, found) == output_bytes(syncs, cold)
    assert only(scan(syncs, work)).reused


def test_deleting_the_cache_changes_no_output_byte(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    without = output_bytes(syncs, discover_all(syncs))
    cold = output_bytes(syncs, scan(syncs, work))
    warm = output_bytes(syncs, scan(syncs, work))
    (work / "cache" / DATABASE_NAME).unlink()
    deleted = output_bytes(syncs, scan(syncs, work))
    assert without == cold == warm == deleted


def test_size_bound_evicts_only_what_this_scan_did_not_use(
    repo_factory: Callable[..., GitRepo], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    first = sync(repo_factory("first", FILES), work)
    second = sync(repo_factory("second", {"skills/x/SKILL.md": SKILL.format(name="x")}), work)
    scan(first, work)
    scan(second, work, max_bytes=1)  # far over the bound: everything unused goes
    with ExtractionCache(work / "cache") as cache:
        stats = cache.stats()
    assert stats["repo"] == {"entries": 1, "bytes": stats["repo"]["bytes"]}  # type: ignore[index]
    assert only(scan(second, work)).reused
    assert not only(scan(first, work)).reused


def test_unusable_cache_folder_scans_without_it(repo: GitRepo, tmp_path: Path) -> None:
    work = tmp_path / "work"
    syncs = sync(repo, work)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with ExtractionCache(blocker / "cache") as cache:
        found = discover_all(syncs, cache=cache)
    assert only(found).files_parsed == CANDIDATES - 1
    assert output_bytes(syncs, found) == output_bytes(syncs, discover_all(syncs))


def test_a_payload_that_inflates_past_the_cap_is_corrupt_not_read() -> None:
    """A zlib bomb planted in the cache (with a checksum recomputed to match) is refused after
    inflating at most the cap, never held whole in memory."""
    import zlib

    from scanner.discover.cache import MAX_PAYLOAD_BYTES, decode_payload, encode_payload
    from scanner.discover.codecs import CorruptEntryError

    bomb = zlib.compress(b"[" + b" " * MAX_PAYLOAD_BYTES + b"]", 9)
    assert len(bomb) < MAX_PAYLOAD_BYTES // 500
    with pytest.raises(CorruptEntryError, match="inflates past"):
        decode_payload(bomb)
    assert decode_payload(encode_payload({"asset": None, "issues": []})) == {
        "asset": None,
        "issues": [],
    }
