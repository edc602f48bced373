"""Checks over plugin.json and marketplace.json."""

from __future__ import annotations

from collections.abc import Mapping

from scanner.formats.rules import (
    KEBAB_RE,
    PLUGIN_COMPONENT_KEYS,
    PLUGIN_KEYS,
    SEMVER_RE,
    Finding,
    Pointer,
    str_field,
)
from scanner.models import JsonValue, Severity

# --- plugin.json and marketplace.json ----------------------------------------------------------


def check_plugin_manifest(data: Mapping[str, JsonValue]) -> list[Finding]:
    out: list[Finding] = []
    name = str_field(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "plugin-name-missing", "plugin.json has no `name`"))
    elif not KEBAB_RE.match(name):
        out.append(
            Finding(
                Severity.ERROR,
                "plugin-name-invalid",
                f"plugin name {name!r} is not kebab-case",
                ("name",),
            )
        )
    version = data.get("version")
    if version is None:
        out.append(
            Finding(
                Severity.INFO,
                "plugin-version-missing",
                "plugin.json has no `version`; Claude Code offers updates by version",
            )
        )
    elif not (isinstance(version, str) and SEMVER_RE.match(version)):
        out.append(
            Finding(
                Severity.WARNING,
                "plugin-version-invalid",
                f"version {version!r} is not semver",
                ("version",),
            )
        )
    for key in PLUGIN_COMPONENT_KEYS:
        value = data.get(key)
        for index, path in enumerate(component_paths(value)):
            pointer: Pointer = (key, index) if isinstance(value, list) else (key,)
            if not path.startswith("./"):
                out.append(
                    Finding(
                        Severity.ERROR,
                        "plugin-path-invalid",
                        f"`{key}` path {path!r} must be relative and start with ./",
                        pointer,
                    )
                )
            elif ".." in path.split("/"):
                out.append(
                    Finding(
                        Severity.ERROR,
                        "plugin-path-invalid",
                        f"`{key}` path {path!r} climbs out",
                        pointer,
                    )
                )
    unknown = sorted(k for k in data if k not in PLUGIN_KEYS)
    if unknown:
        out.append(
            Finding(
                Severity.WARNING,
                "plugin-unknown-fields",
                f"unknown plugin.json fields: {', '.join(unknown)}",
                (unknown[0],),
            )
        )
    return out


def component_paths(value: JsonValue) -> list[str]:
    """Paths a plugin.json component key declares (a string, a list; inline objects have none)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def check_marketplace(data: Mapping[str, JsonValue]) -> list[Finding]:
    out: list[Finding] = []
    name = str_field(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "marketplace-name-missing", "no `name`"))
    elif not KEBAB_RE.match(name):
        out.append(
            Finding(
                Severity.ERROR,
                "marketplace-name-invalid",
                f"name {name!r} is not kebab-case",
                ("name",),
            )
        )
    owner = data.get("owner")
    if not (isinstance(owner, dict) and isinstance(owner.get("name"), str)):
        out.append(
            Finding(
                Severity.ERROR,
                "marketplace-owner-missing",
                "no `owner.name`",
                ("owner",) if "owner" in data else (),
            )
        )
    plugins = data.get("plugins")
    if not isinstance(plugins, list):
        out.append(Finding(Severity.ERROR, "marketplace-plugins-missing", "no `plugins` list"))
        return out
    seen: set[str] = set()
    for index, entry in enumerate(plugins):
        at: Pointer = ("plugins", index)
        if not isinstance(entry, dict):
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] not object", at
                )
            )
            continue
        pname = entry.get("name")
        if not isinstance(pname, str):
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] no name", at
                )
            )
            continue
        if pname in seen:
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-duplicate-plugin",
                    f"plugin {pname!r} listed twice",
                    (*at, "name"),
                )
            )
        seen.add(pname)
        source = entry.get("source")
        if source is None:
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-entry-invalid",
                    f"plugin {pname!r} has no source",
                    at,
                )
            )
        elif isinstance(source, str) and ".." in source.split("/"):
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-source-invalid",
                    f"plugin {pname!r} source {source!r} contains '..'",
                    (*at, "source"),
                )
            )
        elif isinstance(source, str) and not source.startswith("./"):
            # Claude Code's schema rejects the whole marketplace for such a source
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-source-invalid",
                    f"plugin {pname!r} source {source!r} must start with ./ (or be an object)",
                    (*at, "source"),
                )
            )
        version = entry.get("version")
        if version is not None and not (isinstance(version, str) and SEMVER_RE.match(version)):
            out.append(
                Finding(
                    Severity.WARNING,
                    "marketplace-version-invalid",
                    f"plugin {pname!r} version {version!r} is not semver",
                    (*at, "version"),
                )
            )
    return out
