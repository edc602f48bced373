from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo, make_repo


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep tests out of the user's real cache and git configuration."""
    monkeypatch.setenv("SCANNER_WORKDIR", str(tmp_path / "workdir"))
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text('[protocol "file"]\n\tallow = always\n', encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    yield


@pytest.fixture
def repo_factory(tmp_path: Path) -> Callable[..., GitRepo]:
    """make(name, files) -> a committed GitRepo under tmp_path/remotes/name."""

    def make(name: str, files: Mapping[str, str | bytes], branch: str = "main") -> GitRepo:
        return make_repo(tmp_path / "remotes" / name, files, branch=branch)

    return make
