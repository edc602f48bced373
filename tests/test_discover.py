"""Discovery over real git checkouts: resolver robustness and handler dispatch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scanner.discover import RepoDiscovery, discover_repo
from scanner.git.store import sync_sources
from scanner.models import AssetKind, SourceSpec, SyncResult
from tests.gitrepo import GitRepo, git

SKILL = "---\nname: {name}\ndescription: Does {name} things.\n---\n# {name}\n"


def synced(repo: GitRepo, tmp_path: Path, **spec: tuple[str, ...]) -> SyncResult:
    name = repo.path.name
    (result,) = sync_sources(
        [SourceSpec(name=name, url=repo.url, **spec)],
        tmp_path / "work",
        timeout=60,
        jobs=1,
    )
    assert result.ok, result.reason
    return result


def discover(repo: GitRepo, tmp_path: Path, **spec: tuple[str, ...]) -> RepoDiscovery:
    return discover_repo(synced(repo, tmp_path, **spec))


def by_path(found: RepoDiscovery) -> dict[str, AssetKind]:
    return {a.path: a.kind for a in found.assets}


def issue_codes(found: RepoDiscovery) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for issue in found.issues:
        out.setdefault(issue.path, set()).add(issue.code)
    return out


def test_dispatch_and_false_positives(repo_factory: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = repo_factory(
        "mixed",
        {
            "skills/alpha/SKILL.md": SKILL.format(name="alpha"),
            "skills/alpha/references/deep.md": "# Deep dive\n",
            "plugins/p/agents/helper.md": "---\nname: helper\ndescription: Helps.\n---\nHi\n",
            "plugins/p/agents/README.md": "# About these agents\n",
            "tools/agents/runner.py": "import os\n",
            "tools/agents/notes.md": "# Notes, no front matter\n",
            "docs/guide.md": "# Not an asset\n",
            ".gitignore": "ignored/\n",
        },
    )
    # An untracked file and an ignored one never count.
    (repo.path / "untracked").mkdir()
    (repo.path / "untracked" / "SKILL.md").write_text(SKILL.format(name="untracked"))
    found = discover(repo, tmp_path)
    assert by_path(found) == {
        "skills/alpha/SKILL.md": AssetKind.SKILL,
        "skills/alpha/references/deep.md": AssetKind.REFERENCE,
        "plugins/p/agents/helper.md": AssetKind.AGENT,
    }
    assert all(a.found_by for a in found.assets)
    skill = next(a for a in found.assets if a.kind is AssetKind.SKILL)
    assert skill.id == "mixed::skills/alpha/SKILL.md"
    assert skill.blob_sha == git(repo.path, "rev-parse", "HEAD:skills/alpha/SKILL.md")
    assert skill.size == len(SKILL.format(name="alpha").encode())


def test_include_and_exclude_patterns(repo_factory: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = repo_factory(
        "filtered",
        {
            "plugins/a/skills/one/SKILL.md": SKILL.format(name="one"),
            "plugins/b/skills/two/SKILL.md": SKILL.format(name="two"),
            "other/skills/three/SKILL.md": SKILL.format(name="three"),
        },
    )
    found = discover(repo, tmp_path, include=("plugins/**",), exclude=("plugins/b/**",))
    assert set(by_path(found)) == {"plugins/a/skills/one/SKILL.md"}


def test_encodings_binary_and_size_cap(
    repo_factory: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = repo_factory(
        "encodings",
        {
            "skills/bom/SKILL.md": b"\xef\xbb\xbf" + SKILL.format(name="bom").encode(),
            "skills/crlf/SKILL.md": SKILL.format(name="crlf").replace("\n", "\r\n"),
            "skills/wide/SKILL.md": b"\xff\xfe" + SKILL.format(name="wide").encode("utf-16-le"),
            "skills/binary/SKILL.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "skills/latin/SKILL.md": "---\nname: latin\ndescription: caf\xe9\n---\n".encode(
                "latin-1"
            ),
            "skills/huge/SKILL.md": SKILL.format(name="huge") + "x" * (3 * 1024 * 1024),
        },
    )
    found = discover(repo, tmp_path)
    assets = {a.path: a for a in found.assets}
    for name in ("bom", "crlf", "wide"):
        asset = assets[f"skills/{name}/SKILL.md"]
        assert asset.name == name
        assert asset.title == name
        assert asset.description == f"Does {name} things."
    codes = issue_codes(found)
    assert codes["skills/binary/SKILL.md"] == {"not-text"}
    assert codes["skills/latin/SKILL.md"] == {"not-text"}
    assert codes["skills/huge/SKILL.md"] == {"file-too-large"}
    assert "skills/binary/SKILL.md" not in assets


def test_symlinks_and_submodules(repo_factory: Callable[..., GitRepo], tmp_path: Path) -> None:
    secret = tmp_path / "outside-secret.md"
    secret.write_text("TOP-SECRET-CONTENT\n")
    repo = repo_factory("links", {"skills/real/SKILL.md": SKILL.format(name="real")})
    repo.symlink("skills/alias/SKILL.md", "../real/SKILL.md")
    repo.symlink("skills/escape/SKILL.md", str(secret))
    repo.symlink("skills/climb/SKILL.md", "../../../outside-secret.md")
    repo.symlink("skills/loop-a/SKILL.md", "../loop-b/SKILL.md")
    repo.symlink("skills/loop-b/SKILL.md", "../loop-a/SKILL.md")
    repo.symlink("skills/dangling/SKILL.md", "../nowhere/SKILL.md")
    repo.commit("links")
    found = discover(repo, tmp_path)
    assets = {a.path: a for a in found.assets}
    alias = assets["skills/alias/SKILL.md"]
    assert alias.symlink_target == "skills/real/SKILL.md"
    assert alias.name == "real"
    codes = issue_codes(found)
    assert codes["skills/escape/SKILL.md"] == {"symlink-outside-repository"}
    assert codes["skills/climb/SKILL.md"] == {"symlink-outside-repository"}
    assert codes["skills/loop-a/SKILL.md"] == {"symlink-loop"}
    assert codes["skills/dangling/SKILL.md"] == {"symlink-dangling"}
    for path in ("skills/escape/SKILL.md", "skills/climb/SKILL.md", "skills/loop-a/SKILL.md"):
        assert path not in assets
    everything = repr([a.to_json() for a in found.assets]) + repr(
        [i.to_json() for i in found.issues]
    )
    assert "TOP-SECRET-CONTENT" not in everything


def test_submodule_is_recorded_not_entered(
    repo_factory: Callable[..., GitRepo], tmp_path: Path
) -> None:
    sub = repo_factory("inner", {"skills/x/SKILL.md": SKILL.format(name="x")})
    repo = repo_factory("outer", {"README.md": "outer\n"})
    git(repo.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.url, "skills")
    repo.commit("submodule")
    found = discover(repo, tmp_path)
    assert found.assets == ()
    assert issue_codes(found) == {"skills": {"submodule-not-entered"}}
    assert found.files_listed == 3  # README.md, .gitmodules and the gitlink
