"""Safe, bounded YAML and JSON parsing of harvested content."""

from __future__ import annotations

import time
from pathlib import Path

from scanner.structured import parse_json, parse_yaml


def test_plain_front_matter() -> None:
    parsed = parse_yaml("name: x\ndescription: y\ntags: [a, b]\n")
    assert parsed.ok and parsed.data == {"name": "x", "description": "y", "tags": ["a", "b"]}
    assert parsed.problems == ()


def test_python_tags_are_refused_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    parsed = parse_yaml(text)
    assert not parsed.ok
    assert [p.code for p in parsed.problems] == ["yaml-parse-error"]
    assert not marker.exists()


def test_alias_bomb_is_bounded() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    started = time.perf_counter()
    parsed = parse_yaml("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5
    assert not parsed.ok
    assert parsed.problems[0].code == "yaml-too-complex"


def test_duplicate_and_non_string_keys() -> None:
    parsed = parse_yaml("name: a\nname: b\n1: one\n")
    assert parsed.ok
    assert parsed.data == {"name": "b", "1": "one"}
    assert sorted(p.code for p in parsed.problems) == ["duplicate-key", "non-string-key"]
    assert [p.line for p in parsed.problems if p.code == "duplicate-key"] == [2]


def test_oversized_and_deep_inputs() -> None:
    assert parse_yaml("x: " + "a" * 300_000).problems[0].code == "frontmatter-too-large"
    deep = "[" * 5000 + "]" * 5000
    assert not parse_yaml(deep).ok
    assert not parse_json(deep).ok
    assert parse_json('{"a": [1, 2]}').data == {"a": [1, 2]}
    bad = parse_json('{"a": ')
    assert not bad.ok and bad.problems[0].code == "json-parse-error"


def test_yaml_error_line_is_reported() -> None:
    parsed = parse_yaml("name: ok\ndescription: [unclosed\nother: 1\n")
    assert not parsed.ok
    assert parsed.problems[0].line >= 2
