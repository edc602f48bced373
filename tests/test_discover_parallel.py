"""Parsing in a process pool gives exactly what parsing in-process gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.catalog import build_catalog
from scanner.discover import Discovery, discover_all, orchestrate, plan, pool
from scanner.discover.cache import ExtractionCache
from scanner.git.store import sync_sources
from scanner.models import SourceSpec, SyncResult
from scanner.render import catalog_files
from tests.gitrepo import GitRepo


def repo_files(tag: str, count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "CLAUDE.md": f"# {tag} guidance\n\nRead `docs/setup.md` first.\n",
        ".mcp.json": '{"mcpServers": {"db": {"command": "npx", "args": ["db-server"]}}}',
        "assets/blob.py": b"\x00binary\x00",
        "docs/setup.md": "# Setup\n",
    }
    for i in range(count):
        files[f"skills/s{i}/SKILL.md"] = (
            f"---\nname: s{i}\ndescription: Skill {i} of {tag}.\n---\n# Skill {i}\n\n"
            f"Uses [the guide](references/guide.md) and `scripts/run{i}.py`.\n"
        )
        files[f"skills/s{i}/references/guide.md"] = f"# Guide {i}\n\n[back](../SKILL.md)\n"
        files[f"agents/a{i}.md"] = (
            f"---\nname: a{i}\ndescription: Agent {i}.\nskills: [s{i}]\n---\nBody {i}.\n"
        )
        files[f"src/service{i}.py"] = (
            f"from fastapi import FastAPI\nimport anthropic\n\napp = FastAPI()\n# {tag} {i}\n"
        )
        files[f"web/server{i}.ts"] = (
            "import express from 'express';\nconst app = express();\napp.listen(3000);\n"
        )
    files["skills/bad/SKILL.md"] = "---\nname: [unclosed\n---\n# Bad\n"
    return files


def sync(repos: list[GitRepo], workdir: Path) -> list[SyncResult]:
    specs = [SourceSpec(name=r.path.name, url=r.url) for r in repos]
    results = list(sync_sources(specs, workdir, timeout=60, jobs=2))
    assert all(r.ok for r in results)
    return results


def output(syncs: list[SyncResult], found: Discovery) -> dict[str, str]:
    return catalog_files(build_catalog(syncs, found))


@pytest.fixture
def two_repos(repo_factory: Callable[..., GitRepo], tmp_path: Path) -> list[SyncResult]:
    repos = [repo_factory("one", repo_files("one", 12)), repo_factory("two", repo_files("two", 9))]
    symlinked = repos[1]
    symlinked.symlink("linked/SKILL.md", "../skills/s1/SKILL.md")
    symlinked.commit("a symlinked skill")
    return sync(repos, tmp_path / "work")


def test_parallel_and_serial_runs_are_identical(
    two_repos: list[SyncResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    real_executor = pool.Workers._executor

    def counting_executor(self: pool.Workers) -> object:
        started.append(self.jobs)
        return real_executor(self)

    monkeypatch.setattr(pool.Workers, "_executor", counting_executor)
    monkeypatch.setattr(plan, "CHUNK_FILES", 7)  # many chunks, across both repositories
    monkeypatch.setattr(orchestrate, "PARALLEL_MIN_FILES", 1)

    serial = discover_all(two_repos, jobs=1)
    assert started == []
    parallel = discover_all(two_repos, jobs=2)
    assert started == [2]
    assert output(two_repos, parallel) == output(two_repos, serial)
    assert parallel.stats() == serial.stats()
    assert [r.files_parsed for r in parallel.repos] == [r.files_parsed for r in serial.repos]

    # With the cache: a parallel cold scan fills it, a serial warm scan reads it back.
    with ExtractionCache(tmp_path / "cache") as cache:
        cold = discover_all(two_repos, jobs=2, cache=cache)
    with ExtractionCache(tmp_path / "cache") as cache:
        warm = discover_all(two_repos, jobs=1, cache=cache)
    assert output(two_repos, cold) == output(two_repos, warm) == output(two_repos, serial)
    assert warm.stats()["files_parsed"] == 0
    assert warm.stats()["repos_reused"] == 2


def test_small_scans_stay_in_process(
    two_repos: list[SyncResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(self: pool.Workers) -> object:
        raise AssertionError("a pool was started for a small scan")

    monkeypatch.setattr(pool.Workers, "_executor", no_pool)
    found = discover_all(two_repos, jobs=4)
    assert found.stats()["files_parsed"] < orchestrate.PARALLEL_MIN_FILES
