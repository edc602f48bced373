"""The hazard suite: hostile repositories and faults, end to end through `scanner scan`.

Hypothesis profiles: `hazards` keeps `make test` fast (about a second for every property) and
repeatable; `make fuzz` selects `fuzz` (HYPOTHESIS_PROFILE=fuzz): a hundred times the examples,
new ones each run (about two minutes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.hazards.harness import ROOT

settings.register_profile(
    "hazards",
    max_examples=100,
    deadline=None,  # each property asserts its own time bound; CI machines vary
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: `make test` never flakes
    database=None,
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hazards"))


@pytest.fixture(autouse=True)
def _at_the_project_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`scanner scan` reads manifests/practices/ beside the sources manifest, or from the
    current directory: the project's own practices render the plugins."""
    monkeypatch.chdir(ROOT)
    yield


@pytest.fixture(scope="module")
def module_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """For a module that scans one hostile repository once and asks it many questions: the
    same isolation tests/conftest.py gives each test (no user git configuration, no user
    cache), for the whole module."""
    base = tmp_path_factory.mktemp("hazard")
    gitconfig = base / "gitconfig"
    gitconfig.write_text('[protocol "file"]\n\tallow = always\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCANNER_WORKDIR", str(base / "workdir"))
        patch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.chdir(ROOT)
        yield base
