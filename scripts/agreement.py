"""How far two people labelling the same assets agree (issue 14).

A held-out target of 0.90 precision only means something if two careful labellers following the
same written policy agree at least that well: a classifier cannot beat the labels it is scored
against. tests/data/second-labels/<commit>/labels-<id>.yaml holds a second, independent
labelling of a held-out part as it stood at <commit>; this script scores it against the first
labelling (tests/data/labels-<id>.yaml, whatever split those assets are in now) with the very
measure `scanner eval` uses (micro-averaged over (asset, domain) pairs; the first labelling
plays the truth). Given a catalog, it also scores the classifier against each labelling on the
same assets.

    python scripts/agreement.py [--catalog output/catalog/catalog.json] [--at COMMIT] [PRACTICE ...]

Without --at, every folder of tests/data/second-labels/ is scored, one after the other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from scanner.catalog.store import read_catalog
from scanner.commands.evaluate import Evaluation, evaluate
from scanner.labels import Label, LabelSet, load_labels
from scanner.models import DomainAssignment
from scanner.practices import Practice, load_practices

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "tests" / "data"
SECOND = FIRST / "second-labels"


def as_assignments(labels: Sequence[Label], practice: str) -> dict[str, list[DomainAssignment]]:
    """A labelling in the shape of the classifier's output, so `evaluate` can score it."""
    return {
        label.asset_id: [DomainAssignment(practice, d, 1.0, ()) for d in label.domains]
        for label in labels
    }


def _figures(result: Evaluation) -> str:
    o = result.overall

    def ratio(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    return f"{ratio(o.precision)} / {ratio(o.recall)} ({o.labelled} labelled pairs)"


def compare(
    practice: Practice,
    first: LabelSet,
    second: LabelSet,
    classifier: Mapping[str, Sequence[DomainAssignment]] | None,
) -> list[str]:
    ids = {label.asset_id for label in second.labels}
    first_part = tuple(label for label in first.labels if label.asset_id in ids)
    absent = sorted(ids - {label.asset_id for label in first_part})
    lines = [f"{practice.id}: {len(first_part)} assets labelled twice"]
    if absent:
        lines.append(f"  not in the first labelling: {', '.join(absent)}")
    agree = evaluate(first_part, practice, as_assignments(second.labels, practice.id), ids)
    lines.append(f"  second vs first labeller: {_figures(agree)}")
    lines.append(f"  assets labelled identically: {len(first_part) - len(agree.mismatches)}")
    if classifier is not None:
        for name, labels in (("first", first_part), ("second", second.labels)):
            scored = evaluate(labels, practice, classifier, set(classifier))
            lines.append(f"  classifier vs {name}: {_figures(scored)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("practices", nargs="*", help="practice ids (default: every second set)")
    parser.add_argument("--catalog", type=Path, help="also score this catalog's classifier")
    parser.add_argument("--at", help="the folder of tests/data/second-labels/ to score")
    parser.add_argument("--practices-dir", type=Path, default=ROOT / "manifests" / "practices")
    args = parser.parse_args(argv)
    practices = {p.id: p for p in load_practices(args.practices_dir)}
    folders = [SECOND / args.at] if args.at else sorted(p for p in SECOND.iterdir() if p.is_dir())
    classifier: dict[str, list[DomainAssignment]] | None = None
    if args.catalog is not None:
        catalog = read_catalog(args.catalog)
        classifier = {e.asset.id: list(e.domains) for e in catalog.entries}
    for folder in folders:
        print(f"== the held-out parts as they stood at {folder.name}")
        found = sorted(f.stem.removeprefix("labels-") for f in folder.glob("labels-*.yaml"))
        for pid in args.practices or found:
            if pid not in practices:
                print(f"unknown practice {pid!r}", file=sys.stderr)
                return 2
            if pid not in found:
                continue
            first = load_labels(FIRST / f"labels-{pid}.yaml", list(practices.values()))
            second = load_labels(folder / f"labels-{pid}.yaml", list(practices.values()))
            print("\n".join(compare(practices[pid], first, second, classifier)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
