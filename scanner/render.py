"""The render stage: every output file, computed from the catalog and written in one place.

Only this stage writes output (through scanner.writer: deterministic text, atomic writes)."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.cache_file import code_digest, digest, package_digest
from scanner.catalog import Catalog
from scanner.errors import OutputError, ScannerError
from scanner.formats.rules import PLUGIN_MANIFEST
from scanner.layout import CATALOG_JSON, MARKETPLACE_FILE, PLUGINS_DIR, SOURCES_JSON, plugin_dir
from scanner.markdown_templates import render_markdown
from scanner.marketplace import Marketplace, marketplace_json
from scanner.models import SCHEMA_VERSION, JsonObject, JsonValue
from scanner.output_state import MARKER, remove_marker, write_marker
from scanner.plugin_view import PluginView
from scanner.practices import Practice
from scanner.publishing import RouterSpec
from scanner.readback import OwnFileError, parse_own_json
from scanner.render_memo import RenderMemo
from scanner.router import router_files
from scanner.validate import validate_path
from scanner.writer import (
    UNREADABLE,
    OutputTransaction,
    compare_tree,
    dump_json,
    read_tree,
    recover_interrupted,
)


def catalog_files(catalog: Catalog) -> dict[str, str]:
    """The catalog stage's files, relative to the output folder."""
    return {
        CATALOG_JSON: dump_json(catalog.to_json()),
        SOURCES_JSON: dump_json(
            {"schema_version": SCHEMA_VERSION, "sources": [s.to_json() for s in catalog.sources]}
        ),
    }


# --- practice plugins ---------------------------------------------------------------------------


def plugin_paths(practice: Practice) -> list[str]:
    """The files a practice plugin consists of, in the order the structure tree shows them."""
    paths = [PLUGIN_MANIFEST, f"skills/{practice.id}-assistant/SKILL.md"]
    paths += [f"commands/{c.name}.md" for c in practice.commands]
    if practice.agent is not None:
        paths.append(f"agents/{practice.agent.name}.md")
    paths += ["hooks/hooks.json", ".mcp.json", "CLAUDE.md", "README.md"]
    return paths


def _plugin_json(practice: Practice, version: str) -> JsonObject:
    return {
        "name": practice.plugin,
        "version": version,
        "description": practice.description,
        "author": {"name": "ProAgent"},
        "license": "MIT",
        "keywords": ["proagent", practice.id, *(d.id for d in practice.domains)],
    }


def _hooks_json(practice: Practice) -> JsonObject:
    events: dict[str, JsonValue] = {}
    for hook in practice.hooks:
        groups = events.setdefault(hook.event, [])
        assert isinstance(groups, list)
        groups.append(
            {
                "matcher": hook.matcher,
                "hooks": [{"type": "command", "command": hook.command, "timeout": 10}],
            }
        )
    return {"description": f"Reminders of the {practice.title} conventions", "hooks": events}


def _mcp_json(practice: Practice) -> JsonObject:
    servers: dict[str, JsonValue] = {}
    for integration in practice.mcp_integrations:
        server = integration.server
        if server.command is not None:
            entry: JsonObject = {"command": server.command, "args": list(server.args)}
            if server.env:
                entry["env"] = dict(server.env)
        else:
            entry = {"type": server.type, "url": server.url}
        servers[integration.name] = entry
    return {"mcpServers": servers}


def _skill_description(view: PluginView) -> str:
    titles = ", ".join(d.title for d in view.domains)
    text = (
        f"{view.practice.title} engineering guidance for the ProAgent platform: {titles}. "
        f"Use when designing, building or reviewing {view.practice.title.lower()} code."
    )
    return text[:1024]


def _command_role(name: str) -> str:
    for role in ("hub", "run", "review"):
        if name.endswith(f"-{role}"):
            return role
    return "run"


def plugin_files(view: PluginView) -> dict[str, str]:
    practice = view.practice
    files = {
        PLUGIN_MANIFEST: dump_json(_plugin_json(practice, view.version)),
        f"skills/{view.skill_name}/SKILL.md": render_markdown(
            "SKILL.md.j2", view=view, description=_skill_description(view)
        ),
        "hooks/hooks.json": dump_json(_hooks_json(practice)),
        ".mcp.json": dump_json(_mcp_json(practice)),
        "CLAUDE.md": render_markdown("CLAUDE.md.j2", view=view),
        "README.md": render_markdown("README.md.j2", view=view),
    }
    for command in practice.commands:
        role = _command_role(command.name)
        hint = "[domain or task]" if role != "review" else "[file or folder to review]"
        files[f"commands/{command.name}.md"] = render_markdown(
            "command.md.j2", view=view, command=command, role=role, hint=hint
        )
    if practice.agent is not None:
        files[f"agents/{practice.agent.name}.md"] = render_markdown(
            "agent.md.j2", view=view, agent=practice.agent
        )
    return files


def _semver(version: str) -> tuple[int, int, int]:
    core = version.split("-", 1)[0].split("+", 1)[0]
    major, minor, patch = (int(part) for part in core.split("."))
    return major, minor, patch


def _previous_version(previous: Mapping[str, str] | None, where: str) -> str | None:
    """The version in the plugin.json a previous render wrote (`where`). A file that is not
    JSON at all (hostile, or a failed disk) stops the render (exit 4): guessing would publish
    a lower version than users already have. A version that is not semver is ignored: the
    manifest's stands."""
    if not previous or PLUGIN_MANIFEST not in previous:
        return None
    text = previous[PLUGIN_MANIFEST]
    if text.startswith(UNREADABLE):
        raise OwnFileError(f"{where}: unreadable, or not UTF-8; delete it and rerun")
    data = parse_own_json(text.encode("utf-8"), where, "the previous plugin manifest")
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str):
        return None
    try:
        _semver(version)
    except ValueError:
        return None
    return version


def versioned_files(
    base_version: str,
    previous: Mapping[str, str] | None,
    make_files: Callable[[str], dict[str, str]],
    where: str = PLUGIN_MANIFEST,
) -> tuple[str, dict[str, str]]:
    """A plugin's files and version. The version lives in its manifest and in the previous
    plugin.json; whichever is higher is used, and its patch is bumped when the generated
    content changed, so users are always offered the update."""
    previous_version = _previous_version(previous, where)
    version = base_version
    if previous_version is not None and _semver(previous_version) > _semver(version):
        version = previous_version
    files = make_files(version)
    if previous is not None and version == previous_version and dict(previous) != files:
        major, minor, patch = _semver(version)
        version = f"{major}.{minor}.{patch + 1}"
        files = make_files(version)
    return version, files


@functools.cache
def _template_engine() -> str:
    return code_digest([], ["Jinja2", "MarkupSafe"])


def versioned_plugin(
    practice: Practice,
    previous: Mapping[str, str] | None,
    make_view: Callable[[str], PluginView],
    where: str = PLUGIN_MANIFEST,
    memo: RenderMemo | None = None,
) -> tuple[str, dict[str, str]]:
    """A practice plugin's files and version (see versioned_files). With a `memo`, the files
    of a view the last scan rendered (same view, same scanner) are taken from the output."""

    def make_files(version: str) -> dict[str, str]:
        view = make_view(version)
        if memo is None:
            return plugin_files(view)
        # The view is the templates' whole input; the package digest covers the templates,
        # and the template engine's versions are part of the code too.
        inputs = digest(package_digest(), _template_engine(), repr(view))
        return memo.tree(plugin_dir(practice.plugin), inputs, lambda: plugin_files(view))

    return versioned_files(practice.version, previous, make_files, where)


@dataclass(frozen=True, slots=True)
class RenderResult:
    changed: tuple[str, ...]  # output paths (files, or plugin folders) that differ
    versions: Mapping[str, str]  # plugin name -> version


def _validate_generated(
    trees: Mapping[str, Mapping[str, str]], marketplace_text: str, memo: RenderMemo | None = None
) -> None:
    """Generated plugins must validate with no errors or warnings, or nothing is written. With
    a `memo`, files that validated in the last scan (same bytes, same scanner) are not
    validated again."""
    inputs = digest(
        package_digest(),
        marketplace_text,
        repr(sorted((k, sorted(v.items())) for k, v in trees.items())),
    )
    if memo is not None and memo.validated(inputs):
        return
    _validate(trees, marketplace_text)
    if memo is not None:
        memo.record_validated(inputs)


def _validate(trees: Mapping[str, Mapping[str, str]], marketplace_text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="scanner-render-") as tmp:
        root = Path(tmp)
        for folder, files in trees.items():
            for rel, text in files.items():
                target = root / folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        (root / ".claude-plugin").mkdir()
        (root / MARKETPLACE_FILE).write_text(marketplace_text, encoding="utf-8")
        report = validate_path(root, strict=True)
    if report.errors:
        details = "; ".join(f"{f.file}:{f.line} {f.code}: {f.message}" for f in report.errors[:10])
        raise RenderError(f"generated plugins do not validate ({len(report.errors)}): {details}")


def render_outputs(
    output: Path,
    *,
    practices: Sequence[Practice],
    marketplace: Marketplace,
    make_view: Callable[[Practice, str], PluginView],
    single_files: Mapping[str, str],
    check: bool,
    router: RouterSpec | None = None,
    folders: Mapping[str, Mapping[str, str]] | None = None,
    memo: RenderMemo | None = None,
) -> RenderResult:
    """Compute every output file; write what changed (or, with `check`, only compare).
    `practices` are the ones that ship (scanner.publishing); with `router`, the router plugin
    that points to them is rendered and listed too.

    Writing is all or nothing up to the final renames (scanner.writer.OutputTransaction): a
    failure leaves the previous output as it was. The catalog goes in last. `folders` are
    generated folders at the top of the output (the site), replaced whole like a plugin."""
    plugins_dir = output / PLUGINS_DIR
    if not check:
        # A run killed inside a folder swap left the previous plugin (or site) beside its
        # place: put it back before its plugin.json is read for the version.
        for parent in (plugins_dir, output):
            try:
                recover_interrupted(parent)
            except OSError as err:
                raise OutputError(f"cannot repair {parent}: {err.strerror or err}") from err
    trees: dict[str, dict[str, str]] = {}
    versions: dict[str, str] = {}
    for practice in sorted(practices, key=lambda p: p.plugin):
        folder = plugin_dir(practice.plugin)
        version, files = versioned_plugin(
            practice,
            read_tree(output / folder),
            functools.partial(make_view, practice),
            str(output / folder / PLUGIN_MANIFEST),
            memo,
        )
        trees[folder] = files
        versions[practice.plugin] = version
    extra: list[JsonObject] = []
    if router is not None and practices:
        folder = f"plugins/{router.plugin}"
        version, files = versioned_files(
            router.version,
            read_tree(output / folder),
            lambda v: router_files(router, v, practices),
            str(output / folder / PLUGIN_MANIFEST),
        )
        trees[folder] = files
        versions[router.plugin] = version
        extra.append(
            {
                "name": router.plugin,
                "source": f"./{folder}",
                "description": router.description,
                "version": version,
                "category": "router",
                "tags": ["proagent", "router"],
            }
        )
    files_out = dict(single_files)
    files_out[MARKETPLACE_FILE] = dump_json(
        marketplace_json(marketplace, practices, versions, extra)
    )
    _validate_generated(trees, files_out[MARKETPLACE_FILE], memo)
    existing = (
        sorted(p.name for p in plugins_dir.iterdir() if p.is_dir()) if plugins_dir.is_dir() else []
    )
    retired = [plugin_dir(name) for name in existing if plugin_dir(name) not in trees]
    retired = [r for r in retired if not r.split("/")[-1].startswith((".tmp-", ".old-"))]
    for folder, folder_files in (folders or {}).items():
        trees[folder] = dict(folder_files)
    changed: list[str] = []
    if check:
        for folder, files in trees.items():
            if compare_tree(output / folder, files).changed:
                changed.append(folder)
        changed += retired
        for rel, text in sorted(files_out.items()):
            target = output / rel
            current = target.read_text(encoding="utf-8") if target.is_file() else None
            if current != text:
                changed.append(rel)
        return RenderResult(tuple(sorted(changed)), versions)
    with OutputTransaction() as transaction:
        for folder, files in trees.items():
            if transaction.stage_tree(output / folder, files).changed:
                changed.append(folder)
        for folder in retired:
            changed.append(folder)
            transaction.stage_removal(output / folder)
        for rel, text in sorted(files_out.items()):
            if transaction.stage_file(output / rel, text, last=rel == CATALOG_JSON):
                changed.append(rel)
        previous_marker = remove_marker(output)  # from here on, the output is not whole
        transaction.commit()
    # The last write of the run.
    if write_marker(output, previous_marker, transaction.contents()):
        changed.append(MARKER)
    return RenderResult(tuple(sorted(changed)), versions)


class RenderError(ScannerError):
    """Generated output failed its own validation; nothing was written."""
