"""Properties over every input (hypothesis): the extractors return a result for any text or
bytes, within a time bound, and what they return can always be written out; the manifest
loader returns repositories or raises ManifestError, nothing else.

`make test` runs a small, fixed set of examples (profile `hazards`); `make fuzz` runs a
hundred times as many, new ones each time (profile `fuzz`)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner.errors import ManifestError
from scanner.models import CodeFacts, MarkdownDoc
from scanner.secrets import TOKEN_PATTERNS, redact
from scanner.sources import load_sources
from scanner.structured import Parsed, parse_json, parse_yaml
from scanner.treesitter import CODE_LANGUAGES, MAX_CALLS, MAX_IMPORTS, parse_code, parse_markdown
from scanner.writer import dump_json

SECONDS = 5.0  # per call: generous for a loaded CI machine; a regression takes minutes

# Fragments that mean something to each parser, so that examples are hostile, not just noise.
# fmt: off
YAML_PIECES = [
    "key: value\n", "- item\n", "  nested: 1\n", "? complex\n: key\n", "&a ", "*a ", "<<: *a\n",
    "!!python/object/apply:os.system ['true']\n", "!!python/name:os.system\n", "!!set {a, b}\n",
    "!!binary aGk=\n", "!!timestamp 2024-13-45\n", "!!float x\n", "!!bool maybe\n", "!!int 0x",
    "!custom x\n", "[", "]", "{", "}", ", ", '"\\ud800"', "'", '"', "|\n  block\n", ">-\n",
    "---\n", "...\n", "%YAML 1.1\n", "#", "\t", "2024-01-01", "1e999", ".inf", ".nan", "0b1",
    "9" * 5000, "~", "null", "yes", "\x00", "\ufeff", "\r\n", ": ", "-", "@", "`",
]
JSON_PIECES = [
    "{", "}", "[", "]", ",", ":", '"k"', '"\\ud800"', '"\\u0000"', "1e999", "-0", "NaN",
    "Infinity", "9" * 5000, "true", "null", " ", "\n", '"', "\\", "0.1", "[" * 300, "]" * 300,
]
MARKDOWN_PIECES = [
    "# ", "## ", "\n", "\n\n", "---\n", "> ", "- ", "1. ", "  ", "    ", "```", "~~~", "`", "[",
    "]", "(", ")", "![", "](", "[a](b)", "![a](b)", "<", ">", "<http://x>", "*", "_", "|", "|-|",
    "\\", "&amp;", "[^1]", "[x]: /y\n", "<!--", "-->", "<div>", "\x00", "\r", "\t", "a", " ",
    "`path/to/file.md`", "\ufeff",
]
CODE_PIECES = [
    "import os\n", "from a.b import c\n", "import x from 'y';\n", "use a::b;\n", 'import "fmt"\n',
    "f(", ")", "(", "{", "}", "[", "]", "a.b()", ".c()", "x = ", "def f():\n", "fn main() {",
    "@deco\n", "require('m')", "\n", " ", "'", '"', "`", "/*", "*/", "#", "//", "\x00", "\xff",
]
# fmt: on


def pieces(fragments: list[str], max_size: int = 80) -> st.SearchStrategy[str]:
    """Any text; or the parser's own fragments in any order, with or without noise between."""
    fragment = st.sampled_from(fragments)
    noisy = st.one_of(fragment, st.text(max_size=6))
    return st.one_of(
        st.text(max_size=max_size * 4),
        st.lists(fragment, max_size=max_size).map("".join),
        st.lists(noisy, max_size=max_size).map("".join),
    )


def timed(started: float) -> None:
    assert time.perf_counter() - started < SECONDS


def writable(parsed: Parsed) -> None:
    """What a parser returns goes into catalog.json: strict JSON, valid UTF-8."""
    assert isinstance(parsed, Parsed)
    if not parsed.ok:
        assert parsed.data is None and parsed.problems
    json.dumps(parsed.data, allow_nan=False).encode("utf-8")
    dump_json(parsed.data).encode("utf-8")
    for problem in parsed.problems:
        problem.message.encode("utf-8")


@given(pieces(YAML_PIECES))
def test_property_parse_yaml_never_raises(text: str) -> None:
    started = time.perf_counter()
    parsed = parse_yaml(text)
    timed(started)
    writable(parsed)


@given(pieces(JSON_PIECES))
def test_property_parse_json_never_raises(text: str) -> None:
    started = time.perf_counter()
    parsed = parse_json(text)
    timed(started)
    writable(parsed)


@given(pieces(MARKDOWN_PIECES, max_size=200))
def test_property_parse_markdown_never_raises(text: str) -> None:
    started = time.perf_counter()
    doc = parse_markdown(text)
    timed(started)
    assert isinstance(doc, MarkdownDoc)
    assert doc == parse_markdown(text)  # deterministic
    last = max(doc.line_count, 1)
    for item in (*doc.headings, *doc.links, *doc.code_spans):
        assert 1 <= item.line <= last
    assert doc.title in {h.text for h in doc.headings} | {""}
    if doc.frontmatter is not None:
        assert doc.frontmatter_line == 1 and doc.body_line >= 2
        writable(parse_yaml(doc.frontmatter))


@given(
    st.sampled_from(sorted(CODE_LANGUAGES)),
    st.one_of(
        st.binary(max_size=400),
        pieces(CODE_PIECES, max_size=120).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
)
def test_property_parse_code_never_raises(language: str, data: bytes) -> None:
    started = time.perf_counter()
    facts = parse_code(data, language)
    timed(started)
    assert isinstance(facts, CodeFacts)
    assert facts.language == language
    assert len(facts.imports) <= MAX_IMPORTS and len(facts.calls) <= MAX_CALLS
    assert all(i.line >= 1 for i in facts.imports) and all(c.line >= 1 for c in facts.calls)


# --- the sources manifest ------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://github.com/acme/x.git",
            "file:///tmp/x",
            "-oProxyCommand=x",
            "ext::sh -c x",
            "git@github.com:acme/x.git",
            "https://u:p@h/x",
            "main",
            "a" * 40,
            "../**",
            "/abs",
        ]
    ),
)


def _containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    )


VALUES = st.recursive(SCALARS, _containers, max_leaves=12)
ENTRY = st.dictionaries(
    st.sampled_from(["name", "url", "ref", "include", "exclude", "extra"]), VALUES, max_size=6
)
MANIFEST = st.fixed_dictionaries(
    {},
    optional={
        "schema_version": st.one_of(st.just(1), SCALARS),
        "repositories": st.one_of(st.lists(ENTRY, max_size=4), VALUES),
        "other": VALUES,
    },
)


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("manifests") / "sources.yaml"


@given(
    st.one_of(
        MANIFEST.map(lambda m: yaml.safe_dump(m, allow_unicode=True)),
        pieces(YAML_PIECES),
    )
)
def test_property_load_sources_raises_only_manifest_error(manifest_path: Path, text: str) -> None:
    manifest_path.write_text(text, encoding="utf-8", errors="surrogatepass")
    started = time.perf_counter()
    try:
        specs = load_sources(manifest_path)
    except ManifestError as err:
        assert err.problems
        str(err).encode("utf-8")  # printable as it is
    else:
        assert specs and all(s.name and s.url for s in specs)
    timed(started)


@given(
    st.text(max_size=40),
    st.sampled_from(
        [
            "ghp_" + "a1B2" * 9,
            "github_pat_" + "x" * 30,
            "sk-ant-api03-" + "Zz9_" * 6,
            "xoxb-1234567890-abcdef",
            "AKIA" + "ABCDEFGHIJKLMNOP",
            "https://bot:hunter2@example.invalid/x",
        ]
    ),
    st.text(max_size=40),
)
def test_property_redact_leaves_no_secret(before: str, secret: str, after: str) -> None:
    clean = redact(f"{before}{secret}{after}")
    assert not any(p.search(clean) for p in TOKEN_PATTERNS) or secret.startswith("https")
    assert "hunter2" not in clean
    assert redact(clean) == clean  # idempotent
