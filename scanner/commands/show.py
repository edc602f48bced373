"""`scanner show ID`: one asset of the committed catalog, for a person or (--json) a program."""

from __future__ import annotations

import sys

from rich.console import Console

from scanner.catalog import read_catalog
from scanner.config import Config
from scanner.escape import console
from scanner.layout import CATALOG_JSON
from scanner.models import JsonValue
from scanner.suggest import unknown_asset
from scanner.writer import dump_json


def run(opts: Config, asset_id: str) -> int:
    path = opts.output / CATALOG_JSON
    catalog = read_catalog(path)
    entry = catalog.entry_ids().get(asset_id)
    if entry is None:
        raise unknown_asset(asset_id, catalog.entry_ids(), str(path))
    found = entry.to_json()
    related = [
        i.to_json()
        for i in catalog.issues
        if i.repo == entry.asset.repo and i.path == entry.asset.path
    ]
    if opts.json:
        sys.stdout.write(dump_json({"asset": found, "issues": list[JsonValue](related)}))
        return 0
    out = Console()
    out.print(f"[bold]{console(asset_id)}[/bold]", highlight=False)
    for key in ("kind", "name", "title", "description", "status", "found_by", "blob_sha", "size"):
        out.print(f"  {key}: {console(found.get(key))}", highlight=False)
    out.print("  frontmatter:", highlight=False)
    out.print(console(dump_json(found.get("frontmatter")), newlines=True), highlight=False)
    headings = found.get("headings")
    if isinstance(headings, list) and headings:
        out.print("  headings:")
        for heading in headings:
            out.print(f"    - {console(heading)}", highlight=False)
    refs = found.get("references")
    if isinstance(refs, list) and refs:
        out.print("  references:")
        for ref in refs:
            if isinstance(ref, dict):
                out.print(
                    console(
                        f"    - {ref.get('kind')} {ref.get('target')} (line {ref.get('line')})"
                    ),
                    highlight=False,
                )
    details = found.get("details")
    if details:
        out.print("  details:")
        out.print(console(dump_json(details), newlines=True), highlight=False)
    out.print(f"  issues: {len(related)}")
    for issue in related:
        out.print(
            console(
                f"    - {issue.get('severity')} {issue.get('code')} line {issue.get('line')}: "
                f"{issue.get('message')}"
            ),
            highlight=False,
        )
    return 0
