"""Labelled sets (tests/data/labels-<practice>.yaml): which domains of one practice a person
decided each asset belongs to, by reading it.

Schema 2 names assets by catalog id (`<repo>::<path>`) and puts each label in a split:
`tune` labels may be looked at while rules are written (and may serve as exemplars), `heldout`
labels were written before any tuning and are only ever measured. Schema 1 (`<repo>/<path>`,
no split) is still read; its labels have no split. An empty domain list means "in no domain of
this practice": negatives are what keep precision honest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from scanner.errors import ManifestError, UsageError
from scanner.ids import pin_to_asset_id
from scanner.practices import Practice, pin_problem
from scanner.schema_errors import problems
from scanner.structured import load_manifest_yaml
from scanner.suggest import did_you_mean

DEFAULT_LABELS_DIR = Path("tests/data")
LABELS_GLOB = "labels-*.yaml"

HELDOUT = "heldout"
TUNE = "tune"
Split = Literal["heldout", "tune"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _LabelV1(_Model):
    asset: str  # <repo>/<path>
    domains: tuple[str, ...]

    @field_validator("asset")
    @classmethod
    def _pin(cls, value: str) -> str:
        problem = pin_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def asset_id_problem(value: str) -> str | None:
    """Why a label's asset is not a catalog id (`<repo>::<path>`), or None."""
    repo, sep, path = value.partition("::")
    if not sep or not repo or not path or "/" in repo:
        return f"{value!r} is not a catalog id <repo>::<path>"
    if path.startswith("/") or ".." in path.split("/") or "\\" in path:
        return f"{value!r}: the path must be relative, without '..' or '\\'"
    return None


class _LabelV2(_Model):
    asset: str  # <repo>::<path>, as catalog ids
    domains: tuple[str, ...]
    split: Split

    @field_validator("asset")
    @classmethod
    def _asset_id(cls, value: str) -> str:
        problem = asset_id_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class _FileV1(_Model):
    schema_version: Literal[1]
    practice: str
    labels: tuple[_LabelV1, ...]


class _FileV2(_Model):
    schema_version: Literal[2]
    practice: str
    labels: tuple[_LabelV2, ...]


@dataclass(frozen=True, slots=True)
class Label:
    asset_id: str  # <repo>::<path>
    domains: tuple[str, ...]
    split: str | None  # heldout, tune, or None (schema 1 has no split)


@dataclass(frozen=True, slots=True)
class LabelSet:
    path: Path
    schema_version: int
    practice: str
    labels: tuple[Label, ...]

    @property
    def splits(self) -> tuple[str, ...]:
        """The splits present, held-out first; () for an unsplit (schema 1) set."""
        present = {label.split for label in self.labels if label.split is not None}
        return tuple(s for s in (HELDOUT, TUNE) if s in present)

    def of_split(self, split: str | None) -> tuple[Label, ...]:
        """The labels of one split; None means every label."""
        if split is None:
            return self.labels
        return tuple(label for label in self.labels if label.split == split)


def _read(path: Path, read: Callable[[Path], object]) -> _FileV1 | _FileV2:
    if not path.is_file():
        # A path given on the command line that is not there: not an invalid manifest.
        siblings = (
            sorted(p.name for p in path.parent.glob(LABELS_GLOB)) if path.parent.is_dir() else []
        )
        raise UsageError(f"{path}: labelled set not found{did_you_mean(path.name, siblings)}")
    raw = read(path)
    if not isinstance(raw, dict) or raw.get("schema_version") not in (1, 2):
        raise ManifestError(str(path), ["schema_version: must be 1 or 2"])
    model: type[_FileV1] | type[_FileV2] = _FileV1 if raw["schema_version"] == 1 else _FileV2
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise ManifestError(str(path), problems(err, model)) from err


def load_labels(
    path: Path,
    practices: Sequence[Practice],
    read: Callable[[Path], object] = load_manifest_yaml,
) -> LabelSet:
    """A labelled set, checked against the practice it names: every domain must exist and no
    asset may be labelled twice. `read` parses the YAML (scanner.manifest_cache)."""
    document = _read(path, read)
    practice = next((p for p in practices if p.id == document.practice), None)
    if practice is None:
        known = ", ".join(p.id for p in practices)
        raise ManifestError(
            str(path), [f"practice: unknown practice {document.practice!r} ({known})"]
        )
    labels = []
    if isinstance(document, _FileV1):
        for v1 in document.labels:
            labels.append(Label(pin_to_asset_id(v1.asset), v1.domains, None))
    else:
        for v2 in document.labels:
            labels.append(Label(v2.asset, v2.domains, v2.split))
    domain_ids = {d.id for d in practice.domains}
    problems = []
    seen: set[str] = set()
    for index, label in enumerate(labels):
        unknown = [d for d in label.domains if d not in domain_ids]
        if unknown:
            problems.append(
                f"labels[{index}] ({label.asset_id}): unknown domain(s) {', '.join(unknown)}"
            )
        if len(set(label.domains)) != len(label.domains):
            problems.append(f"labels[{index}] ({label.asset_id}): a domain is listed twice")
        if label.asset_id in seen:
            problems.append(f"labels[{index}] ({label.asset_id}): labelled twice")
        seen.add(label.asset_id)
    if problems:
        raise ManifestError(str(path), problems)
    return LabelSet(path, document.schema_version, document.practice, tuple(labels))


def label_files(folder: Path) -> tuple[Path, ...]:
    """Every labelled set of a folder (`labels-*.yaml`), sorted by name."""
    if not folder.is_dir():
        raise ManifestError(str(folder), ["the labels folder does not exist"])
    files = tuple(sorted(folder.glob(LABELS_GLOB)))
    if not files:
        raise ManifestError(str(folder), [f"no labelled set ({LABELS_GLOB}) in this folder"])
    return files


def tune_exemplars(sets: Sequence[LabelSet]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(practice, domain) -> the assets its `tune` labels put in that domain: exemplars for the
    classifier's similarity evidence. Held-out and unsplit labels never are."""
    found: dict[tuple[str, str], set[str]] = {}
    for labels in sets:
        for label in labels.of_split(TUNE):
            for domain in label.domains:
                found.setdefault((labels.practice, domain), set()).add(label.asset_id)
    return {key: tuple(sorted(ids)) for key, ids in sorted(found.items())}


def labels_dir_for(practices_dir: Path) -> Path:
    """The labelled sets that go with a practices folder: the `labels-*.yaml` beside it when
    there are any (the demo: examples/practices/ and examples/labels-backend.yaml), else
    tests/data/ of the checkout that holds `manifests/practices/`."""
    beside = practices_dir.parent
    if beside.is_dir() and any(beside.glob(LABELS_GLOB)):
        return beside
    return practices_dir.parent.parent / DEFAULT_LABELS_DIR


def load_tune_exemplars(
    practices_dir: Path,
    practices: Sequence[Practice],
    read: Callable[[Path], object] = load_manifest_yaml,
) -> dict[tuple[str, str], tuple[str, ...]]:
    """The tune exemplars of every labelled set beside the practices (none when the checkout has
    no labels folder, e.g. an installed package)."""
    folder = labels_dir_for(practices_dir)
    files = sorted(folder.glob(LABELS_GLOB)) if folder.is_dir() else []
    return tune_exemplars([load_labels(path, practices, read) for path in files])
