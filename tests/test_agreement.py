"""The second labelling (tests/data/second-labels/) and scripts/agreement.py, which scores it
against the first with `scanner eval`'s own measure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanner.labels import Label, LabelSet, load_labels
from scanner.practices import Practice, load_practices

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "agreement.py"
SECOND = ROOT / "tests" / "data" / "second-labels"
PRACTICES = load_practices(ROOT / "manifests" / "practices")
BY_ID = {p.id: p for p in PRACTICES}
SECOND_FILES = sorted(SECOND.glob("*/labels-*.yaml"))


@pytest.fixture(scope="module")
def agreement() -> ModuleType:
    spec = importlib.util.spec_from_file_location("proagent_agreement_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _pair(practice: str, at: str = "aaafc41") -> tuple[Practice, LabelSet, LabelSet]:
    first = load_labels(ROOT / "tests" / "data" / f"labels-{practice}.yaml", PRACTICES)
    second = load_labels(SECOND / at / f"labels-{practice}.yaml", PRACTICES)
    return BY_ID[practice], first, second


def test_there_are_second_labellings() -> None:
    assert len(SECOND_FILES) >= 10


@pytest.mark.parametrize("path", SECOND_FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_second_labelling_covers_assets_of_the_first(path: Path) -> None:
    practice = path.stem.removeprefix("labels-")
    _, first, second = _pair(practice, path.parent.name)
    first_ids = {label.asset_id for label in first.labels}
    assert second.practice == practice
    assert second.labels, "an empty second labelling measures nothing"
    assert {label.asset_id for label in second.labels} <= first_ids
    assert all(label.split == "heldout" for label in second.labels)


def _first_part(first: LabelSet, second: LabelSet, emptied: str = "") -> LabelSet:
    """The first labels of the twice-labelled assets, as a second labelling (one emptied)."""
    ids = {label.asset_id for label in second.labels}
    labels = tuple(
        Label(x.asset_id, () if x.asset_id == emptied else x.domains, "heldout")
        for x in first.labels
        if x.asset_id in ids
    )
    return LabelSet(second.path, 2, second.practice, labels)


def _agreement_line(lines: list[str]) -> str:
    return next(line for line in lines if "second vs first labeller" in line)


def test_a_labelling_agrees_fully_with_itself_and_less_with_a_changed_copy(
    agreement: ModuleType,
) -> None:
    practice, first, second = _pair("security")
    same = agreement.compare(practice, first, _first_part(first, second), None)
    assert "1.00 / 1.00" in _agreement_line(same)
    # Empty one positive's domains: recall falls below 1, precision stays 1.
    positive = next(x for x in _first_part(first, second).labels if x.domains)
    changed = _first_part(first, second, emptied=positive.asset_id)
    line = _agreement_line(agreement.compare(practice, first, changed, None))
    assert "second vs first labeller: 1.00 / 0." in line


def test_the_script_prints_each_practice_it_is_given(
    agreement: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert agreement.main(["--at", "aaafc41", "security"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("== the held-out parts as they stood at aaafc41\nsecurity: ")
    assert "second vs first labeller: " in out
