"""The records that flow between stages. Every one is a frozen dataclass: stages never share
mutable state, and a record that leaves a stage is never changed again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeAlias

from scanner.ids import asset_id

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]

SCHEMA_VERSION = 1


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Stage(StrEnum):
    MANIFEST = "manifest"
    SYNC = "sync"
    DISCOVER = "discover"
    GRAPH = "graph"
    CLASSIFY = "classify"
    RENDER = "render"
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class ScanIssue:
    """Something wrong with one input that cost this one finding, not the scan."""

    stage: Stage
    severity: Severity
    code: str  # stable, kebab-case: tests and people grep for it
    message: str  # what is wrong and what to do about it
    repo: str = ""
    path: str = ""
    line: int = 0

    def sort_key(self) -> tuple[str, str, int, str, str]:
        return (self.repo, self.path, self.line, self.code, self.message)

    def to_json(self) -> JsonObject:
        return {
            "stage": self.stage.value,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "repo": self.repo,
            "path": self.path,
            "line": self.line,
        }


# --- sources and sync -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One repository from manifests/sources.yaml, already validated."""

    name: str
    url: str
    ref: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class SyncStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What sync did for one repository. `url` is already redacted of credentials."""

    name: str
    url: str
    ref: str | None
    status: SyncStatus
    commit: str = ""
    commit_date: str = ""  # ISO 8601 committer date of `commit`, from git, never the clock
    reason: str = ""
    checkout: Path | None = None  # the bare, blobless clone (no working tree); not in any output
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is SyncStatus.OK

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "url": self.url,
            "ref": self.ref,
            "commit": self.commit,
            "commit_date": self.commit_date,
            "status": self.status.value,
            "reason": self.reason,
        }


# --- what git tracks ---------------------------------------------------------------------------


class FileMode(StrEnum):
    REGULAR = "100644"
    EXECUTABLE = "100755"
    SYMLINK = "120000"
    SUBMODULE = "160000"


@dataclass(frozen=True, slots=True)
class TrackedFile:
    """One entry of `git ls-files -s`: path relative to the repository root (POSIX)."""

    path: str
    mode: str
    blob_sha: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == FileMode.SYMLINK

    @property
    def is_submodule(self) -> bool:
        return self.mode == FileMode.SUBMODULE


# --- tree-sitter extraction --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link or image: its raw target as written, and the visible text."""

    target: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """An inline code span whose text looks like a path (`agents/x.md`)."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class MarkdownDoc:
    """What tree-sitter finds in a Markdown file. Lines are 1-based, in the original file."""

    frontmatter: str | None  # the YAML text between the fences, without them
    frontmatter_line: int  # line of the opening fence (1) or 0 when there is none
    body_line: int  # first line after the front matter
    title: str  # text of the first heading, "" when there is none
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    code_spans: tuple[CodeSpan, ...]
    line_count: int


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # as written: "fastapi", "@modelcontextprotocol/sdk/server", "./util", "crate::x"
    line: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # dotted callee as written: "FastMCP", "app.get", "anthropic.Anthropic"
    line: int


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """What tree-sitter finds in a source file: its imports and its calls."""

    language: str  # python, javascript, typescript, tsx, rust, go
    imports: tuple[Import, ...]
    calls: tuple[Call, ...]
    has_errors: bool  # the parse tree contains ERROR nodes


# --- assets and references ---------------------------------------------------------------------


class AssetKind(StrEnum):
    SKILL = "skill"
    AGENT = "agent"
    COMMAND = "command"
    HOOK = "hook"
    MCP_CONFIG = "mcp-config"
    PLUGIN_MANIFEST = "plugin-manifest"
    MARKETPLACE = "marketplace"
    GUIDANCE = "guidance"
    PATTERN = "pattern"
    REFERENCE = "reference"
    MCP_SERVER = "mcp-server"
    CLAUDE_ADAPTER = "claude-adapter"
    CODE = "code"


class RefKind(StrEnum):
    """How an asset refers to something; the graph stage turns these into typed edges."""

    LINK = "link"  # Markdown link target, relative to the file
    MENTION = "mention"  # path-like code span
    SKILL = "skill"  # a skill named in an agent's `skills:` list
    COMPONENT = "component"  # a path declared by a plugin or marketplace manifest
    IMPORT = "import"  # a code import
    FILE = "file"  # a file in a skill's folder


@dataclass(frozen=True, slots=True)
class RawReference:
    kind: RefKind
    target: str  # as written in the source
    line: int = 0
    text: str = ""

    def to_json(self) -> JsonObject:
        return {
            "kind": self.kind.value,
            "target": self.target,
            "line": self.line,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Asset:
    """One Claude Code asset. Identity is repo + path; content identity is the blob SHA."""

    repo: str
    path: str
    kind: AssetKind
    found_by: str  # the handler id
    blob_sha: str
    size: int
    language: str  # "markdown", "json", "python", ...
    name: str = ""
    title: str = ""
    description: str = ""
    frontmatter: Mapping[str, JsonValue] = field(default_factory=dict)
    headings: tuple[str, ...] = ()
    references: tuple[RawReference, ...] = ()
    # kind-specific facts (hook events, MCP servers, frameworks, declared components, ...)
    details: Mapping[str, JsonValue] = field(default_factory=dict)
    symlink_target: str = ""  # set when the tracked file is a symlink inside the repository

    @property
    def id(self) -> str:
        return asset_id(self.repo, self.path)

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "repo": self.repo,
            "path": self.path,
            "kind": self.kind.value,
            "found_by": self.found_by,
            "blob_sha": self.blob_sha,
            "size": self.size,
            "language": self.language,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "frontmatter": dict(self.frontmatter),
            "headings": list(self.headings),
            "references": [r.to_json() for r in self.references],
            "details": dict(self.details),
            "symlink_target": self.symlink_target,
        }


def _str_of(data: JsonObject, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _obj_of(data: JsonObject, key: str) -> dict[str, JsonValue]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def asset_from_json(data: JsonObject) -> Asset:
    """Rebuild an Asset from its catalog JSON (the baseline of the next scan)."""
    refs: list[RawReference] = []
    raw_refs = data.get("references")
    for ref in raw_refs if isinstance(raw_refs, list) else []:
        if isinstance(ref, dict):
            line = ref.get("line")
            refs.append(
                RawReference(
                    RefKind(_str_of(ref, "kind")),
                    _str_of(ref, "target"),
                    line if isinstance(line, int) else 0,
                    _str_of(ref, "text"),
                )
            )
    headings = data.get("headings")
    size = data.get("size")
    return Asset(
        repo=_str_of(data, "repo"),
        path=_str_of(data, "path"),
        kind=AssetKind(_str_of(data, "kind")),
        found_by=_str_of(data, "found_by"),
        blob_sha=_str_of(data, "blob_sha"),
        size=size if isinstance(size, int) else 0,
        language=_str_of(data, "language"),
        name=_str_of(data, "name"),
        title=_str_of(data, "title"),
        description=_str_of(data, "description"),
        frontmatter=_obj_of(data, "frontmatter"),
        headings=tuple(h for h in headings if isinstance(h, str))
        if isinstance(headings, list)
        else (),
        references=tuple(refs),
        details=_obj_of(data, "details"),
        symlink_target=_str_of(data, "symlink_target"),
    )


# --- graph and classification ------------------------------------------------------------------


class EdgeType(StrEnum):
    LINKS_TO = "links-to"
    MENTIONS = "mentions"
    USES_SKILL = "uses-skill"
    CONTAINS = "contains"
    IMPORTS = "imports"
    DERIVED_FROM = "derived-from"


@dataclass(frozen=True, slots=True)
class Relationship:
    """A typed edge between two assets, or from an asset to the unresolved target of a broken
    reference (`resolved` False, `target` is then `<repo>::<path>` or the raw text)."""

    source: str  # asset id
    target: str  # asset id, or what the reference pointed at when unresolved
    type: EdgeType
    resolved: bool
    raw: str = ""  # the reference as written
    line: int = 0  # where it was written in the source asset

    def sort_key(self) -> tuple[str, str, str, int, str]:
        return (self.source, self.type.value, self.target, self.line, self.raw)

    def to_json(self) -> JsonObject:
        return {
            "source": self.source,
            "target": self.target,
            "type": self.type.value,
            "resolved": self.resolved,
            "raw": self.raw,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class DomainAssignment:
    """An asset placed in one domain of one practice, with the score and the rules that fired."""

    practice: str
    domain: str
    score: float
    reasons: tuple[str, ...]  # one line per rule that fired, e.g. "keyword 'cqrs' in title (+3)"

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "domain": self.domain,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


def issue_from_json(data: JsonObject) -> ScanIssue:
    line = data.get("line")
    return ScanIssue(
        stage=Stage(_str_of(data, "stage")),
        severity=Severity(_str_of(data, "severity")),
        code=_str_of(data, "code"),
        message=_str_of(data, "message"),
        repo=_str_of(data, "repo"),
        path=_str_of(data, "path"),
        line=line if isinstance(line, int) else 0,
    )


def sync_result_from_json(data: JsonObject) -> SyncResult:
    ref = data.get("ref")
    return SyncResult(
        name=_str_of(data, "name"),
        url=_str_of(data, "url"),
        ref=ref if isinstance(ref, str) else None,
        status=SyncStatus(_str_of(data, "status")),
        commit=_str_of(data, "commit"),
        commit_date=_str_of(data, "commit_date"),
        reason=_str_of(data, "reason"),
    )


def assignment_from_json(data: JsonObject) -> DomainAssignment:
    score = data.get("score")
    reasons = data.get("reasons")
    return DomainAssignment(
        practice=_str_of(data, "practice"),
        domain=_str_of(data, "domain"),
        score=float(score) if isinstance(score, int | float) else 0.0,
        reasons=tuple(r for r in reasons if isinstance(r, str))
        if isinstance(reasons, list)
        else (),
    )
