"""The hazard suite: hostile repositories and faults, end to end through `scanner scan`.

Hypothesis profiles: `hazards` keeps `make test` fast (about a second for every property) and
repeatable; `make fuzz` selects `fuzz` (HYPOTHESIS_PROFILE=fuzz): a hundred times the examples,
new ones each run (about two minutes)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
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


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's manifests with a zero publishing threshold: a hostile corpus of a few
    files could never fill a practice plugin, and these tests are about what rendering a
    plugin does with hostile content (tests/test_render.py tests the threshold)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "manifests", root / "manifests")
    policy = root / "manifests" / "publishing.yaml"
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    data["threshold"] = {key: 0 for key in data["threshold"]}
    policy.write_text(yaml.safe_dump(data), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _at_the_project_root(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`scanner scan` reads manifests/practices/ beside the sources manifest, or from the
    current directory: the project's own practices render the plugins."""
    monkeypatch.chdir(project_copy)
    yield


@pytest.fixture(scope="module")
def module_env(tmp_path_factory: pytest.TempPathFactory, project_copy: Path) -> Iterator[Path]:
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
        patch.chdir(project_copy)
        yield base
