"""`scanner catalog --practice P [--domain D] [--kind K]`: the assets of a practice, classified
on the fly from the committed catalog, the practice files and (when present) the graph.

`load_classified` is shared by `explain` and `eval`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console
from scanner.labels import load_tune_exemplars
from scanner.layout import CATALOG_JSON
from scanner.models import Asset, DomainAssignment, JsonObject, JsonValue
from scanner.pipeline import reload_analysis
from scanner.practices import Practice, load_practices
from scanner.writer import dump_json


@dataclass(frozen=True, slots=True)
class Classified:
    """The committed catalog, the practices and the classification computed from them."""

    catalog_path: Path
    assets: tuple[Asset, ...]
    by_id: dict[str, Asset]
    practices: tuple[Practice, ...]
    neighbours: dict[str, tuple[str, ...]]
    exemplars: dict[tuple[str, str], tuple[str, ...]]  # tune labels as exemplars
    assignments: dict[str, tuple[DomainAssignment, ...]]

    def practice(self, practice_id: str) -> Practice | None:
        for practice in self.practices:
            if practice.id == practice_id:
                return practice
        return None


def load_classified(config: Config, practices_dir: Path | None = None) -> Classified:
    folder = practices_dir or config.practices_dir
    practices = load_practices(folder)
    exemplars = load_tune_exemplars(folder, practices)
    analysis = reload_analysis(config.output, practices, exemplars)
    assets = tuple(e.asset for e in analysis.catalog.entries)
    return Classified(
        catalog_path=config.output / CATALOG_JSON,
        assets=assets,
        by_id={asset.id: asset for asset in assets},
        practices=practices,
        neighbours=dict(analysis.neighbours),
        exemplars=exemplars,
        assignments=dict(analysis.assignments),
    )


def _usage_error(message: str) -> int:
    Console(stderr=True).print(f"scanner: error: {console(message)}", highlight=False)
    return int(ExitCode.USAGE)


def run(opts: Config, *, practice: str, domain: str | None, kind: str | None) -> int:
    classified = load_classified(opts)
    chosen = classified.practice(practice)
    if chosen is None:
        known = ", ".join(p.id for p in classified.practices)
        return _usage_error(f"unknown practice {practice!r} (known: {known})")
    if domain is not None and chosen.domain(domain) is None:
        known = ", ".join(d.id for d in chosen.domains)
        return _usage_error(f"practice {practice!r} has no domain {domain!r} (known: {known})")
    rows: list[tuple[Asset, list[DomainAssignment]]] = []
    for asset in classified.assets:
        if kind is not None and asset.kind.value != kind:
            continue
        mine = [a for a in classified.assignments.get(asset.id, ()) if a.practice == practice]
        if domain is not None:
            mine = [a for a in mine if a.domain == domain]
        if mine:
            rows.append((asset, mine))
    if domain is not None:
        # Within one domain the strongest assets come first.
        rows.sort(key=lambda row: (-row[1][0].score, row[0].id))
    if opts.json:
        listed: list[JsonValue] = []
        for asset, mine in rows:
            entry: JsonObject = {
                "id": asset.id,
                "kind": asset.kind.value,
                "name": asset.name,
                "description": asset.description,
                "domains": [a.to_json() for a in mine],
            }
            listed.append(entry)
        out: JsonObject = {
            "practice": practice,
            "domain": domain,
            "kind": kind,
            "count": len(rows),
            "assets": listed,
        }
        sys.stdout.write(dump_json(out))
        return int(ExitCode.OK)
    title = f"{chosen.plugin}: {len(rows)} assets"
    if domain is not None:
        title += f" in {domain}"
    if kind is not None:
        title += f" of kind {kind}"
    terminal = Console(width=200)
    terminal.print(console(title), highlight=False)
    if not rows:
        return int(ExitCode.OK)
    table = Table()
    table.add_column("asset")
    table.add_column("kind")
    table.add_column("domains (score)")
    for asset, mine in rows:
        domains = ", ".join(f"{a.domain} ({a.score:g})" for a in mine)
        table.add_row(console(asset.id), asset.kind.value, domains)
    terminal.print(table)
    return int(ExitCode.OK)
