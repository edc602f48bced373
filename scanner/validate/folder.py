"""Reading the folder under validation, bounded like discovery: symlinks never followed out
of it, files capped in size."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scanner import formats
from scanner.discover.resolver import decode_text
from scanner.formats import Pointer
from scanner.models import (
    JsonValue,
    Severity,
)
from scanner.validate.cross import MarketplaceFacts, PluginFacts
from scanner.validate.records import (
    MAX_FILE_BYTES,
    SKIP_DIRS,
    ValidationFinding,
    climbs_out,
    join_rel,
)

# --- reading the folder ------------------------------------------------------------------------


class Folder:
    """The folder being validated: every read is checked to stay inside it."""

    def __init__(self, root: Path, report: Callable[[ValidationFinding], None]) -> None:
        self.root = root.resolve()
        self.report = report
        self.files_read = 0
        self._kinds: dict[str, str | None] = {}

    def _path(self, rel: str) -> Path | None:
        """The real path of `rel`, or None (reported) when it leaves the folder."""
        path = self.root / rel if rel else self.root
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as err:  # symlink loops
            self.report(
                ValidationFinding(rel, 0, Severity.WARNING, "symlink-loop", f"not followed: {err}")
            )
            return None
        if not resolved.is_relative_to(self.root):
            self.report(
                ValidationFinding(
                    rel,
                    0,
                    Severity.WARNING,
                    "symlink-outside",
                    "a symlink here points outside the validated folder; not followed",
                )
            )
            return None
        return resolved

    def kind(self, rel: str) -> str | None:
        """ "file", "dir" or None (missing, or reached only through a symlink out)."""
        if rel not in self._kinds:
            path = self._path(rel)
            kind = None
            if path is not None:
                kind = "dir" if path.is_dir() else "file" if path.is_file() else None
            self._kinds[rel] = kind
        return self._kinds[rel]

    def is_dir(self, rel: str) -> bool:
        return not climbs_out(rel) and self.kind(rel) == "dir"

    def read_text(self, rel: str, *, undecodable: Severity = Severity.WARNING) -> str | None:
        path = self._path(rel) if self.kind(rel) == "file" else None
        if path is None:
            return None
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.report(
                    ValidationFinding(
                        rel,
                        0,
                        Severity.WARNING,
                        "file-too-large",
                        f"{size} bytes is over the {MAX_FILE_BYTES}-byte cap; not checked",
                    )
                )
                return None
            data = path.read_bytes()
        except OSError as err:
            self.report(
                ValidationFinding(
                    rel, 0, Severity.ERROR, "file-unreadable", err.strerror or str(err)
                )
            )
            return None
        self.files_read += 1
        text = decode_text(data)
        if text is None:
            self.report(
                ValidationFinding(
                    rel,
                    0,
                    undecodable,
                    "not-text",
                    "binary or undecodable content (expected UTF-8 or UTF-16 with BOM)"
                    + ("; Claude Code cannot load it" if undecodable is Severity.ERROR else ""),
                )
            )
        return text

    def entries(self, rel: str) -> list[str]:
        """Names in a folder, sorted; .git and node_modules left out."""
        path = self._path(rel) if self.kind(rel) == "dir" else None
        if path is None:
            return []
        try:
            return sorted(p.name for p in path.iterdir() if p.name not in SKIP_DIRS)
        except OSError:
            return []

    def files_below(self, rel: str, suffix: str) -> list[str]:
        """Files ending in `suffix` in a folder and its subfolders (symlinked folders are not
        entered: they could loop or lead out)."""
        path = self._path(rel) if self.kind(rel) == "dir" else None
        if path is None:
            return []
        out = []
        for current, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            base = Path(current).relative_to(path).as_posix()
            for filename in sorted(filenames):
                if filename.endswith(suffix):
                    out.append(join_rel(rel, base, filename))
        return out

    def manifests_below(self) -> tuple[list[str], list[str]]:
        """Roots of every plugin and marketplace below the folder: ([plugins], [marketplaces])."""
        plugins, marketplaces = [], []
        for current, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            here = Path(current)
            if here.name != ".claude-plugin":
                continue
            root = join_rel(here.parent.relative_to(self.root).as_posix())
            if "plugin.json" in filenames:
                plugins.append(root)
            if "marketplace.json" in filenames:
                marketplaces.append(root)
        return sorted(plugins), sorted(marketplaces)


class JsonDoc:
    def __init__(self, data: JsonValue, text: str) -> None:
        self.data = data
        self.text = text

    @cached_property
    def lines(self) -> dict[Pointer, int]:
        return formats.json_pointer_lines(self.text)

    def line(self, pointer: Pointer) -> int:
        return formats.line_of(self.lines, pointer) if pointer else 0


@dataclass
class ValidationState:
    findings: list[ValidationFinding] = field(default_factory=list)
    plugins: dict[str, PluginFacts] = field(default_factory=dict)
    marketplaces: list[MarketplaceFacts] = field(default_factory=list)
