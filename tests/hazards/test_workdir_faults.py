"""Damage a killed or broken run leaves in the work directory: cache entries corrupt or cut
short, a cache database that is not one, half-finished clones, a broken clone, a stale lock.
Each is detected and repaired, and the scan writes exactly what it would have written anyway."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from scanner.discover.cache import DATABASE_NAME, _checksum, encode_payload
from scanner.discover.freshness import STATE_FILE
from tests.gitrepo import GitRepo, git, make_repo
from tests.hazards.harness import run_cli, scan, skill, snapshot, write_manifest


@dataclass(frozen=True)
class Steady:
    """A repository scanned twice: the output no longer changes, and the cache is full."""

    repos: dict[str, str]
    out: Path
    work: Path
    output: dict[str, bytes]


@pytest.fixture(scope="module")
def steady(module_env: Path) -> Steady:
    repo = make_repo(
        module_env / "remotes" / "alpha",
        {
            "skills/one/SKILL.md": skill("one"),
            "skills/one/references/api.md": "# API notes\n\nSee [the skill](../SKILL.md).\n",
            "agents/helper.md": "---\nname: helper\ndescription: Helps with APIs.\n---\n# H\n",
            "server/app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            ".mcp.json": '{"mcpServers": {"s": {"command": "uvx", "args": ["s"]}}}',
        },
    )
    repos = {"alpha": repo.url}
    for _ in range(2):
        run = scan(module_env, repos)
        assert run.code == 0, run.stderr
    return Steady(repos, run.out, run.work, snapshot(run.out))


def database(work: Path) -> Path:
    return work / "cache" / DATABASE_NAME


def rewrite_payloads(work: Path, change: Callable[[bytes], bytes], *, checksum: bool) -> int:
    """Change every cache entry's payload; with `checksum`, store a matching checksum too (a
    payload that is sound bytes with the wrong content: only the schema check can catch it)."""
    with sqlite3.connect(database(work)) as db:
        rows = db.execute("SELECT key, payload FROM entries").fetchall()
        for key, payload in rows:
            damaged = change(payload)
            digest = _checksum(damaged) if checksum else None
            db.execute(
                "UPDATE entries SET payload = ?, checksum = COALESCE(?, checksum) WHERE key = ?",
                (damaged, digest, key),
            )
    return len(rows)


def flip_a_byte(work: Path) -> None:
    assert rewrite_payloads(work, lambda p: p[:-1] + bytes([p[-1] ^ 0xFF]), checksum=False)


def cut_entries_short(work: Path) -> None:
    assert rewrite_payloads(work, lambda p: p[: len(p) // 2], checksum=False)


def wrong_shape(work: Path) -> None:
    junk = encode_payload({"assets": "not a list", "repo": 7, "children": [None]})
    assert rewrite_payloads(work, lambda _: junk, checksum=True)


def truncate_database(work: Path) -> None:
    path = database(work)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def garbage_database(work: Path) -> None:
    path = database(work)
    path.write_bytes(os.urandom(path.stat().st_size))


def cache_folder_is_a_file(work: Path) -> None:
    shutil.rmtree(work / "cache")
    (work / "cache").write_text("not a folder\n", encoding="utf-8")


def half_finished_clone(work: Path) -> None:
    leftover = work / "repos" / ".tmp-alpha-k1ll3d"
    leftover.mkdir(parents=True)
    git(leftover, "init", "-q")
    (leftover / ".git" / "objects" / "pack" / "tmp_pack_x").write_bytes(b"PACK\x00\x00")
    (leftover / "half-written.md").write_text("# half\n", encoding="utf-8")


def broken_clone(work: Path) -> None:
    (work / "repos" / "alpha" / "HEAD").write_text("garbage\n", encoding="utf-8")
    (work / "repos" / "alpha" / "config").write_bytes(b"[[[ not a config")


def stale_lock(work: Path) -> None:
    (work / ".lock").write_text("12345\n", encoding="utf-8")  # flock died with its process


DAMAGE = {
    "entry-bytes-flipped": flip_a_byte,
    "entries-cut-short": cut_entries_short,
    "entries-wrong-shape": wrong_shape,
    "database-truncated": truncate_database,
    "database-garbage": garbage_database,
    "cache-folder-is-a-file": cache_folder_is_a_file,
    "half-finished-clone": half_finished_clone,
    "broken-clone": broken_clone,
    "stale-lock": stale_lock,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_is_repaired_and_changes_no_output_byte(
    tmp_path: Path, steady: Steady, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    shutil.copytree(steady.out, out, symlinks=True)
    shutil.copytree(steady.work, work, symlinks=True)
    DAMAGE[damage](work)
    # Nothing changed upstream, so the no-op fast path would stop before meeting the damage:
    # drop its record, and the scan runs in full through the damaged work directory.
    (work / STATE_FILE).unlink()
    caplog.set_level(logging.INFO, logger="scanner")

    run = scan(tmp_path, steady.repos, out=out, work=work, extra=("--json",))

    assert run.code == 0, run.stderr
    assert snapshot(out) == steady.output  # not one byte differs
    assert '"changed_files": []' in run.stdout
    assert not list((work / "repos").glob(".tmp-*"))
    assert git(work / "repos" / "alpha", "rev-parse", "--is-bare-repository") == "true"
    if damage.startswith(("entr", "database")):
        assert "damaged" in caplog.text or "empty cache" in caplog.text
        with sqlite3.connect(database(work)) as db:  # usable again, and filled again
            (count,) = db.execute("SELECT COUNT(*) FROM entries").fetchone()
        assert count > 0
    if damage == "broken-clone":
        assert "cloning it again" in caplog.text


def test_a_damaged_clone_costs_only_its_repository_offline(
    tmp_path: Path, repo_factory: Callable[..., GitRepo]
) -> None:
    """Found by the hazard suite: `scanner discover` (no network, so no fresh clone to repair
    it) stopped with exit 4 at the first checkout whose index git could not read, and wrote
    nothing for any repository."""
    alpha = repo_factory("alpha", {"skills/a/SKILL.md": skill("a")})
    beta = repo_factory("beta", {"skills/b/SKILL.md": skill("b")})
    repos = {"alpha": alpha.url, "beta": beta.url}
    assert scan(tmp_path, repos).code == 0
    work = tmp_path / "work"
    (work / "repos/alpha/HEAD").write_bytes(b"DIRC and then nothing sensible")
    shutil.rmtree(work / "cache")  # no cached result to hide the damage

    sources = write_manifest(tmp_path / "offline.yaml", repos)
    code, _, err = run_cli(
        [
            "discover",
            "--sources",
            str(sources),
            "--workdir",
            str(work),
            "--output",
            str(tmp_path / "out"),
        ]
    )

    assert code == 3, err
    catalog = json.loads((tmp_path / "out/catalog/catalog.json").read_text(encoding="utf-8"))
    status = {a["id"]: a["status"] for a in catalog["assets"]}
    assert status == {"alpha::skills/a/SKILL.md": "stale", "beta::skills/b/SKILL.md": "active"}
    (source,) = [s for s in catalog["sources"] if s["name"] == "alpha"]
    assert source["status"] == "failed" and "unusable" in source["reason"]
