"""Validation of plugin folders and marketplaces against the Claude Code formats (FORMATS.md).

`validate_path` reads a folder on disk (one of our generated plugins, or a harvested checkout):
per-file checks come from `scanner.formats`, and this module adds what needs several files
(declared components that exist, marketplace entries against their plugin.json, the same skill
or agent name in several plugins). The cross-file checks are pure functions over small facts
records, so `catalog_issues` runs them over a catalog's assets too, without the disk.

Reading is bounded like discovery: symlinks are never followed out of PATH, files are capped at
2 MiB, bytes are decoded like the resolver does, YAML and JSON go through `scanner.structured`."""

from __future__ import annotations

from scanner.validate.catalog import catalog_issues
from scanner.validate.records import ValidationFinding, ValidationReport
from scanner.validate.validator import validate_path

__all__ = ["ValidationFinding", "ValidationReport", "catalog_issues", "validate_path"]
