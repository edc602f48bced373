"""`scanner diff`: what is new, removed, changed and moved in the catalog against a baseline,
without a new sync. Writes the report to stdout (Markdown; `--json` for JSON) and no file.

The current catalog is `<output>/catalog/catalog.json`. The baseline is `--baseline FILE`, or
`--baseline-ref REF` (that file as committed at REF in the git repository holding the output
folder), or by default the file as committed at HEAD there; with none of those, an empty
baseline (everything is new).

Featured pins come from the practice manifests (manifests/practices/*.yaml). Moves whose
content was edited need git's rename detection: it runs in the checkouts of the work
directory when they hold both commits, and the moves recorded in `<output>/reports/scan-diff.json`
serve as hints otherwise (a pull request's check has no checkouts)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from scanner import practices, report
from scanner.catalog import Catalog, parse_catalog, read_catalog
from scanner.catalog.identity import match_baseline
from scanner.catalog.renames import recorded_moves
from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import ExitCode, ManifestError, ScannerError
from scanner.escape import console as escape
from scanner.git import history
from scanner.layout import CATALOG_JSON, DIFF_JSON
from scanner.models import JsonObject
from scanner.readback import OwnFileError, read_own_json
from scanner.writer import dump_json


def _catalog_at_ref(catalog: Path, ref: str, *, required: bool) -> Catalog | None:
    """The catalog file as committed at `ref`; None when it was not committed there (or, unless
    `required`, when the output folder is in no git repository)."""
    root = history.repository_root(catalog.parent)
    if root is None:
        if required:
            raise ScannerError(
                f"--baseline-ref needs a git repository; {catalog.parent} is in none"
            )
        return None
    try:
        rel = catalog.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as err:  # a symlinked output folder that leads out of the repository
        raise ScannerError(f"{catalog} is not inside the git repository {root}") from err
    try:
        data = history.read_file_at_ref(root, ref, rel)
    except history.FileNotAtRefError:
        return None
    return parse_catalog(data, f"{rel} at {ref}")


def load_baseline_catalog(
    output: Path, *, baseline: Path | None, baseline_ref: str | None
) -> tuple[Catalog | None, str]:
    """The baseline catalog and a short description of where it came from."""
    catalog = output / CATALOG_JSON
    if baseline is not None:
        return read_catalog(baseline), str(baseline)
    if baseline_ref is not None:
        found = _catalog_at_ref(catalog, baseline_ref, required=True)
        where = f"{CATALOG_JSON} at {baseline_ref}"
        return (
            found,
            where if found is not None else f"no {CATALOG_JSON} committed at {baseline_ref}",
        )
    found = _catalog_at_ref(catalog, "HEAD", required=False)
    if found is None:
        return None, "no catalog committed at HEAD"
    return found, f"{CATALOG_JSON} at HEAD"


def _recorded_report(output: Path) -> JsonObject | None:
    path = output / DIFF_JSON
    try:
        data = read_own_json(path, "the previous scan report")
    except FileNotFoundError:
        return None
    except OwnFileError:
        return None  # only hints: an unreadable report just gives none
    return data if isinstance(data, dict) else None


def featured_pins(opts: Config, console: Console) -> tuple[str, ...]:
    """Every featured pin of the practice manifests; none when there are none to read (a broken
    practice file is `scanner scan`'s to report, not a reason to withhold the diff)."""
    folder = opts.practices_dir
    if not folder.is_dir():
        return ()
    try:
        loaded = practices.load_practices(folder)
    except ManifestError as err:
        console.print(escape(f"featured pins not checked: {err}"), highlight=False)
        return ()
    return practices.all_featured_pins(loaded)


def compute(
    config: Config, baseline: Catalog | None, pins: tuple[str, ...] = ()
) -> report.ScanDiff:
    """The report stage against `baseline`, without a scan. Rename policy: git's detection in
    the work directory's checkouts where they hold both commits, the moves the last report
    recorded as hints elsewhere (git's own detection wins)."""
    current = read_catalog(config.output / CATALOG_JSON)
    pairing = match_baseline(
        baseline,
        [e.asset for e in current.entries],
        current.sources,
        config.workdir,
        hints=recorded_moves(_recorded_report(config.output)),
    )
    return report.diff_catalogs(baseline, current, pairing, pins)


def run(opts: Config, *, exit_code: bool, baseline: Path | None, baseline_ref: str | None) -> int:
    console = stderr_console()
    if baseline is not None and baseline_ref is not None:
        console.print("scanner diff: give --baseline or --baseline-ref, not both")
        return int(ExitCode.USAGE)
    if not (opts.output / CATALOG_JSON).is_file():
        raise ScannerError(f"no catalog at {opts.output / CATALOG_JSON}; run `scanner scan` first")
    baseline_catalog, where = load_baseline_catalog(
        opts.output, baseline=baseline, baseline_ref=baseline_ref
    )
    diff = replace(compute(opts, baseline_catalog, featured_pins(opts, console)), baseline=where)
    if opts.json:
        sys.stdout.write(dump_json(diff.to_json()))
    else:
        sys.stdout.write(report.render_diff_markdown(diff))
    counts = diff.counts
    console.print(
        escape(
            f"baseline: {where}; {counts['new']} new, {counts['changed']} changed, "
            f"{counts['moved']} moved, {counts['removed']} removed, "
            f"{counts['reclassified']} reclassified"
        ),
        highlight=False,
    )
    if exit_code and diff.has_changes:
        return int(ExitCode.DIFFERENCE)
    return int(ExitCode.OK)
