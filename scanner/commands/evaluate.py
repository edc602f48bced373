"""`scanner eval [LABELS.yaml ...]`: compare the classifier with labelled sets, per practice,
per domain, and per split.

Without an argument every `labels-*.yaml` of the labels folder (tests/data/, or --labels-dir)
is evaluated. A schema-2 set is measured on its held-out part and its tune part separately:
only the held-out numbers say how the classifier does on assets nobody tuned it on. Precision
and recall are computed over the labelled assets only: precision = TP / predicted,
recall = TP / labelled, micro-averaged over the domains for the practice's overall figure."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scanner.commands.catalog import load_classified
from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console
from scanner.ids import pin_to_asset_id
from scanner.labels import DEFAULT_LABELS_DIR, HELDOUT, Label, LabelSet, label_files, load_labels
from scanner.models import SCHEMA_VERSION, DomainAssignment, JsonObject, JsonValue
from scanner.practices import Practice
from scanner.writer import dump_json

# What the issue asks of every practice, on its held-out part.
TARGET_PRECISION = 0.90
TARGET_RECALL = 0.85
ALL = "all"  # the split name of an unsplit (schema 1) set


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
    asset: str  # <repo>::<path>
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
    """One split of one labelled set, scored."""

    practice: str
    split: str  # heldout, tune, or all
    labelled_assets: int
    negatives: int
    domains: tuple[DomainScore, ...]
    overall: DomainScore  # micro-averaged over every domain
    mismatches: tuple[Mismatch, ...]
    not_in_catalog: tuple[str, ...]

    @property
    def meets_targets(self) -> bool:
        precision, recall = self.overall.precision, self.overall.recall
        return (
            precision is not None
            and recall is not None
            and precision >= TARGET_PRECISION
            and recall >= TARGET_RECALL
        )

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "split": self.split,
            "labelled_assets": self.labelled_assets,
            "negatives": self.negatives,
            "domains": [d.to_json() for d in self.domains],
            "overall": self.overall.to_json(),
            "meets_targets": self.meets_targets,
            "mismatches": [m.to_json() for m in self.mismatches],
            "not_in_catalog": list(self.not_in_catalog),
        }


def evaluate(
    labels: Sequence[Label],
    practice: Practice,
    assignments: Mapping[str, Sequence[DomainAssignment]],
    asset_ids: set[str],
    split: str = ALL,
) -> Evaluation:
    """Compare the classifier's domains with the labels, for the labelled assets in the
    catalog; labelled assets absent from the catalog are listed, not scored."""
    missing: list[str] = []
    pairs: list[tuple[str, set[str], set[str]]] = []
    for label in labels:
        if label.asset_id not in asset_ids:
            missing.append(label.asset_id)
            continue
        got = {a.domain for a in assignments.get(label.asset_id, ()) if a.practice == practice.id}
        pairs.append((label.asset_id, set(label.domains), got))
    scores = []
    for domain in practice.domains:
        labelled = sum(1 for _, expected, _ in pairs if domain.id in expected)
        predicted = sum(1 for _, _, got in pairs if domain.id in got)
        hits = sum(1 for _, expected, got in pairs if domain.id in expected and domain.id in got)
        scores.append(DomainScore(domain.id, labelled, predicted, hits))
    overall = DomainScore(
        ALL,
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
        split=split,
        labelled_assets=len(pairs),
        negatives=sum(1 for _, expected, _ in pairs if not expected),
        domains=tuple(scores),
        overall=overall,
        mismatches=mismatches,
        not_in_catalog=tuple(sorted(missing)),
    )


@dataclass(frozen=True, slots=True)
class SetEvaluation:
    """A labelled set, scored split by split."""

    path: Path
    practice: str
    schema_version: int
    splits: tuple[Evaluation, ...]
    # Held-out assets that the practice pins as featured: a pin can act as an exemplar, so a
    # held-out pin is a leak worth seeing.
    heldout_featured: tuple[str, ...]

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "file": self.path.as_posix(),
            "schema_version": self.schema_version,
            "splits": [e.to_json() for e in self.splits],
            "heldout_featured": list(self.heldout_featured),
        }


def evaluate_set(
    labels: LabelSet,
    practice: Practice,
    assignments: Mapping[str, Sequence[DomainAssignment]],
    asset_ids: set[str],
    only_split: str | None = None,
) -> SetEvaluation:
    names: tuple[str, ...] = labels.splits or (ALL,)
    if only_split is not None:
        names = tuple(n for n in names if n == only_split)
    splits = tuple(
        evaluate(labels.of_split(None if n == ALL else n), practice, assignments, asset_ids, n)
        for n in names
    )
    pinned = {pin_to_asset_id(pin) for d in practice.domains for pin in d.featured}
    leaks = tuple(sorted(x.asset_id for x in labels.of_split(HELDOUT) if x.asset_id in pinned))
    return SetEvaluation(labels.path, labels.practice, labels.schema_version, splits, leaks)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print_split(result: Evaluation, out: Console) -> None:
    table = Table(
        title=(
            f"{result.practice} / {result.split}: {result.labelled_assets} labelled assets "
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
        out.print(
            f"{len(result.mismatches)} {result.split} assets where the classifier disagrees:",
            highlight=False,
            markup=False,
        )
        for mismatch in result.mismatches:
            parts = []
            if mismatch.missing:
                parts.append("missing " + ", ".join(mismatch.missing))
            if mismatch.extra:
                parts.append("extra " + ", ".join(mismatch.extra))
            out.print(console(f"  {mismatch.asset}: {'; '.join(parts)}"), highlight=False)
    for asset in result.not_in_catalog:
        out.print(console(f"  not in the catalog: {asset}"), highlight=False)


def _print_summary(results: Sequence[SetEvaluation], out: Console) -> None:
    table = Table(
        title=(
            f"Per practice (targets on heldout: precision >= {TARGET_PRECISION:.2f}, "
            f"recall >= {TARGET_RECALL:.2f})"
        )
    )
    for column in (
        "practice",
        "split",
        "assets",
        "negatives",
        "positives",
        "precision",
        "recall",
        "targets",
    ):
        table.add_column(column, justify="left" if column in ("practice", "split") else "right")
    for result in results:
        for split in result.splits:
            table.add_row(
                result.practice,
                split.split,
                str(split.labelled_assets),
                str(split.negatives),
                str(split.overall.labelled),
                _ratio(split.overall.precision),
                _ratio(split.overall.recall),
                "met" if split.meets_targets else "missed",
            )
    out.print(table)


def _print(results: Sequence[SetEvaluation], out: Console) -> None:
    for result in results:
        out.print(
            f"\n{result.practice}: {result.path.as_posix()} (schema {result.schema_version})",
            highlight=False,
            markup=False,
        )
        for split in result.splits:
            _print_split(split, out)
        for asset in result.heldout_featured:
            out.print(
                f"  warning: held-out asset is a featured pin (an exemplar): {asset}",
                highlight=False,
                markup=False,
            )
    _print_summary(results, out)


def run(
    opts: Config,
    labels_paths: Sequence[Path] = (),
    *,
    labels_dir: Path | None = None,
    split: str | None = None,
) -> int:
    # The CLI has checked that a catalog exists (cli.require_catalog, one message for all).
    paths = tuple(labels_paths) or label_files(labels_dir or DEFAULT_LABELS_DIR)
    classified = load_classified(opts)
    sets = [load_labels(path, classified.practices) for path in paths]
    results = []
    for labels in sorted(sets, key=lambda s: (s.practice, s.path.as_posix())):
        practice = classified.practice(labels.practice)
        assert practice is not None  # load_labels checked it
        results.append(
            evaluate_set(labels, practice, classified.assignments, set(classified.by_id), split)
        )
    if opts.json:
        data: JsonObject = {
            "schema_version": SCHEMA_VERSION,
            "targets": {"precision": TARGET_PRECISION, "recall": TARGET_RECALL},
            "sets": [r.to_json() for r in results],
        }
        sys.stdout.write(dump_json(data))
    else:
        _print(results, Console(width=200))
    # Labelled assets that are not in the catalog could not be scored: a partial result.
    partial = any(e.not_in_catalog for r in results for e in r.splits)
    return int(ExitCode.PARTIAL if partial else ExitCode.OK)
