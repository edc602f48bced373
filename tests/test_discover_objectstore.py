"""Reading sources from the object store: each failure that used to cost a whole repository is
built as a real repository here, and costs at most one ScanIssue; the rest is catalogued."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.discover import discover_all, orchestrate, plan, pool
from scanner.git.store import sync_sources
from scanner.models import SourceSpec
from tests.gitrepo import GitRepo, git
from tests.hazards.harness import Run, scan, skill

RepoFactory = Callable[..., GitRepo]
COMMAND = "---\ndescription: Deploy the service.\n---\nRun the deploy.\n"


def add_entry(repo: GitRepo, mode: str, sha: str, path: str) -> str:
    """Commit an entry the file system could not hold (a 256-byte name, a gitlink) through
    the index alone; returns the new head."""
    git(repo.path, "update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}")
    git(repo.path, "commit", "-q", "-m", f"add {path[:20]}")
    return repo.head()


def hash_blob(repo: GitRepo, data: str) -> str:
    blob = repo.path / ".blob"
    blob.write_text(data, encoding="utf-8")
    sha = git(repo.path, "hash-object", "-w", str(blob))
    blob.unlink()
    return sha


def delete_object(repo: GitRepo, sha: str) -> None:
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def ids(run: Run, repo: str) -> set[str]:
    return {path for (r, path) in (i.split("::", 1) for i in run.assets) if r == repo}


def test_blob_missing_upstream_costs_that_file(repo_factory: RepoFactory, tmp_path: Path) -> None:
    # Like Auto-Claude: the remote (a real file:// remote serving partial clones) lacks blobs
    # of its own head commit: here one candidate (a skill) and one file nobody reads (a PNG).
    repo = repo_factory(
        "alpha",
        {
            "CLAUDE.md": "# Project memory\n\nUse the deploy command.\n",
            ".claude/commands/deploy.md": COMMAND,
            "skills/lost/SKILL.md": skill("lost"),
            "skills/kept/SKILL.md": skill("kept"),
            "docs/shot.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        },
    )
    for path in ("skills/lost/SKILL.md", "docs/shot.png"):
        delete_object(repo, git(repo.path, "rev-parse", f"HEAD:{path}"))

    run = scan(tmp_path, {"alpha": repo.url})

    assert run.code == 0, run.stderr
    assert run.source("alpha")["status"] == "ok"
    assert ids(run, "alpha") == {
        "CLAUDE.md",
        ".claude/commands/deploy.md",
        "skills/kept/SKILL.md",
    }
    (issue,) = [i for i in run.issues(repo="alpha") if i["severity"] == "error"]
    assert (issue["path"], issue["code"]) == ("skills/lost/SKILL.md", "blob-unavailable")
    assert "cannot be fetched from the origin" in issue["message"]
    assert run.issues("docs/shot.png") == []  # not a candidate: never asked for


def test_names_no_file_system_takes_cost_nothing(repo_factory: RepoFactory, tmp_path: Path) -> None:
    repo = repo_factory("alpha", {"skills/kept/SKILL.md": skill("kept")})
    long_name = ".claude/commands/" + "d" * 253 + ".md"  # the file name alone is 256 bytes
    assert len(long_name.rsplit("/", 1)[1].encode()) == 256
    add_entry(repo, "100644", hash_blob(repo, COMMAND), long_name)

    run = scan(tmp_path, {"alpha": repo.url})

    assert run.code == 0, run.stderr
    assert ids(run, "alpha") == {"skills/kept/SKILL.md", long_name}
    assert [i for i in run.issues(repo="alpha") if i["severity"] == "error"] == []


def test_gitmodules_update_command_never_runs(repo_factory: RepoFactory, tmp_path: Path) -> None:
    marker = tmp_path / "pwned-by-update"
    repo = repo_factory(
        "alpha",
        {
            "skills/kept/SKILL.md": skill("kept"),
            ".gitmodules": (
                '[submodule "vendor/tool"]\n\tpath = vendor/tool\n'
                f"\turl = {tmp_path / 'nowhere'}\n\tupdate = !touch {marker}\n"
            ),
        },
    )
    add_entry(repo, "160000", "1" * 40, "vendor/tool")

    run = scan(tmp_path, {"alpha": repo.url})

    assert run.code == 0, run.stderr
    assert not marker.exists()
    assert ids(run, "alpha") == {"skills/kept/SKILL.md"}
    assert run.codes("vendor/tool", "alpha") == {"submodule-not-entered"}


def test_a_filter_driver_configured_globally_never_runs(
    repo_factory: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = repo_factory(
        "alpha",
        {
            ".gitattributes": "* filter=evil\n*.md diff=evil\n",
            "skills/kept/SKILL.md": skill("kept"),
            ".claude/commands/deploy.md": COMMAND,
        },
    )
    # Configured after the commit: the test repository itself must not run it either.
    marker = tmp_path / "filter-ran"
    gitconfig = tmp_path / "gitconfig-with-filter"
    gitconfig.write_text(
        '[protocol "file"]\n\tallow = always\n'
        f'[filter "evil"]\n\tsmudge = "touch {marker}; cat"\n\tclean = "touch {marker}; cat"\n'
        f'\tprocess = "touch {marker}"\n\trequired = true\n'
        f'[diff "evil"]\n\ttextconv = "touch {marker}; cat"\n',
        encoding="utf-8",
    )
    plain = os.environ["GIT_CONFIG_GLOBAL"]  # for the test's own commits

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    first = scan(tmp_path, {"alpha": repo.url})
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", plain)
    repo.move(".claude/commands/deploy.md", ".claude/commands/ship.md")
    repo.commit("rename")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    second = scan(tmp_path, {"alpha": repo.url})  # an update, and rename detection

    assert (first.code, second.code) == (0, 0), second.stderr
    assert not marker.exists()
    assert ids(second, "alpha") == {"skills/kept/SKILL.md", ".claude/commands/ship.md"}


def test_deleted_objects_in_the_cached_clone(repo_factory: RepoFactory, tmp_path: Path) -> None:
    repo = repo_factory(
        "alpha",
        {"skills/kept/SKILL.md": skill("kept"), ".claude/commands/deploy.md": COMMAND},
    )
    first = scan(tmp_path, {"alpha": repo.url})
    clone = first.work / "repos" / "alpha"
    shutil.rmtree(clone / "objects")
    (clone / "objects" / "pack").mkdir(parents=True)
    (clone / "objects" / "info").mkdir()
    shutil.rmtree(first.work / "cache")  # nothing cached: every blob must be read again
    repo.write({"skills/new/SKILL.md": skill("new")})
    repo.commit("new skill")

    run = scan(tmp_path, {"alpha": repo.url})

    assert run.code == 0, run.stderr
    assert ids(run, "alpha") == {
        "skills/kept/SKILL.md",
        "skills/new/SKILL.md",
        ".claude/commands/deploy.md",
    }
    assert [i for i in run.issues(repo="alpha") if i["severity"] == "error"] == []


def test_a_killed_worker_costs_the_file_that_killed_it(
    repo_factory: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: dict[str, str | bytes] = {
        f"skills/s{n:02}/SKILL.md": skill(f"s{n:02}", body=f"Body {n}.\n") for n in range(30)
    }
    repo = repo_factory("alpha", files)
    (synced,) = sync_sources(
        [SourceSpec(name="alpha", url=repo.url)], tmp_path / "work", timeout=60, jobs=1
    )
    serial = discover_all([synced], jobs=1)
    killer = git(repo.path, "rev-parse", "HEAD:skills/s17/SKILL.md")
    monkeypatch.setattr(orchestrate, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(plan, "CHUNK_FILES", 4)
    # Read by pool workers only (scanner/discover/pool.py): the worker that meets this blob
    # exits at once, as a parser crashing the interpreter would.
    monkeypatch.setenv(pool.CRASH_ENV, killer)

    found = discover_all([synced], jobs=2)

    (issue,) = [i for i in found.issues if i.severity.value == "error"]
    assert (issue.path, issue.code) == ("skills/s17/SKILL.md", "parser-crashed")
    expected = {a.id for a in serial.assets} - {"alpha::skills/s17/SKILL.md"}
    assert {a.id for a in found.assets} == expected
    survivors = [a for a in serial.assets if a.id in expected]
    assert [a.to_json() for a in found.assets] == [a.to_json() for a in survivors]


def test_a_pool_that_broke_before_the_next_submit_is_replaced() -> None:
    # The state a worker's death between two waits leaves: the pool is broken and refuses the
    # next chunk before anyone has collected a failure. Made certain here by breaking it first.
    workers = pool.Workers(2)
    broken = workers._executor()
    with pytest.raises(pool.BrokenProcessPool):
        broken.submit(os._exit, 3).result()
    text = "---\nname: s\ndescription: A skill.\n---\n# S\n"
    chunks = [
        pool.Chunk(
            index=0,
            repo="alpha",
            repo_paths=frozenset(),
            paths_hash="",
            version="test",
            caching=False,
            jobs=(
                pool.FileJob(
                    path=f"skills/s{n}/SKILL.md",
                    handler_ids=("skill",),
                    content_sha=f"{n:040x}",
                    size=len(text),
                    text=text,
                    symlink_target="",
                    parses=pool.CachedParses(),
                    result_key="",
                ),
            ),
        )
        for n in range(5)
    ]
    try:
        results = list(workers.run(chunks, parallel=True))
    finally:
        workers.close()
    paths = sorted(o.path for _, outcomes in results for o in outcomes)
    assert paths == sorted(f"skills/s{n}/SKILL.md" for n in range(5))
    parsed = [o.result for _, outcomes in results for o in outcomes]
    assert all(r is not None and r.asset is not None and r.asset.name == "s" for r in parsed)
