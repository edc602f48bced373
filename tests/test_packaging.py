"""constraints.txt pins one tested version of every dependency, inside pyproject.toml's ranges,
so `make install` and CI install the same set; a dependency added without `make lock` fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"constraints.txt: {line!r} is not an exact pin"
        found[canonicalize_name(name)] = Version(version)
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(text) for text in texts]


def test_every_dependency_is_pinned_inside_its_range() -> None:
    pinned = pins()
    environment = default_environment()
    problems = []
    for requirement in declared():
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name}: not in constraints.txt (run make lock)")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement.specifier}")
    assert problems == []


def test_make_install_uses_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = [line for line in makefile.splitlines() if "pip install" in line and "-e" in line]
    assert install and all("-c constraints.txt" in line for line in install)
