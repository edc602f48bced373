"""What a handler is: data (an id, the kind it finds, glob patterns, a description) plus one
parse function from a file's text to an Asset and its ScanIssues.

A parse function returns None when the file is not its kind after all (an `agents/README.md`),
so the next handler in the registry may claim it.

Every result leaves through `redact_result`: whatever a parse function copies from the file (front
matter, titles, headings, link targets, config details, messages), a secret in it is replaced
before anything downstream sees it, and reported once."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pathspec

from scanner import treesitter
from scanner.formats import Finding, frontmatter_key_line
from scanner.models import (
    Asset,
    AssetKind,
    JsonValue,
    MarkdownDoc,
    RawReference,
    RefKind,
    ScanIssue,
    Severity,
    Stage,
)
from scanner.secrets import redact, redact_json
from scanner.structured import Parsed, Problem, parse_json, parse_yaml


class FileInput:
    """One file handed to handlers: its identity, its text, and read-only repository context.

    Markdown and front matter are parsed lazily, once, however many handlers look."""

    def __init__(
        self,
        repo: str,
        path: str,
        blob_sha: str,
        size: int,
        text: str,
        repo_paths: frozenset[str],
        symlink_target: str = "",
    ) -> None:
        self.repo = repo
        self.path = path
        self.blob_sha = blob_sha
        self.size = size
        self.text = text
        self.repo_paths = repo_paths
        self.symlink_target = symlink_target

    @property
    def dir(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def filename(self) -> str:
        return posixpath.basename(self.path)

    @cached_property
    def markdown(self) -> MarkdownDoc:
        return treesitter.parse_markdown(self.text)

    @cached_property
    def frontmatter(self) -> Parsed | None:
        """None when the file has no front matter block."""
        doc = self.markdown
        if doc.frontmatter is None:
            return None
        return parse_yaml(doc.frontmatter)

    @cached_property
    def json(self) -> Parsed:
        return parse_json(self.text)

    def asset(
        self,
        kind: AssetKind,
        found_by: str,
        language: str,
        *,
        name: str = "",
        title: str = "",
        description: str = "",
        frontmatter: Mapping[str, JsonValue] | None = None,
        headings: tuple[str, ...] = (),
        references: tuple[RawReference, ...] = (),
        details: Mapping[str, JsonValue] | None = None,
    ) -> Asset:
        """An Asset of this file: identity, content and size come from the file itself."""
        return Asset(
            repo=self.repo,
            path=self.path,
            kind=kind,
            found_by=found_by,
            blob_sha=self.blob_sha,
            size=self.size,
            language=language,
            name=name,
            title=title,
            description=description,
            frontmatter=dict(frontmatter or {}),
            headings=headings,
            references=references,
            details=dict(details or {}),
            symlink_target=self.symlink_target,
        )

    def issue(self, severity: Severity, code: str, message: str, line: int = 0) -> ScanIssue:
        return ScanIssue(
            Stage.DISCOVER, severity, code, message, repo=self.repo, path=self.path, line=line
        )

    def finding_issue(self, finding: Finding) -> ScanIssue:
        """A front matter Finding as a ScanIssue, at the line of the key it is about."""
        line = self.markdown.frontmatter_line
        text = self.markdown.frontmatter
        if finding.pointer and isinstance(finding.pointer[0], str) and text is not None:
            line += frontmatter_key_line(text, finding.pointer[0])  # YAML starts a line later
        return self.issue(finding.severity, finding.code, finding.message, line)

    def problem_issue(
        self, problem: Problem, severity: Severity, line_offset: int = 0
    ) -> ScanIssue:
        line = problem.line + line_offset if problem.line else line_offset
        return self.issue(severity, problem.code, problem.message, line)


@dataclass(frozen=True, slots=True)
class HandlerResult:
    asset: Asset | None
    issues: tuple[ScanIssue, ...] = ()


ParseFunction = Callable[[FileInput], HandlerResult | None]

LEAKED_SECRET = "leaked-secret"


def _redact_mapping(data: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    clean = redact_json(dict(data))
    return clean if isinstance(clean, dict) else {}


def redact_asset(asset: Asset) -> Asset:
    """The asset with every secret in its harvested text replaced (scanner.secrets)."""
    return replace(
        asset,
        name=redact(asset.name),
        title=redact(asset.title),
        description=redact(asset.description),
        frontmatter=_redact_mapping(asset.frontmatter),
        headings=tuple(redact(h) for h in asset.headings),
        references=tuple(
            replace(r, target=redact(r.target), text=redact(r.text)) for r in asset.references
        ),
        details=_redact_mapping(asset.details),
    )


def redact_result(result: HandlerResult | None) -> HandlerResult | None:
    """A handler's result with its secrets redacted; a file whose asset held one gets a
    `leaked-secret` issue unless its handler reported the leak itself."""
    if result is None:
        return None
    issues = tuple(replace(i, message=redact(i.message)) for i in result.issues)
    asset = result.asset
    if asset is None:
        return HandlerResult(None, issues)
    clean = redact_asset(asset)
    if clean != asset and not any(i.code == LEAKED_SECRET for i in issues):
        issues += (
            ScanIssue(
                Stage.DISCOVER,
                Severity.ERROR,
                LEAKED_SECRET,
                "a literal credential appears in this file; it is redacted in the catalog and "
                "everything generated from it: remove it from the repository and rotate it",
                repo=asset.repo,
                path=asset.path,
            ),
        )
    return HandlerResult(clean, issues)


def _redacting(parse: ParseFunction) -> ParseFunction:
    @functools.wraps(parse)
    def parse_and_redact(fi: FileInput) -> HandlerResult | None:
        return redact_result(parse(fi))

    return parse_and_redact


@dataclass(frozen=True, slots=True)
class Handler:
    id: str
    kind: AssetKind
    patterns: tuple[str, ...]
    description: str
    parse: ParseFunction
    exclude: tuple[str, ...] = ()
    _spec: pathspec.PathSpec[Any] = field(init=False, repr=False, compare=False)
    _exclude_spec: pathspec.PathSpec[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # No handler can forget to redact: its parse function is wrapped once, here.
        object.__setattr__(self, "parse", _redacting(self.parse))
        object.__setattr__(self, "_spec", pathspec.PathSpec.from_lines("gitignore", self.patterns))
        object.__setattr__(
            self, "_exclude_spec", pathspec.PathSpec.from_lines("gitignore", self.exclude)
        )

    def selects(self, path: str) -> bool:
        """Glob selection only: would this handler look at a file at `path`?"""
        return self._spec.match_file(path) and not self._exclude_spec.match_file(path)


# --- helpers shared by the Markdown handlers ---------------------------------------------------


def text_field(data: Mapping[str, JsonValue], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def first_sentence(text: str, limit: int = 300) -> str:
    """A one-line description from body text, for files with no description field."""
    flat = " ".join(text.split())
    for stop in (". ", "! ", "? "):
        cut = flat.find(stop)
        if 0 < cut < limit:
            return flat[: cut + 1]
    return flat[:limit]


def first_paragraph(fi: FileInput) -> str:
    """The first prose paragraph after the front matter and title."""
    lines = fi.text.split("\n")[max(fi.markdown.body_line - 1, 0) :]
    para: list[str] = []
    fence = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        if not stripped or stripped.startswith(("#", "|", "<", "-", "*", ">", "!", "[")):
            if para:
                break
            continue
        para.append(stripped)
    return first_sentence(" ".join(para))


def markdown_references(fi: FileInput) -> list[RawReference]:
    doc = fi.markdown
    refs = [RawReference(RefKind.LINK, link.target, link.line, link.text) for link in doc.links]
    refs += [RawReference(RefKind.MENTION, span.text, span.line) for span in doc.code_spans]
    return refs


def frontmatter_data(
    fi: FileInput, issues: list[ScanIssue], *, required: bool
) -> dict[str, JsonValue]:
    """Parsed front matter as a mapping; problems become ScanIssues on `issues`.

    A block that does not parse is an error: Claude Code would load the file with no fields."""
    parsed = fi.frontmatter
    if parsed is None:
        if required:
            issues.append(
                fi.issue(Severity.ERROR, "frontmatter-missing", "no YAML front matter block", 1)
            )
        return {}
    offset = fi.markdown.frontmatter_line  # problem lines are relative to the YAML text
    for problem in parsed.problems:
        severity = Severity.ERROR if not parsed.ok else Severity.WARNING
        code = "frontmatter-parse-error" if problem.code == "yaml-parse-error" else problem.code
        issues.append(fi.issue(severity, code, problem.message, problem.line + offset))
    if not parsed.ok:
        return {}
    if not isinstance(parsed.data, dict):
        if parsed.data is not None:
            issues.append(
                fi.issue(
                    Severity.ERROR,
                    "frontmatter-not-mapping",
                    "front matter is not a mapping of keys to values",
                    offset,
                )
            )
        return {}
    return parsed.data


def check_string_fields(
    fi: FileInput, data: Mapping[str, JsonValue], keys: tuple[str, ...], issues: list[ScanIssue]
) -> None:
    for key in keys:
        if key in data and not isinstance(data[key], str):
            issues.append(
                fi.issue(
                    Severity.ERROR,
                    "frontmatter-field-type",
                    f"front matter `{key}` must be a string, not {type(data[key]).__name__}",
                    fi.markdown.frontmatter_line,
                )
            )


def markdown_asset(
    fi: FileInput,
    kind: AssetKind,
    found_by: str,
    data: Mapping[str, JsonValue],
    *,
    name: str,
    extra_refs: list[RawReference] | None = None,
    details: Mapping[str, JsonValue] | None = None,
) -> Asset:
    doc = fi.markdown
    description = text_field(data, "description") or first_paragraph(fi)
    return fi.asset(
        kind,
        found_by,
        "markdown",
        name=name,
        title=doc.title,
        description=description,
        frontmatter=data,
        headings=tuple(h.text for h in doc.headings),
        references=tuple(markdown_references(fi) + (extra_refs or [])),
        details=details,
    )


def stem(path: str) -> str:
    base = posixpath.basename(path)
    return base.rsplit(".", 1)[0] if "." in base else base
