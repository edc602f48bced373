"""Links out of a repository: symlinks to files outside it, into another repository's
checkout, in loops; submodules. The scanner reads git's objects, never the working tree, so
nothing outside a repository is ever read: these tests prove it end to end, on every byte the
scan writes or prints. (tests/test_discover.py covers the resolver's own rules.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitrepo import git, make_repo
from tests.hazards.harness import Run, scan, skill

OUTSIDE = "OUTSIDE-THE-REPOSITORY-7f3a9c"
NEIGHBOUR = "NEIGHBOUR-REPOSITORY-PRIVATE-51d2e8"
SUBMODULE = "SUBMODULE-CONTENT-0b44f1"


@pytest.fixture(scope="module")
def run(module_env: Path) -> Run:
    outside = module_env / "outside"
    outside.mkdir()
    (outside / "SKILL.md").write_text(skill("outside", f"{OUTSIDE} description"), "utf-8")
    (outside / "notes.md").write_text(f"# {OUTSIDE}\n", encoding="utf-8")

    neighbour = make_repo(
        module_env / "remotes" / "neighbour",
        {"README.md": f"{NEIGHBOUR}\n", "skills/n/SKILL.md": skill("n")},
    )
    inner = make_repo(
        module_env / "remotes" / "inner", {"skills/sub/SKILL.md": skill("sub", SUBMODULE)}
    )

    repo = make_repo(module_env / "remotes" / "links", {"skills/real/SKILL.md": skill("real")})
    work = module_env / "work"
    repo.symlink("skills/absolute/SKILL.md", str(outside / "SKILL.md"))
    repo.symlink("skills/climb/SKILL.md", "../../../../../../../../outside/SKILL.md")
    repo.symlink("docs/CLAUDE.md", str(outside / "notes.md"))
    repo.symlink("skills/dir-out", str(outside))  # a folder outside: its files are not tracked
    # Into the checkout of another repository of the same scan, where sync puts it.
    repo.symlink("skills/steal/SKILL.md", "../../../neighbour/README.md")
    repo.symlink("skills/steal-abs/SKILL.md", str(work / "repos/neighbour/README.md"))
    repo.symlink("skills/loop-a/SKILL.md", "../loop-b/SKILL.md")
    repo.symlink("skills/loop-b/SKILL.md", "../loop-a/SKILL.md")
    repo.symlink("skills/self/SKILL.md", "SKILL.md")
    repo.symlink("skills/alias/SKILL.md", "../real/SKILL.md")
    repo.commit("links")
    # A submodule whose URL would run a command if anything ever fetched it, and a second one
    # pointing at a real repository: neither is fetched.
    marker = module_env / "pwned-by-submodule"
    (repo.path / ".gitmodules").write_text(
        '[submodule "evil"]\n\tpath = vendor/evil\n'
        f"\turl = ext::sh -c touch% {marker}\n"
        '[submodule "inner"]\n\tpath = vendor/inner\n'
        f"\turl = {inner.url}\n",
        encoding="utf-8",
    )
    for path in ("vendor/evil", "vendor/inner"):
        (repo.path / path).mkdir(parents=True)  # an unpopulated submodule: `add -A` keeps it
        git(repo.path, "update-index", "--add", "--cacheinfo", f"160000,{inner.head()},{path}")
    repo.commit("submodules")
    return scan(module_env, {"links": repo.url, "neighbour": neighbour.url}, work=work)


def test_the_scan_succeeds(run: Run) -> None:
    assert run.code == 0, run.stderr
    assert run.source("links")["status"] == "ok"
    assert run.source("neighbour")["status"] == "ok"


@pytest.mark.parametrize(
    "path",
    [
        "skills/absolute/SKILL.md",
        "skills/climb/SKILL.md",
        "docs/CLAUDE.md",
        "skills/steal/SKILL.md",
        "skills/steal-abs/SKILL.md",
    ],
)
def test_symlinks_out_of_the_repository_are_not_followed(run: Run, path: str) -> None:
    assert run.codes(path, "links") == {"symlink-outside-repository"}
    assert f"links::{path}" not in run.assets


def test_nothing_outside_the_repository_reaches_any_output(run: Run) -> None:
    everything = run.everything()
    assert OUTSIDE not in everything
    assert NEIGHBOUR not in everything  # the neighbour's README is no asset of either repo
    assert SUBMODULE not in everything


def test_symlink_loops(run: Run) -> None:
    assert run.codes("skills/loop-a/SKILL.md", "links") == {"symlink-loop"}
    assert run.codes("skills/loop-b/SKILL.md", "links") == {"symlink-loop"}
    assert run.codes("skills/self/SKILL.md", "links") == {"symlink-loop"}


def test_a_symlink_inside_the_repository_is_an_alias(run: Run) -> None:
    alias = run.asset("links", "skills/alias/SKILL.md")
    assert alias["symlink_target"] == "skills/real/SKILL.md"
    assert alias["name"] == "real"


def test_submodules_are_recorded_never_fetched(run: Run, module_env: Path) -> None:
    for path in ("vendor/evil", "vendor/inner"):
        assert run.codes(path, "links") == {"submodule-not-entered"}
    assert not (module_env / "pwned-by-submodule").exists()
    clone = run.work / "repos" / "links"  # bare: no working tree, no submodule clones
    assert not (clone / "vendor").exists()
    assert not (clone / "modules").exists()
    assert not any(a["repo"] == "links" and "vendor/" in a["path"] for a in run.assets.values())
