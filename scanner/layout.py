"""Where every output file goes, relative to the output folder: spelled here once.

The Claude Code file names inside a plugin (`.claude-plugin/plugin.json`, ...) are format facts
and live in `scanner.formats`."""

from __future__ import annotations

from scanner.formats.rules import MARKETPLACE_MANIFEST

CATALOG_DIR = "catalog"
CATALOG_JSON = f"{CATALOG_DIR}/catalog.json"  # the next scan's baseline: written last
SOURCES_JSON = f"{CATALOG_DIR}/sources.json"
GRAPH_JSON = f"{CATALOG_DIR}/graph.json"
GRAPH_GRAPHML = f"{CATALOG_DIR}/graph.graphml"
GAPS_JSON = f"{CATALOG_DIR}/gaps.json"
CATALOG_SUMMARY = f"{CATALOG_DIR}/catalog-summary.md"

REPORTS_DIR = "reports"
DIFF_JSON = f"{REPORTS_DIR}/scan-diff.json"
DIFF_MARKDOWN = f"{REPORTS_DIR}/scan-diff.md"

PLUGINS_DIR = "plugins"

#: The browsable catalog (a static site), generated whole by every scan, render and `site`.
SITE_DIR = "site"
#: The marketplace that lists every practice plugin, at the root of the output folder.
MARKETPLACE_FILE = MARKETPLACE_MANIFEST


def practice_manifest(file_name: str) -> str:
    """A practice's catalog manifest (`catalog/<practice>.json`)."""
    return f"{CATALOG_DIR}/{file_name}"


def plugin_dir(plugin: str) -> str:
    return f"{PLUGINS_DIR}/{plugin}"
