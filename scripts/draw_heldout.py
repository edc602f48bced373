"""Draw a fresh held-out sample for one practice, to be labelled blind (round 2 of the labels).

Why a script: the first held-out sets were measured, so they are no longer unseen. A new
held-out part must be chosen by a rule written down before anyone labels it, and labelled
without seeing what the classifier says. This prints asset ids in a seeded random order and
nothing else about them.

The sample pools three sources so that both precision and recall are tested:
- `predicted`: assets the classifier of the catalog given puts in the practice (to measure
  precision, a sample must hold what the classifier claims);
- `searched`: assets a person found by searching for the practice's topics without the
  classifier (FILE, one id per line: recall needs positives the classifier may miss);
- `neighbours`: assets the classifier puts in another practice only (near-miss negatives).
Assets already in the practice's labelled set are never drawn, nor assets the practice file
excludes from classification (its `exclude_paths`, e.g. the marketplace's own plugins): a label
on an asset the classifier never looks at measures nothing. Round 2 drew before this rule and
dropped such entries afterwards, by path.

    python scripts/draw_heldout.py CATALOG_JSON LABELS_YAML --practice ID \
        [--predicted N] [--neighbours N] [--searched FILE --from-searched N] [--exclude FILE]

Round 2 drew in two steps: the predicted and neighbour pools first (before tuning started, so
the tuners could be told which assets never to read), then the searched pool, excluding the
first draw.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import yaml

from scanner.ids import pin_form
from scanner.practices import load_practice
from scanner.rules import compile_practices


def out_of_scope(practice_file: Path, asset_ids: list[str]) -> set[str]:
    """The ids the practice's exclude_paths leave out (matched on `<repo>/<path>`, as the
    classifier matches them)."""
    (compiled,) = compile_practices([load_practice(practice_file)])
    found = set()
    for asset_id in asset_ids:
        repo, _, path = asset_id.partition("::")
        if any(rule.spec.match_file(pin_form(repo, path)) for rule in compiled.excludes):
            found.add(asset_id)
    return found


def _ids(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _labelled(labels_file: Path) -> set[str]:
    document = yaml.safe_load(labels_file.read_text(encoding="utf-8"))
    return {entry["asset"] for entry in document.get("labels", [])}


def draw(
    assets: list[dict[str, object]],
    practice: str,
    excluded: set[str],
    searched: list[str],
    counts: dict[str, int],
    *,
    seed: int,
) -> list[str]:
    """`counts[pool]` assets from each pool (fewer when a pool is short), never an excluded one
    (already labelled, or drawn before), shuffled together."""
    known = {str(a["id"]) for a in assets}
    fresh = sorted(known - excluded)
    practices_of = {str(a["id"]): {str(p) for p in a.get("practices") or []} for a in assets}  # type: ignore[attr-defined]
    pools = {
        "predicted": [i for i in fresh if practice in practices_of[i]],
        "searched": sorted({i for i in searched if i in known and i not in excluded}),
        "neighbours": [i for i in fresh if practices_of[i] and practice not in practices_of[i]],
    }
    rng = random.Random(f"{seed}:{practice}")
    chosen: list[str] = []
    for name in ("predicted", "searched", "neighbours"):
        pool = [i for i in pools[name] if i not in chosen]
        rng.shuffle(pool)
        chosen += pool[: counts.get(name, 0)]
    rng.shuffle(chosen)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--practice", required=True)
    parser.add_argument("--practices-dir", type=Path, default=Path("manifests/practices"))
    parser.add_argument("--searched", type=Path, help="ids found by searching, one per line")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="ids drawn before"
    )
    parser.add_argument("--predicted", type=int, default=14)
    parser.add_argument("--neighbours", type=int, default=8)
    parser.add_argument("--from-searched", type=int, default=14)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    assets = json.loads(args.catalog.read_text(encoding="utf-8"))["assets"]
    excluded = _labelled(args.labels)
    excluded |= out_of_scope(
        args.practices_dir / f"{args.practice}.yaml", [str(a["id"]) for a in assets]
    )
    for path in args.exclude:
        excluded |= set(_ids(path))
    counts = {
        "predicted": args.predicted,
        "searched": args.from_searched,
        "neighbours": args.neighbours,
    }
    searched = _ids(args.searched) if args.searched else []
    sample = draw(assets, args.practice, excluded, searched, counts, seed=args.seed)
    sys.stdout.write("".join(f"{asset_id}\n" for asset_id in sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
