"""Strict codecs for what the extraction cache stores: every payload is decoded against the
shape it was written with, and anything else is a CorruptEntryError (the entry is dropped and
rebuilt, never trusted)."""

from __future__ import annotations

from scanner.models import (
    Asset,
    CodeSpan,
    Heading,
    JsonValue,
    Link,
    MarkdownDoc,
    ScanIssue,
    Severity,
    Stage,
    asset_from_json,
)
from scanner.structured import Parsed, Problem


class CorruptEntryError(ValueError):
    """A cached payload that does not match its checksum or its schema."""


def expect_list(value: JsonValue, length: int | None = None) -> list[JsonValue]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise CorruptEntryError(f"expected a list of {length}, got {type(value).__name__}")
    return value


def expect_object(value: JsonValue) -> dict[str, JsonValue]:
    if not isinstance(value, dict):
        raise CorruptEntryError(f"expected an object, got {type(value).__name__}")
    return value


def expect_str(value: JsonValue) -> str:
    if not isinstance(value, str):
        raise CorruptEntryError(f"expected a string, got {type(value).__name__}")
    return value


def expect_int(value: JsonValue) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptEntryError(f"expected an integer, got {type(value).__name__}")
    return value


def expect_bool(value: JsonValue) -> bool:
    if not isinstance(value, bool):
        raise CorruptEntryError(f"expected a boolean, got {type(value).__name__}")
    return value


def expect_str_list(value: JsonValue) -> list[str]:
    return [expect_str(item) for item in expect_list(value)]


def markdown_to_json(doc: MarkdownDoc) -> JsonValue:
    return [
        doc.frontmatter,
        doc.frontmatter_line,
        doc.body_line,
        doc.title,
        [[h.level, h.text, h.line] for h in doc.headings],
        [[link.target, link.text, link.line] for link in doc.links],
        [[span.text, span.line] for span in doc.code_spans],
        doc.line_count,
    ]


def markdown_from_json(value: JsonValue) -> MarkdownDoc:
    (fm, fm_line, body_line, title, headings, links, spans, line_count) = expect_list(value, 8)
    if fm is not None:
        fm = expect_str(fm)
    heading_rows = [expect_list(h, 3) for h in expect_list(headings)]
    link_rows = [expect_list(link, 3) for link in expect_list(links)]
    span_rows = [expect_list(span, 2) for span in expect_list(spans)]
    return MarkdownDoc(
        frontmatter=fm,
        frontmatter_line=expect_int(fm_line),
        body_line=expect_int(body_line),
        title=expect_str(title),
        headings=tuple(
            Heading(expect_int(lv), expect_str(text), expect_int(ln))
            for lv, text, ln in heading_rows
        ),
        links=tuple(
            Link(expect_str(tg), expect_str(text), expect_int(ln)) for tg, text, ln in link_rows
        ),
        code_spans=tuple(CodeSpan(expect_str(text), expect_int(ln)) for text, ln in span_rows),
        line_count=expect_int(line_count),
    )


def parsed_to_json(parsed: Parsed) -> JsonValue:
    return [parsed.data, parsed.ok, [[p.code, p.message, p.line] for p in parsed.problems]]


def parsed_from_json(value: JsonValue) -> Parsed:
    data, ok, problems = expect_list(value, 3)
    rows = [expect_list(p, 3) for p in expect_list(problems)]
    return Parsed(
        data,
        expect_bool(ok),
        tuple(Problem(expect_str(c), expect_str(m), expect_int(ln)) for c, m, ln in rows),
    )


def issue_from_json(value: JsonValue) -> ScanIssue:
    """Rebuild a ScanIssue from `ScanIssue.to_json()`."""
    data = expect_object(value)
    try:
        stage = Stage(expect_str(data.get("stage")))
        severity = Severity(expect_str(data.get("severity")))
    except ValueError as err:
        raise CorruptEntryError(str(err)) from err
    return ScanIssue(
        stage,
        severity,
        expect_str(data.get("code")),
        expect_str(data.get("message")),
        repo=expect_str(data.get("repo")),
        path=expect_str(data.get("path")),
        line=expect_int(data.get("line")),
    )


def asset_from_cache(value: JsonValue) -> Asset:
    data = expect_object(value)
    for key in ("repo", "path", "kind", "found_by", "blob_sha", "language"):
        expect_str(data.get(key))
    expect_int(data.get("size"))
    expect_object(data.get("frontmatter"))
    expect_object(data.get("details"))
    expect_str_list(data.get("headings"))
    for ref in expect_list(data.get("references")):
        expect_str(expect_object(ref).get("target"))
    try:
        return asset_from_json(data)
    except ValueError as err:  # an unknown kind
        raise CorruptEntryError(str(err)) from err
