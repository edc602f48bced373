"""`scanner explain ID`: why an asset is, or is not, in each practice domain, rule by rule."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console

from scanner.classify import RuleOutcome, explain_asset, format_points, verdicts
from scanner.commands.catalog import load_classified
from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console
from scanner.ids import pin_to_asset_id
from scanner.models import JsonObject, JsonValue
from scanner.practices import Practice
from scanner.suggest import unknown_asset
from scanner.writer import dump_json


def featured_in(asset_id: str, practices: Sequence[Practice]) -> list[tuple[str, str]]:
    """(practice, domain) pairs whose featured pins name this asset."""
    return [
        (practice.id, domain.id)
        for practice in practices
        for domain in practice.domains
        for pin in domain.featured
        if pin_to_asset_id(pin) == asset_id
    ]


def run(opts: Config, asset_id: str) -> int:
    classified = load_classified(opts)
    asset = classified.by_id.get(asset_id)
    if asset is None:
        raise unknown_asset(asset_id, classified.by_id, str(classified.catalog_path))
    outcomes = explain_asset(
        asset,
        classified.practices,
        classified.neighbours,
        classified.by_id,
        classified.exemplars,
    )
    summary = verdicts(outcomes, classified.practices)
    pins = featured_in(asset_id, classified.practices)
    if opts.json:
        by_domain: list[JsonValue] = []
        for verdict in summary:
            entry = verdict.to_json()
            entry["featured"] = (verdict.practice, verdict.domain) in pins
            entry["rules"] = [
                o.to_json()
                for o in outcomes
                if (o.practice, o.domain) == (verdict.practice, verdict.domain)
            ]
            by_domain.append(entry)
        out: JsonObject = {"asset": asset_id, "kind": asset.kind.value, "domains": by_domain}
        sys.stdout.write(dump_json(out))
        return int(ExitCode.OK)

    out_console = Console(width=200)
    out_console.print(f"[bold]{console(asset_id)}[/bold] ({asset.kind.value})", highlight=False)
    for verdict in summary:
        key = (verdict.practice, verdict.domain)
        if verdict.excluded:
            state = "excluded"
        elif verdict.assigned:
            state = "[green]IN[/green]"
        else:
            state = "out"
        pinned = " [featured pin]" if key in pins else ""
        out_console.print(
            f"\n{verdict.practice} / {verdict.domain}: {state}  score {verdict.score:g} "
            f"(own {verdict.own:g}, context {verdict.context:g}) vs threshold "
            f"{verdict.threshold:g}{pinned}",
            highlight=False,
        )
        if verdict.excluded:
            pass
        elif verdict.own <= 0:
            out_console.print("  no positive score of its own", highlight=False)
        elif not verdict.established:
            out_console.print(
                "  only supporting fields (headings) matched: they cannot establish a domain",
                highlight=False,
            )
        elif verdict.runner_up:
            out_console.print(f"  dropped by runner_up_ratio: {verdict.runner_up}", highlight=False)
        silent = 0
        for outcome in (o for o in outcomes if (o.practice, o.domain) == key):
            # Without -v, rules that did not fire at all are counted, not listed.
            if outcome.fired or outcome.detail or opts.verbose:
                out_console.print(console(_line(outcome)), highlight=False)
            else:
                silent += 1
        if silent:
            out_console.print(
                f"  . {silent} other rules did not match (-v lists them)", highlight=False
            )
    return int(ExitCode.OK)


def _line(outcome: RuleOutcome) -> str:
    if outcome.fired:
        where = f" {outcome.detail}" if outcome.detail else ""
        return f"  + {outcome.rule}{where}: {format_points(outcome.points)}"
    return f"  . {outcome.rule}: {outcome.detail or 'no match'}"
