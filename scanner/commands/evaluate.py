"""`scanner eval LABELS.yaml`: compare the classifier with a labelled set, per domain.

A labelled set names assets as `<repo>/<path>` with the domains a person decided they belong
to; an empty list means "in no domain of this practice" (negatives are what keep precision
honest). Precision and recall are computed over the labelled assets only:
precision = TP / predicted, recall = TP / labelled."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from rich.console import Console
from rich.table import Table

from scanner.commands.catalog import load_classified
from scanner.config import Config
from scanner.errors import ExitCode, ManifestError
from scanner.ids import pin_to_asset_id
from scanner.models import DomainAssignment, JsonObject, JsonValue
from scanner.practices import Practice, pin_problem
from scanner.writer import dump_json


class _Label(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    asset: str
    domains: tuple[str, ...]

    @field_validator("asset")
    @classmethod
    def _pin(cls, value: str) -> str:
        problem = pin_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class LabelSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1]
    practice: str
    labels: tuple[_Label, ...]


def load_labels(path: Path, practices: Sequence[Practice]) -> LabelSet:
    """A labelled set, checked against the practice it names."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(str(path), [f"cannot read the file: {err}"]) from err
    except yaml.YAMLError as err:
        raise ManifestError(str(path), [f"not valid YAML: {err}"]) from err
    try:
        labels = LabelSet.model_validate(raw)
    except ValidationError as err:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}"
            for e in err.errors(include_url=False)
        ]
        raise ManifestError(str(path), problems) from err
    practice = next((p for p in practices if p.id == labels.practice), None)
    if practice is None:
        known = ", ".join(p.id for p in practices)
        raise ManifestError(
            str(path), [f"practice: unknown practice {labels.practice!r} ({known})"]
        )
    domain_ids = {d.id for d in practice.domains}
    problems = []
    seen: set[str] = set()
    for index, label in enumerate(labels.labels):
        unknown = [d for d in label.domains if d not in domain_ids]
        if unknown:
            problems.append(
                f"labels[{index}] ({label.asset}): unknown domain(s) {', '.join(unknown)}"
            )
        if label.asset in seen:
            problems.append(f"labels[{index}] ({label.asset}): labelled twice")
        seen.add(label.asset)
    if problems:
        raise ManifestError(str(path), problems)
    return labels


@dataclass(frozen=True, slots=True)
class DomainScore:
    domain: str
    labelled: int
    predicted: int
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.labelled if self.labelled else None

    def to_json(self) -> JsonObject:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "domain": self.domain,
            "labelled": self.labelled,
            "predicted": self.predicted,
            "true_positives": self.true_positives,
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
        }


@dataclass(frozen=True, slots=True)
class Mismatch:
    asset: str  # <repo>/<path> as labelled
    expected: tuple[str, ...]
    predicted: tuple[str, ...]

    @property
    def missing(self) -> list[str]:
        return sorted(set(self.expected) - set(self.predicted))

    @property
    def extra(self) -> list[str]:
        return sorted(set(self.predicted) - set(self.expected))

    def to_json(self) -> JsonObject:
        return {
            "asset": self.asset,
            "expected": list[JsonValue](self.expected),
            "predicted": list[JsonValue](self.predicted),
            "missing": list[JsonValue](self.missing),
            "extra": list[JsonValue](self.extra),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    practice: str
    labelled_assets: int
    negatives: int
    domains: tuple[DomainScore, ...]
    overall: DomainScore  # micro-averaged over every domain
    mismatches: tuple[Mismatch, ...]
    not_in_catalog: tuple[str, ...]

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "labelled_assets": self.labelled_assets,
            "negatives": self.negatives,
            "domains": [d.to_json() for d in self.domains],
            "overall": self.overall.to_json(),
            "mismatches": [m.to_json() for m in self.mismatches],
            "not_in_catalog": list(self.not_in_catalog),
        }


def evaluate(
    labels: LabelSet,
    practice: Practice,
    assignments: Mapping[str, Sequence[DomainAssignment]],
    asset_ids: set[str],
) -> Evaluation:
    """Compare the classifier's domains with the labels, for the labelled assets in the
    catalog; labelled assets absent from the catalog are listed, not scored."""
    missing: list[str] = []
    pairs: list[tuple[str, set[str], set[str]]] = []
    for label in labels.labels:
        asset_id = pin_to_asset_id(label.asset)
        if asset_id not in asset_ids:
            missing.append(label.asset)
            continue
        got = {a.domain for a in assignments.get(asset_id, ()) if a.practice == practice.id}
        pairs.append((label.asset, set(label.domains), got))
    scores = []
    for domain in practice.domains:
        labelled = sum(1 for _, expected, _ in pairs if domain.id in expected)
        predicted = sum(1 for _, _, got in pairs if domain.id in got)
        hits = sum(1 for _, expected, got in pairs if domain.id in expected and domain.id in got)
        scores.append(DomainScore(domain.id, labelled, predicted, hits))
    overall = DomainScore(
        "all",
        sum(s.labelled for s in scores),
        sum(s.predicted for s in scores),
        sum(s.true_positives for s in scores),
    )
    mismatches = tuple(
        Mismatch(asset, tuple(sorted(expected)), tuple(sorted(got)))
        for asset, expected, got in sorted(pairs)
        if expected != got
    )
    return Evaluation(
        practice=practice.id,
        labelled_assets=len(pairs),
        negatives=sum(1 for _, expected, _ in pairs if not expected),
        domains=tuple(scores),
        overall=overall,
        mismatches=mismatches,
        not_in_catalog=tuple(sorted(missing)),
    )


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print(result: Evaluation, out: Console) -> None:
    table = Table(
        title=(
            f"{result.practice}: {result.labelled_assets} labelled assets "
            f"({result.negatives} in no domain)"
        )
    )
    for column in ("domain", "labelled", "predicted", "TP", "precision", "recall"):
        table.add_column(column, justify="left" if column == "domain" else "right")
    for score in (*result.domains, result.overall):
        table.add_row(
            score.domain,
            str(score.labelled),
            str(score.predicted),
            str(score.true_positives),
            _ratio(score.precision),
            _ratio(score.recall),
            end_section=score is result.domains[-1],
        )
    out.print(table)
    if result.mismatches:
        out.print(f"{len(result.mismatches)} assets where the classifier disagrees:")
        for mismatch in result.mismatches:
            parts = []
            if mismatch.missing:
                parts.append("missing " + ", ".join(mismatch.missing))
            if mismatch.extra:
                parts.append("extra " + ", ".join(mismatch.extra))
            out.print(f"  {mismatch.asset}: {'; '.join(parts)}", highlight=False, markup=False)
    for asset in result.not_in_catalog:
        out.print(f"  not in the catalog: {asset}", highlight=False, markup=False)


def run(opts: Config, labels_path: Path) -> int:
    classified = load_classified(opts)
    labels = load_labels(labels_path, classified.practices)
    practice = classified.practice(labels.practice)
    assert practice is not None  # load_labels checked it
    result = evaluate(labels, practice, classified.assignments, set(classified.by_id))
    if opts.json:
        data: JsonValue = result.to_json()
        sys.stdout.write(dump_json(data))
    else:
        _print(result, Console(width=200))
    # Labelled assets that are not in the catalog could not be scored: a partial result.
    return int(ExitCode.PARTIAL if result.not_in_catalog else ExitCode.OK)
