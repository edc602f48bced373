"""Plugin marketplaces: `.claude-plugin/marketplace.json`, with the plugins it lists."""

from __future__ import annotations

from scanner.formats import MARKETPLACE_MANIFEST, check_marketplace
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
    plugins: list[JsonValue] = []
    name = description = ""
    if data is not None:
        issues += [fi.issue(f.severity, f.code, f.message) for f in check_marketplace(data)]
        name = str(data["name"]) if isinstance(data.get("name"), str) else ""
        metadata = data.get("metadata")
        raw_description = data.get("description")
        if not isinstance(raw_description, str) and isinstance(metadata, dict):
            raw_description = metadata.get("description")
        description = redact(raw_description) if isinstance(raw_description, str) else ""
        plugin_root = metadata.get("pluginRoot") if isinstance(metadata, dict) else None
        base = join_path(root, plugin_root) if isinstance(plugin_root, str) else root
        entries = data.get("plugins")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            source = entry.get("source")
            local = (
                source
                if isinstance(source, str) and not source.startswith(("http", "git"))
                else None
            )
            version = entry.get("version")
            plugins.append(
                {
                    "name": entry["name"],
                    "source": source if isinstance(source, str) else None,
                    "remote": None if isinstance(source, str) else source,
                    "version": version if isinstance(version, str) else None,
                    "path": join_path(base, local) if local else None,
                    "strict": entry.get("strict")
                    if isinstance(entry.get("strict"), bool)
                    else None,
                }
            )
            if local:
                refs.append(RawReference(RefKind.COMPONENT, join_path(base, local), 0, local))
    asset = fi.asset(
        AssetKind.MARKETPLACE,
        HANDLER_ID,
        "json",
        name=name,
        title=name,
        description=description,
        references=tuple(refs),
        details={"root": root, "plugins": plugins},
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "marketplace"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.MARKETPLACE,
    patterns=(f"**/{MARKETPLACE_MANIFEST}",),
    description=f"Claude Code plugin marketplaces ({MARKETPLACE_MANIFEST})",
    parse=parse,
)
