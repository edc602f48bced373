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

import json
import sys
from pathlib import Path

from rich.console import Console

from scanner import gitops, practices, report
from scanner.catalog import load_catalog_json
from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import ExitCode, ManifestError, ScannerError
from scanner.models import JsonObject
from scanner.writer import dump_json

CATALOG = Path("catalog") / "catalog.json"


def _parse_catalog(text: str, where: str) -> JsonObject:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ScannerError(f"{where}: catalog is not valid JSON (line {err.lineno})") from err
    if not isinstance(data, dict) or not isinstance(data.get("assets"), list):
        raise ScannerError(f"{where}: not a scanner catalog (no `assets` list)")
    return data


def _catalog_at_ref(catalog: Path, ref: str, *, required: bool) -> JsonObject | None:
    """The catalog file as committed at `ref`; None when it was not committed there (or, unless
    `required`, when the output folder is in no git repository)."""
    root = gitops.repository_root(catalog.parent)
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
        data = gitops.read_file_at_ref(root, ref, rel)
    except gitops.FileNotAtRefError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScannerError(f"{rel} at {ref}: not UTF-8 text") from err
    return _parse_catalog(text, f"{rel} at {ref}")


def load_baseline_document(
    output: Path, *, baseline: Path | None, baseline_ref: str | None
) -> tuple[JsonObject | None, str]:
    """The baseline catalog document and a short description of where it came from."""
    catalog = output / CATALOG
    if baseline is not None:
        return load_catalog_json(baseline), str(baseline)
    if baseline_ref is not None:
        found = _catalog_at_ref(catalog, baseline_ref, required=True)
        where = f"{CATALOG.as_posix()} at {baseline_ref}"
        return found, where if found is not None else f"{where} (absent: empty baseline)"
    found = _catalog_at_ref(catalog, "HEAD", required=False)
    if found is None:
        return None, "empty baseline (no committed catalog at HEAD)"
    return found, f"{CATALOG.as_posix()} at HEAD"


def _recorded_report(output: Path) -> JsonObject | None:
    path = output / report.DIFF_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # only hints: an unreadable report just gives none
    return data if isinstance(data, dict) else None


def featured_pins(opts: Config, console: Console) -> tuple[str, ...]:
    """Every featured pin of the practice manifests; none when there are none to read (a broken
    practice file is `scanner scan`'s to report, not a reason to withhold the diff)."""
    folder = practices.resolve_practices_dir(opts.sources)
    if not folder.is_dir():
        return ()
    try:
        loaded = practices.load_practices(folder)
    except ManifestError as err:
        console.print(f"featured pins not checked: {err}", highlight=False, markup=False)
        return ()
    return practices.all_featured_pins(loaded)


def compute(
    opts: Config, baseline_doc: JsonObject | None, pins: tuple[str, ...] = ()
) -> report.ScanDiff:
    current = load_catalog_json(opts.output / CATALOG)
    detected = report.detect_renames(baseline_doc, current, opts.workdir)
    renames = report.recorded_moves(_recorded_report(opts.output))
    for repo, found in detected.renames.items():
        renames[repo] = {**renames.get(repo, {}), **found}  # git's own detection wins
    return report.diff_catalogs(
        baseline_doc, current, renames, pins, history_unavailable=detected.unavailable
    )


def run(opts: Config, *, exit_code: bool, baseline: Path | None, baseline_ref: str | None) -> int:
    console = stderr_console()
    if baseline is not None and baseline_ref is not None:
        console.print("scanner diff: give --baseline or --baseline-ref, not both")
        return int(ExitCode.USAGE)
    if not (opts.output / CATALOG).is_file():
        raise ScannerError(f"no catalog at {opts.output / CATALOG}; run `scanner scan` first")
    baseline_doc, where = load_baseline_document(
        opts.output, baseline=baseline, baseline_ref=baseline_ref
    )
    diff = compute(opts, baseline_doc, featured_pins(opts, console))
    if opts.json:
        sys.stdout.write(dump_json(diff.to_json()))
    else:
        sys.stdout.write(report.render_diff_markdown(diff))
    counts = diff.counts
    console.print(
        f"baseline: {where}; {counts['new']} new, {counts['changed']} changed, "
        f"{counts['moved']} moved, {counts['removed']} removed, "
        f"{counts['reclassified']} reclassified",
        highlight=False,
        markup=False,
    )
    if exit_code and diff.has_changes:
        return int(ExitCode.DIFFERENCE)
    return int(ExitCode.OK)
