"""The catalog stage and its typed model: built once per scan (build), read back from
catalog.json in one place (store), paired with the baseline once (identity, renames), and
carrying over what the baseline knew (carryover)."""

from __future__ import annotations

from scanner.catalog.build import (
    Current,
    Enrichment,
    assemble_catalog,
    build_catalog,
    current_entries,
)
from scanner.catalog.model import ACTIVE, ANNOTATION_FIELDS, STALE, Catalog, CatalogEntry
from scanner.catalog.store import (
    EMPTY_BASELINE,
    Baseline,
    catalog_from_document,
    entry_from_json,
    load_baseline,
    parse_catalog,
    read_catalog,
)

__all__ = [
    "ACTIVE",
    "ANNOTATION_FIELDS",
    "EMPTY_BASELINE",
    "STALE",
    "Baseline",
    "Catalog",
    "CatalogEntry",
    "Current",
    "Enrichment",
    "assemble_catalog",
    "build_catalog",
    "catalog_from_document",
    "current_entries",
    "entry_from_json",
    "load_baseline",
    "parse_catalog",
    "read_catalog",
]
