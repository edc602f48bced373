"""The offline demo: the example repositories build reproducibly and clone through the
gitconfig that scripts/demo.py writes (real git, no mocks)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_PATH = ROOT / "scripts" / "demo.py"
EXAMPLES = ROOT / "examples"
NAMES = ("acme-agents", "acme-harness", "acme-web")
DEBRIS = {"__pycache__", ".DS_Store"}


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proagent_demo_script", DEMO_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo() -> ModuleType:
    return _load_demo()


@pytest.fixture
def built(demo: ModuleType, tmp_path: Path) -> Any:
    return demo.build(tmp_path / "workdir")


def _git(*args: str, cwd: Path | None = None, gitconfig: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(gitconfig) if gitconfig else os.devnull,
        GIT_TERMINAL_PROMPT="0",
    )
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _files_on_disk(folder: Path) -> set[str]:
    found: set[str] = set()
    for current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in DEBRIS]
        base = Path(current).relative_to(folder)
        found.update((base / n).as_posix() for n in names if n not in DEBRIS)
    return found


def test_manifest_lists_the_three_example_folders(demo: ModuleType) -> None:
    sources = demo.load_sources(EXAMPLES / "sources.yaml")
    assert tuple(s.name for s in sources) == NAMES
    for source in sources:
        assert source.url == f"https://git.example.invalid/acme/{source.name}.git"
        assert (EXAMPLES / source.name).is_dir()


def test_commits_are_identical_when_built_twice(demo: ModuleType, tmp_path: Path) -> None:
    first = demo.build(tmp_path / "one")
    second = demo.build(tmp_path / "two")
    rebuilt = demo.build(tmp_path / "one")  # deletes and recreates in place
    commits = {r.name: r.commit for r in first.remotes}
    assert set(commits) == set(NAMES)
    assert all(len(sha) == 40 for sha in commits.values())
    assert {r.name: r.commit for r in second.remotes} == commits
    assert {r.name: r.commit for r in rebuilt.remotes} == commits


def test_user_git_config_and_umask_do_not_change_the_commits(
    demo: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = {r.name: r.commit for r in demo.build(tmp_path / "clean").remotes}
    hostile = tmp_path / "hostile-gitconfig"
    hostile.write_text(
        "[user]\n\tname = Someone Else\n\temail = else@example.invalid\n"
        "[core]\n\tautocrlf = true\n\tfileMode = true\n"
        "[init]\n\tdefaultBranch = trunk\n[commit]\n\tgpgSign = true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(hostile))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Someone Else")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2001-01-01T00:00:00+00:00")
    previous = os.umask(0o077)
    try:
        remotes = demo.build(tmp_path / "hostile").remotes
    finally:
        os.umask(previous)
    assert {r.name: r.commit for r in remotes} == reference


def test_every_example_file_is_tracked_with_a_fixed_mode(built: Any) -> None:
    for remote in built.remotes:
        listing = _git("ls-tree", "-r", "HEAD", cwd=remote.path).splitlines()
        modes = {line.split("\t", 1)[1]: line.split()[0] for line in listing}
        assert set(modes) == _files_on_disk(EXAMPLES / remote.name), remote.name
        for path, mode in modes.items():
            assert mode == ("100755" if path.endswith(".sh") else "100644"), path
        assert _git("status", "--porcelain", cwd=remote.path) == ""


def test_commit_identity_and_date_are_fixed(built: Any) -> None:
    for remote in built.remotes:
        line = _git("log", "-1", "--format=%an|%ae|%aI|%cn|%ce|%cI", cwd=remote.path)
        name, email, authored, cname, cemail, committed = line.split("|")
        assert (name, email) == (cname, cemail) == ("ProAgent Demo", "demo@example.invalid")
        assert authored == committed == "2026-02-19T12:00:00+00:00"


def test_gitconfig_maps_each_url_to_its_remote(built: Any) -> None:
    config = built.gitconfig
    pairs = _git("config", "--file", str(config), "--get-regexp", r"^url\..*\.insteadof$")
    mapped: dict[str, str] = {}
    for line in pairs.splitlines():
        key, url = line.split(" ", 1)
        mapped[url] = key.removeprefix("url.").removesuffix(".insteadof")
    expected = {r.url: r.path.resolve().as_uri() for r in built.remotes}
    assert mapped == expected
    assert _git("config", "--file", str(config), "protocol.file.allow") == "always"
    assert _git("config", "--file", str(config), "--bool", "uploadpack.allowFilter") == "true"


def test_clone_of_the_mapped_https_url_works(built: Any, tmp_path: Path) -> None:
    for remote in built.remotes:
        dest = tmp_path / "clones" / remote.name
        clone = ["clone", "-q", "--filter=blob:none", remote.url, str(dest)]
        _git(*clone, gitconfig=built.gitconfig)
        assert _git("rev-parse", "HEAD", cwd=dest) == remote.commit
        assert _git("config", "remote.origin.url", cwd=dest) == remote.url


def test_build_only_prints_the_gitconfig_path(
    demo: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCANNER_WORKDIR", str(tmp_path / "wd"))
    assert demo.main(["--build-only"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == (tmp_path / "wd" / "demo" / "gitconfig").resolve()
    assert printed.is_file()
