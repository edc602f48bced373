"""Walking a plugin or marketplace folder and running every check on what it finds."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote

from scanner import formats
from scanner.errors import ScannerError
from scanner.formats import Finding, Pointer
from scanner.formats.rules import COMPONENT_MISSING, MARKETPLACE_MANIFEST, PLUGIN_MANIFEST
from scanner.models import (
    JsonValue,
    MarkdownDoc,
    Severity,
)
from scanner.structured import parse_json, parse_yaml
from scanner.treesitter import parse_markdown
from scanner.validate.cross import (
    ComponentFacts,
    EntryFacts,
    MarketplaceFacts,
    PluginFacts,
    cross_file_findings,
)
from scanner.validate.folder import Folder, JsonDoc, ValidationState
from scanner.validate.records import (
    DOC_FILES,
    LOOKS_LIKE_HOST,
    STRAY_MARKETPLACE,
    URL_SCHEME,
    ValidationFinding,
    ValidationReport,
    climbs_out,
    join_rel,
    log,
)


class _Validator:
    def __init__(self, root: Path) -> None:
        self.state = ValidationState()
        self.folder = Folder(root, self.state.findings.append)

    # reporting

    def add(self, file: str, line: int, severity: Severity, code: str, message: str) -> None:
        self.state.findings.append(ValidationFinding(file, line, severity, code, message))

    def add_finding(self, file: str, finding: Finding, line: int) -> None:
        self.add(file, line, finding.severity, finding.code, finding.message)

    # the walk

    def run(self) -> None:
        plugins_below, marketplaces_below = self.folder.manifests_below()
        at_root_market = "" in marketplaces_below
        at_root_plugin = "" in plugins_below
        if at_root_market or at_root_plugin:
            marketplaces = [""] if at_root_market else []
            plugins = [""] if at_root_plugin else []
        else:
            marketplaces, plugins = marketplaces_below, plugins_below
        for root in marketplaces:
            self.marketplace(root)
        for root in plugins:
            if root not in self.state.plugins:
                self.plugin(root)
        if not marketplaces and not plugins:
            self.add(
                "",
                0,
                Severity.ERROR,
                "nothing-to-validate",
                "no .claude-plugin/plugin.json or .claude-plugin/marketplace.json here or below",
            )
        self.note_unlisted(plugins_below)
        self.state.findings += cross_file_findings(
            self.state.marketplaces, self.state.plugins, self.folder.is_dir
        )

    def note_unlisted(self, plugins_below: Sequence[str]) -> None:
        loaded = [m for m in self.state.marketplaces if m.loaded]
        listed = {root for m in loaded for root in m.local_roots}
        for plugin_root in plugins_below:
            if plugin_root in listed:
                continue
            for market in loaded:
                market_root = posixpath.dirname(posixpath.dirname(market.file))
                if market_root == plugin_root:
                    continue  # a plugin that is its own marketplace is listed or not, as it says
                if not market_root or plugin_root.startswith(f"{market_root}/"):
                    self.add(
                        join_rel(plugin_root, PLUGIN_MANIFEST),
                        0,
                        Severity.INFO,
                        "plugin-not-listed",
                        f"this plugin is not listed in {market.file}",
                    )
                    break

    def load_json(self, rel: str) -> JsonDoc | None:
        # A manifest Claude Code must parse: junk in it is an error, not a curiosity.
        text = self.folder.read_text(rel, undecodable=Severity.ERROR)
        if text is None:
            return None
        parsed = parse_json(text)
        for problem in parsed.problems:
            severity = Severity.WARNING if parsed.ok else Severity.ERROR
            self.add(rel, problem.line, severity, problem.code, problem.message)
        return JsonDoc(parsed.data, text) if parsed.ok else None

    # marketplaces

    def marketplace(self, root: str) -> None:
        self.marketplace_file(root, join_rel(root, MARKETPLACE_MANIFEST), loaded=True)
        stray = join_rel(root, STRAY_MARKETPLACE)
        if self.folder.kind(stray) == "file":
            self.marketplace_file(root, stray, loaded=False)

    def marketplace_file(self, root: str, rel: str, *, loaded: bool) -> None:
        doc = self.load_json(rel)
        if doc is None:
            return
        if not isinstance(doc.data, dict):
            self.add(rel, 1, Severity.ERROR, "manifest-invalid", "top level must be an object")
            return
        data = doc.data
        if not loaded:
            if not isinstance(data.get("plugins"), list):
                return  # some other marketplace.json: not a copy of the manifest
            self.add(
                rel,
                1,
                Severity.INFO,
                "marketplace-not-loaded",
                f"Claude Code reads {join_rel(root, MARKETPLACE_MANIFEST)}, not this file; its "
                "entries are still checked against the plugins",
            )
        for finding in formats.check_marketplace(data):
            # a file Claude Code never reads cannot break loading
            severity = (
                finding.severity
                if loaded or finding.severity is not Severity.ERROR
                else Severity.WARNING
            )
            self.add(rel, doc.line(finding.pointer), severity, finding.code, finding.message)
        metadata = data.get("metadata")
        plugin_root = metadata.get("pluginRoot") if isinstance(metadata, dict) else None
        base = join_rel(root, plugin_root) if isinstance(plugin_root, str) else root
        entries = []
        raw_entries = data.get("plugins")
        for index, entry in enumerate(raw_entries if isinstance(raw_entries, list) else []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue  # reported by check_marketplace
            source = entry.get("source")
            local_root = None
            if isinstance(source, str):
                local_root = join_rel(base, source)
                if climbs_out(local_root) or ".." in source.split("/"):
                    local_root = None  # reported as marketplace-source-invalid; never followed
            version = entry.get("version")
            entries.append(
                EntryFacts(
                    name=str(entry["name"]),
                    source=source if isinstance(source, str) else "",
                    local_root=local_root,
                    version=version if isinstance(version, str) else None,
                    strict=entry.get("strict") is not False,
                    line=doc.line(("plugins", index, "name")),
                    version_line=doc.line(("plugins", index, "version")) if version else 0,
                )
            )
        market = MarketplaceFacts(rel, loaded, tuple(entries))
        self.state.marketplaces.append(market)
        for listed in entries:
            if (
                listed.local_root is not None
                and listed.local_root not in self.state.plugins
                and self.folder.is_dir(listed.local_root)
            ):
                self.plugin(listed.local_root)

    # plugins

    def plugin(self, root: str) -> None:
        self.state.plugins[root] = PluginFacts(root, has_manifest=False)  # no second visit
        manifest = join_rel(root, PLUGIN_MANIFEST)
        doc = self.load_json(manifest) if self.folder.kind(manifest) == "file" else None
        data: dict[str, JsonValue] = {}
        if doc is not None and not isinstance(doc.data, dict):
            self.add(manifest, 1, Severity.ERROR, "manifest-invalid", "top level must be an object")
        elif doc is not None:
            data = doc.data  # type: ignore[assignment]  # narrowed by the branch above
            for finding in formats.check_plugin_manifest(data):
                self.add_finding(manifest, finding, doc.line(finding.pointer))
        declared = self.declared_paths(root, manifest, data, doc)
        components: list[ComponentFacts] = []
        components += self.skills(root, declared.get("skills", []))
        for rel in self.markdown_files(root, "commands", declared.get("commands", [])):
            self.command(rel, root)
        components += self.agents(root, declared.get("agents", []))
        self.hooks(root, manifest, data, doc, declared.get("hooks", []))
        self.mcp(root, manifest, data, doc, declared.get("mcpServers", []))
        for extra in ("CLAUDE.md", "README.md"):
            rel = join_rel(root, extra)
            if self.folder.kind(rel) != "file":
                continue
            if extra == "CLAUDE.md":
                self.add(
                    rel,
                    0,
                    Severity.INFO,
                    "plugin-claude-md",
                    "Claude Code does not load a plugin-root CLAUDE.md as context; kept as "
                    "documentation",
                )
            text = self.folder.read_text(rel)
            if text is not None:
                self.links(rel, parse_markdown(text), root)
        name = data.get("name")
        version = data.get("version")
        self.state.plugins[root] = PluginFacts(
            root=root,
            has_manifest=doc is not None,
            name=name if isinstance(name, str) else "",
            version=version if isinstance(version, str) else None,
            components=tuple(sorted(components, key=lambda c: c.file)),
        )

    def declared_paths(
        self, root: str, manifest: str, data: Mapping[str, JsonValue], doc: JsonDoc | None
    ) -> dict[str, list[str]]:
        """Component paths plugin.json declares that are well formed and exist (relative to the
        validated folder); the missing ones are reported."""
        out: dict[str, list[str]] = {}
        for key in formats.PLUGIN_COMPONENT_KEYS:
            value = data.get(key)
            for index, path in enumerate(formats.component_paths(value)):
                if not path.startswith("./") or ".." in path.split("/"):
                    continue  # reported by check_plugin_manifest
                rel = join_rel(root, path)
                pointer: Pointer = (key, index) if isinstance(value, list) else (key,)
                if self.folder.kind(rel) is None:
                    line = doc.line(pointer) if doc is not None else 0
                    self.add(
                        manifest,
                        line,
                        Severity.ERROR,
                        COMPONENT_MISSING,
                        f"`{key}` declares {path!r}, which does not exist; Claude Code rejects "
                        "the plugin",
                    )
                    continue
                if key == "hooks" and rel == join_rel(root, "hooks/hooks.json"):
                    line = doc.line(pointer) if doc is not None else 0
                    self.add(
                        manifest,
                        line,
                        Severity.WARNING,
                        "hooks-declared-twice",
                        "hooks/hooks.json is loaded by default; declaring it again loads it "
                        "twice (Claude Code reports a duplicate hooks file)",
                    )
                    continue
                out.setdefault(key, []).append(rel)
        return out

    def markdown_files(self, root: str, folder: str, declared: Sequence[str]) -> list[str]:
        found: list[str] = []
        for rel in [join_rel(root, folder), *declared]:
            if self.folder.kind(rel) == "file":
                found.append(rel)
            else:
                found += [
                    f
                    for f in self.folder.files_below(rel, ".md")
                    if posixpath.basename(f) not in DOC_FILES
                ]
        return sorted(set(found))

    def skills(self, root: str, declared: Sequence[str]) -> list[ComponentFacts]:
        folders: list[str] = []
        for parent in [join_rel(root, "skills"), *declared]:
            if self.folder.kind(join_rel(parent, "SKILL.md")) == "file":
                folders.append(parent)  # a declared path may name one skill's folder
                continue
            for name in self.folder.entries(parent):
                rel = join_rel(parent, name)
                if self.folder.kind(rel) == "dir":
                    folders.append(rel)
        out = []
        for folder in sorted(set(folders)):
            skill_file = join_rel(folder, "SKILL.md")
            if self.folder.kind(skill_file) == "file":
                out.append(self.skill(skill_file, root))
                continue
            names = self.folder.entries(folder)
            if "SKILL.md" in names:
                continue  # there, but not readable from here (a symlink out): reported
            near = [n for n in names if n.lower() == "skill.md"]
            nested = [
                join_rel(folder, n, "SKILL.md")
                for n in names
                if self.folder.kind(join_rel(folder, n)) == "dir"
                and self.folder.kind(join_rel(folder, n, "SKILL.md")) == "file"
            ]
            if near:
                hint = f" ({near[0]} must be spelled SKILL.md)"
            elif nested:
                hint = f" (it holds {len(nested)} skill folder(s) one level too deep)"
            else:
                hint = ""
            self.add(
                folder,
                0,
                Severity.WARNING,
                "skill-file-missing",
                f"skill folder has no SKILL.md{hint}; Claude Code skips it",
            )
            # still checked: whoever moves them up gets their defects now
            out += [self.skill(rel, root) for rel in nested]
        return out

    def agents(self, root: str, declared: Sequence[str]) -> list[ComponentFacts]:
        out = []
        for rel in self.markdown_files(root, "agents", declared):
            component = self.agent(rel, root)
            if component is not None:
                out.append(component)
        return out

    # Markdown components

    def frontmatter(
        self, rel: str, plugin_root: str, *, missing: Severity | None, missing_code: str
    ) -> tuple[dict[str, JsonValue], MarkdownDoc, str] | None:
        """(mapping, document, YAML text) of a component file whose front matter parses;
        None after reporting why not."""
        text = self.folder.read_text(rel, undecodable=Severity.ERROR)  # a component to load
        if text is None:
            return None
        doc = parse_markdown(text)
        self.links(rel, doc, plugin_root)
        if doc.frontmatter is None:
            if missing is not None:
                empty = "the file is empty: " if not text.strip() else ""
                self.add(rel, 1, missing, missing_code, f"{empty}no YAML front matter block")
            return None
        parsed = parse_yaml(doc.frontmatter)
        for problem in parsed.problems:
            code = "frontmatter-parse-error" if problem.code == "yaml-parse-error" else problem.code
            severity = Severity.ERROR if not parsed.ok else Severity.WARNING
            line = doc.frontmatter_line + problem.line if problem.line else doc.frontmatter_line
            self.add(rel, line, severity, code, problem.message)
        if not parsed.ok:
            return None
        if parsed.data is None:
            return {}, doc, doc.frontmatter
        if not isinstance(parsed.data, dict):
            self.add(
                rel,
                doc.frontmatter_line,
                Severity.ERROR,
                "frontmatter-not-mapping",
                "front matter is not a mapping of keys to values",
            )
            return None
        return parsed.data, doc, doc.frontmatter

    def add_frontmatter_findings(
        self, rel: str, doc: MarkdownDoc, yaml_text: str, findings: Iterable[Finding]
    ) -> None:
        for finding in findings:
            line = doc.frontmatter_line
            if finding.code == "skill-body-too-long":
                line = doc.body_line
            elif finding.pointer and isinstance(finding.pointer[0], str):
                key_line = formats.frontmatter_key_line(yaml_text, finding.pointer[0])
                if key_line:
                    line += key_line
            self.add_finding(rel, finding, line)

    def skill(self, rel: str, plugin_root: str) -> ComponentFacts:
        loaded = self.frontmatter(
            rel, plugin_root, missing=Severity.ERROR, missing_code="frontmatter-missing"
        )
        folder_name = posixpath.basename(posixpath.dirname(rel))
        if loaded is None:
            return ComponentFacts("skill", folder_name, rel, 1)
        data, doc, yaml_text = loaded
        body_lines = doc.line_count - doc.body_line + 1
        self.add_frontmatter_findings(
            rel, doc, yaml_text, formats.check_skill(data, folder_name, body_lines)
        )
        name = data.get("name")
        named = isinstance(name, str) and bool(name)
        line = (
            doc.frontmatter_line + formats.frontmatter_key_line(yaml_text, "name") if named else 1
        )
        return ComponentFacts("skill", str(name) if named else folder_name, rel, line)

    def agent(self, rel: str, plugin_root: str) -> ComponentFacts | None:
        loaded = self.frontmatter(
            rel, plugin_root, missing=Severity.WARNING, missing_code="agent-frontmatter-missing"
        )
        if loaded is None:
            return None
        data, doc, yaml_text = loaded
        self.add_frontmatter_findings(
            rel, doc, yaml_text, formats.check_agent(data, in_plugin=True)
        )
        name = data.get("name")
        if not isinstance(name, str) or not name:
            return None
        line = doc.frontmatter_line + formats.frontmatter_key_line(yaml_text, "name")
        return ComponentFacts("agent", name, rel, line)

    def command(self, rel: str, plugin_root: str) -> None:
        loaded = self.frontmatter(rel, plugin_root, missing=None, missing_code="")
        if loaded is not None:
            data, doc, yaml_text = loaded
            self.add_frontmatter_findings(rel, doc, yaml_text, formats.check_command(data))

    def links(self, rel: str, doc: MarkdownDoc, plugin_root: str) -> None:
        """Relative links must lead to a file that ships with the plugin."""
        for link in doc.links:
            target = link.target.strip()
            if (
                not target
                or target.startswith(("#", "/", "~"))
                or URL_SCHEME.match(target)
                or any(c in target for c in "{}<>$*")
            ):
                continue  # anchors, absolute paths, URLs, templates and placeholders
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not path:
                continue
            resolved = join_rel(posixpath.dirname(rel), path)
            inside = not climbs_out(resolved) and (
                not plugin_root or resolved == plugin_root or resolved.startswith(f"{plugin_root}/")
            )
            if not inside:
                self.add(
                    rel,
                    link.line,
                    Severity.WARNING,
                    "link-outside-plugin",
                    f"link {target!r} leads out of the plugin; it is not installed with it",
                )
            elif self.folder.kind(resolved) is None:
                hint = " (a URL without https://?)" if LOOKS_LIKE_HOST.match(path) else ""
                self.add(
                    rel,
                    link.line,
                    Severity.WARNING,
                    "link-dead",
                    f"link {target!r}: no such file{hint}",
                )

    # JSON components

    def hooks(
        self,
        root: str,
        manifest: str,
        data: Mapping[str, JsonValue],
        doc: JsonDoc | None,
        declared: Sequence[str],
    ) -> None:
        files = [join_rel(root, "hooks/hooks.json"), *declared]
        for rel in sorted(set(files)):
            if self.folder.kind(rel) != "file":
                continue
            hooks_doc = self.load_json(rel)
            if hooks_doc is not None:
                for finding in formats.check_hooks_config(hooks_doc.data):
                    self.add_finding(rel, finding, hooks_doc.line(finding.pointer))
        inline = data.get("hooks")
        if isinstance(inline, dict) and doc is not None:
            wrapped: JsonValue = inline if "hooks" in inline else {"hooks": inline}
            base: Pointer = ("hooks",) if "hooks" in inline else ()
            for finding in formats.check_hooks_config(wrapped, base):
                self.add_finding(manifest, finding, doc.line(finding.pointer))

    def mcp(
        self,
        root: str,
        manifest: str,
        data: Mapping[str, JsonValue],
        doc: JsonDoc | None,
        declared: Sequence[str],
    ) -> None:
        default = join_rel(root, ".mcp.json")
        for rel in sorted({default, *declared}):
            if self.folder.kind(rel) != "file":
                continue
            mcp_doc = self.load_json(rel)
            if mcp_doc is None:
                continue
            # .mcp.json has the servers under `mcpServers`; a file plugin.json names may be
            # the bare server map
            wrapped = rel == default or (
                isinstance(mcp_doc.data, dict) and "mcpServers" in mcp_doc.data
            )
            for finding in formats.check_mcp_config(mcp_doc.data, wrapped=wrapped):
                self.add_finding(rel, finding, mcp_doc.line(finding.pointer))
        inline = data.get("mcpServers")
        if isinstance(inline, dict) and doc is not None:
            for finding in formats.check_mcp_config(inline, ("mcpServers",), wrapped=False):
                self.add_finding(manifest, finding, doc.line(finding.pointer))


def validate_path(path: Path, *, strict: bool = False) -> ValidationReport:
    """Validate a plugin folder, a marketplace root, or every plugin and marketplace below a
    folder. `strict` is for the files we generate: every warning becomes an error.

    Raises ScannerError when `path` does not exist or is not a folder."""
    if not path.exists():
        raise ScannerError(f"{path}: no such file or folder to validate")
    folder = path
    if path.is_file():
        if path.parent.name == ".claude-plugin" and path.name in (
            "plugin.json",
            "marketplace.json",
        ):
            folder = path.parent.parent
        else:
            raise ScannerError(f"{path}: not a folder (give a plugin or marketplace folder)")
    validator = _Validator(folder)
    validator.run()
    findings: set[ValidationFinding] = set()
    for finding in validator.state.findings:
        if strict:
            severity = formats.strict_severity(finding.code, finding.severity)
            if severity is not finding.severity:
                finding = ValidationFinding(
                    finding.file, finding.line, severity, finding.code, finding.message
                )
        findings.add(finding)
    log.info("validated %s: %d findings", path, len(findings))
    return ValidationReport(
        root=str(path),
        strict=strict,
        findings=tuple(sorted(findings, key=ValidationFinding.sort_key)),
        plugins=tuple(sorted(validator.state.plugins)),
        marketplaces=tuple(sorted(m.file for m in validator.state.marketplaces)),
        files_checked=validator.folder.files_read,
    )
