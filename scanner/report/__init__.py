"""The report stage: what appeared, changed, moved and vanished since the baseline catalog
(diff), as JSON and Markdown (markdown). It reads the typed catalogs and the one pairing of
their assets (`scanner.catalog.identity`); it touches neither git nor the disk."""

from __future__ import annotations

from scanner.layout import DIFF_JSON, DIFF_MARKDOWN
from scanner.report.diff import diff_catalogs
from scanner.report.markdown import MARKDOWN_BUDGET, render_diff_markdown
from scanner.report.model import (
    REPORT_SCHEMA_VERSION,
    AssetChange,
    AssetRef,
    BrokenPin,
    FollowedPin,
    Reclassification,
    RepoChange,
    RepoStatus,
    ScanDiff,
)
from scanner.writer import dump_json

__all__ = [
    "DIFF_JSON",
    "DIFF_MARKDOWN",
    "MARKDOWN_BUDGET",
    "REPORT_SCHEMA_VERSION",
    "AssetChange",
    "AssetRef",
    "BrokenPin",
    "FollowedPin",
    "Reclassification",
    "RepoChange",
    "RepoStatus",
    "ScanDiff",
    "diff_catalogs",
    "diff_files",
    "render_diff_markdown",
    "report_files",
]


def diff_files(diff: ScanDiff) -> dict[str, str]:
    """The report files, relative to the output folder."""
    return {
        DIFF_JSON: dump_json(diff.to_json()),
        DIFF_MARKDOWN: render_diff_markdown(diff),
    }


def report_files(diff: ScanDiff) -> dict[str, str]:
    """The report files a scan writes: none when the catalog did not change at all, so that a
    rescan with no upstream change leaves the previous report (and every other file) in place;
    otherwise `diff_files`."""
    return {} if diff.catalog_unchanged else diff_files(diff)
