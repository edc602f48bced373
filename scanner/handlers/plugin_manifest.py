"""Plugin manifests: `.claude-plugin/plugin.json`, with the components it declares."""

from __future__ import annotations

from scanner.formats import (
    PLUGIN_COMPONENT_KEYS,
    PLUGIN_MANIFEST,
    check_plugin_manifest,
    component_paths,
)
from scanner.handlers.base import FileInput, Handler, HandlerResult
from scanner.handlers.manifest_common import load_object, manifest_root
from scanner.models import AssetKind, JsonValue, RawReference, RefKind, ScanIssue
from scanner.paths import join_path
from scanner.secrets import redact


def parse(fi: FileInput) -> HandlerResult:
    issues: list[ScanIssue] = []
    data = load_object(fi, issues)
    root = manifest_root(fi)
    refs: list[RawReference] = []
    details: dict[str, JsonValue] = {"root": root}
    name = version = description = ""
    if data is not None:
        issues += [fi.issue(f.severity, f.code, f.message) for f in check_plugin_manifest(data)]
        name = data["name"] if isinstance(data.get("name"), str) else ""  # type: ignore[assignment]
        raw_version = data.get("version")
        version = raw_version if isinstance(raw_version, str) else ""
        raw_description = data.get("description")
        description = redact(raw_description) if isinstance(raw_description, str) else ""
        declared: dict[str, JsonValue] = {}
        for key in PLUGIN_COMPONENT_KEYS:
            paths = component_paths(data.get(key))
            if paths:
                declared[key] = list[JsonValue](paths)
            for path in paths:
                refs.append(RawReference(RefKind.COMPONENT, join_path(root, path), 0, path))
        details["declared"] = declared
        details["version"] = version or None
        mcp = data.get("mcpServers")
        if isinstance(mcp, dict):
            details["inline_mcp_servers"] = list[JsonValue](sorted(mcp))
    asset = fi.asset(
        AssetKind.PLUGIN_MANIFEST,
        HANDLER_ID,
        "json",
        name=name,
        title=name,
        description=description,
        references=tuple(refs),
        details=details,
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "plugin-manifest"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.PLUGIN_MANIFEST,
    patterns=(f"**/{PLUGIN_MANIFEST}",),
    description=f"Claude Code plugin manifests ({PLUGIN_MANIFEST})",
    parse=parse,
)
