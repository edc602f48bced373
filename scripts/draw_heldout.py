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
Assets already in the practice's labelled set are never drawn.

    python scripts/draw_heldout.py CATALOG_JSON LABELS_YAML --practice ID --searched FILE
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import yaml


def _labelled(labels_file: Path) -> set[str]:
    document = yaml.safe_load(labels_file.read_text(encoding="utf-8"))
    return {entry["asset"] for entry in document.get("labels", [])}


def draw(
    assets: list[dict[str, object]],
    practice: str,
    labelled: set[str],
    searched: list[str],
    *,
    size: int,
    seed: int,
) -> list[str]:
    """The sample: equal shares of predicted and searched, the rest neighbours; a short pool
    leaves its share to the others."""
    known = {str(a["id"]) for a in assets}
    fresh = sorted(known - labelled)
    practices_of = {str(a["id"]): set(a.get("practices") or []) for a in assets}  # type: ignore[call-overload]
    pools = {
        "predicted": [i for i in fresh if practice in practices_of[i]],
        "searched": sorted({i for i in searched if i in known and i not in labelled}),
        "neighbours": [i for i in fresh if practices_of[i] and practice not in practices_of[i]],
    }
    rng = random.Random(f"{seed}:{practice}")
    for pool in pools.values():
        rng.shuffle(pool)
    shares = {"predicted": size * 2 // 5, "searched": size * 2 // 5}
    shares["neighbours"] = size - shares["predicted"] - shares["searched"]
    chosen: list[str] = []
    for name in ("predicted", "searched", "neighbours"):
        chosen += [i for i in pools[name] if i not in chosen][: shares[name]]
    # Fill what a short pool left, from the pools in the same order.
    for name in ("searched", "predicted", "neighbours"):
        for asset_id in pools[name]:
            if len(chosen) >= size:
                break
            if asset_id not in chosen:
                chosen.append(asset_id)
    rng.shuffle(chosen)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--practice", required=True)
    parser.add_argument("--searched", type=Path, required=True)
    parser.add_argument("--size", type=int, default=36)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    assets = json.loads(args.catalog.read_text(encoding="utf-8"))["assets"]
    searched = [
        line.strip()
        for line in args.searched.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sample = draw(
        assets, args.practice, _labelled(args.labels), searched, size=args.size, seed=args.seed
    )
    sys.stdout.write("".join(f"{asset_id}\n" for asset_id in sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
