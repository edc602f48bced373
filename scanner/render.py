"""The render stage: every output file, computed from the catalog and written in one place.

Only this stage writes output (through scanner.writer: deterministic text, atomic writes)."""

from __future__ import annotations

from scanner.catalog import Catalog
from scanner.models import SCHEMA_VERSION
from scanner.writer import dump_json, write_atomic, write_files

__all__ = ["catalog_files", "dump_json", "write_atomic", "write_files"]


def catalog_files(catalog: Catalog) -> dict[str, str]:
    """The catalog stage's files, relative to the output folder."""
    return {
        "catalog/catalog.json": dump_json(catalog.to_json()),
        "catalog/sources.json": dump_json(
            {"schema_version": SCHEMA_VERSION, "sources": [s.to_json() for s in catalog.sources]}
        ),
    }
