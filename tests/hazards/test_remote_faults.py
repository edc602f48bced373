"""Faults of the source repositories between two scans: gone, history rewritten, default
branch renamed, a server that never answers. The affected repository is reported and keeps
its previous assets (stale); the others are scanned as usual."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.gitrepo import GitRepo, git
from tests.hazards.harness import scan, skill

RepoFactory = Callable[..., GitRepo]


@contextmanager
def silent_server(limit: float = 30.0) -> Iterator[int]:
    """A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte. It
    stops by itself after `limit` seconds, or when the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        held: list[socket.socket] = []
        deadline = time.monotonic() + limit
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                held.append(connection)  # keep it open, say nothing
        finally:
            for connection in held:
                connection.close()
            listener.close()

    thread = threading.Thread(target=serve, name="silent-server", daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)


def test_a_repository_unreachable_since_the_last_scan(
    tmp_path: Path, repo_factory: RepoFactory
) -> None:
    alpha = repo_factory("alpha", {"skills/a/SKILL.md": skill("a")})
    beta = repo_factory("beta", {"skills/b/SKILL.md": skill("b")})
    repos = {"alpha": alpha.url, "beta": beta.url}
    first = scan(tmp_path, repos)
    assert first.code == 0, first.stderr
    beta.write({"skills/b2/SKILL.md": skill("b2")})
    beta.commit("more")
    alpha.path.rename(tmp_path / "alpha-moved-away")

    second = scan(tmp_path, repos)

    assert second.code == 3, second.stderr
    source = second.source("alpha")
    assert source["status"] == "failed"
    assert "previous checkout is kept" in source["reason"]
    assert source["commit"] == first.source("alpha")["commit"]  # the commit last scanned
    kept = second.asset("alpha", "skills/a/SKILL.md")
    assert kept["status"] == "stale"
    assert {"sync-failed", "repository-stale"} <= {i["code"] for i in second.issues(repo="alpha")}
    assert "beta::skills/b2/SKILL.md" in second.assets  # the other repository went on
    report = json.loads((second.out / "reports/scan-diff.json").read_text(encoding="utf-8"))
    assert report["counts"]["removed"] == 0  # a failed clone never reads as deleted


def test_history_force_pushed_away(tmp_path: Path, repo_factory: RepoFactory) -> None:
    repo = repo_factory(
        "rewritten",
        {"skills/keep/SKILL.md": skill("keep"), "skills/old-place/SKILL.md": skill("moved")},
    )
    first = scan(tmp_path, {"rewritten": repo.url})
    assert first.code == 0, first.stderr
    baseline_commit = first.source("rewritten")["commit"]
    # Rewrite history: a new root commit, the old one unreachable upstream.
    git(repo.path, "checkout", "-q", "--orphan", "rewrite")
    repo.move("skills/old-place/SKILL.md", "skills/new-place/SKILL.md")
    repo.write({"skills/fresh/SKILL.md": skill("fresh")})
    repo.commit("rewritten history", date="2026-02-01T00:00:00+00:00")
    git(repo.path, "branch", "-M", "main")
    git(repo.path, "reflog", "expire", "--expire=now", "--all")
    git(repo.path, "gc", "-q", "--prune=now")  # the old commit no longer exists upstream

    # A fresh work directory (the nightly CI has no other): the baseline commit is nowhere.
    second = scan(tmp_path, {"rewritten": repo.url}, work=tmp_path / "fresh-work")

    assert second.code == 0, second.stderr
    assert second.source("rewritten")["commit"] != baseline_commit
    report = json.loads((second.out / "reports/scan-diff.json").read_text(encoding="utf-8"))
    (entry,) = report["repositories"]
    assert entry["rename_detection"] == "content-only"
    moved = [(m["from"]["path"], m["to"]["path"]) for m in report["moved"]]
    assert moved == [("skills/old-place/SKILL.md", "skills/new-place/SKILL.md")]
    assert [a["path"] for a in report["new"]] == ["skills/fresh/SKILL.md"]
    assert "History unavailable" in (second.out / "reports/scan-diff.md").read_text("utf-8")


def test_default_branch_renamed(tmp_path: Path, repo_factory: RepoFactory) -> None:
    follows = repo_factory("follows", {"skills/f/SKILL.md": skill("f")})
    pinned = repo_factory("pinned", {"skills/p/SKILL.md": skill("p")})
    repos = {"follows": follows.url, "pinned": {"url": pinned.url, "ref": "main"}}
    assert scan(tmp_path, repos).code == 0
    for repo in (follows, pinned):
        git(repo.path, "branch", "-m", "main", "trunk")  # HEAD follows the rename
        repo.write({"skills/new/SKILL.md": skill("new")})
        repo.commit("on trunk")

    second = scan(tmp_path, repos)

    assert second.code == 3, second.stderr
    # No ref in the manifest: the remote's default branch, whatever its name now.
    assert second.source("follows")["status"] == "ok"
    assert second.source("follows")["commit"] == follows.head()
    assert "follows::skills/new/SKILL.md" in second.assets
    # A pinned branch that no longer exists: reported with the fix, assets kept as stale.
    pinned_source = second.source("pinned")
    assert pinned_source["status"] == "failed"
    assert "has no ref 'main'" in pinned_source["reason"]
    assert "fix `ref` in the manifest" in pinned_source["reason"]
    assert second.asset("pinned", "skills/p/SKILL.md")["status"] == "stale"


def test_a_server_that_never_answers_times_out_alone(
    tmp_path: Path, repo_factory: RepoFactory
) -> None:
    good = repo_factory("good", {"skills/g/SKILL.md": skill("g")})
    with silent_server(limit=30) as port:
        started = time.monotonic()
        run = scan(
            tmp_path,
            {"good": good.url, "silent": f"http://127.0.0.1:{port}/repo.git"},
            timeout=3,
        )
        seconds = time.monotonic() - started
    assert run.code == 3, run.stderr
    silent = run.source("silent")
    assert silent["status"] == "failed"
    assert "timed out after 3s" in silent["reason"]
    assert run.source("good")["status"] == "ok"
    assert "good::skills/g/SKILL.md" in run.assets
    assert seconds < 15  # 3 s for the silent one, in parallel with the rest
    assert not list((run.work / "repos").glob(".tmp-*"))  # its half-made clone is gone
