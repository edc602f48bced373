"""The diff report a scan left in the output folder (reports/scan-diff.json), read back as
data: the site's change page and the terminal show what it says when a scan wrote no new one.
Light on purpose (json and paths only): a rescan with nothing new reads it without loading
the stages."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.layout import DIFF_JSON
from scanner.models import JsonObject


def read_report(output: Path) -> JsonObject | None:
    """The report on disk, or None when there is none (or it is unreadable: it is only shown,
    never trusted for anything else)."""
    try:
        data = json.loads((output / DIFF_JSON).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None
