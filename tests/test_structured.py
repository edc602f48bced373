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


def _front_matters() -> list[str]:
    """Every front matter and YAML file we wrote: the examples, fixtures and manifests."""
    root = Path(__file__).resolve().parent.parent
    texts = []
    for folder in ("examples", "tests/fixtures", "manifests"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml"):
                texts.append(path.read_text(encoding="utf-8"))
            elif path.suffix == ".md":
                text = path.read_text(encoding="utf-8")
                if text.startswith("---\n") and "\n---" in text[4:]:
                    texts.append(text[4 : text.index("\n---", 4)])
    return texts


def test_libyaml_and_pure_python_loaders_agree_on_our_yaml() -> None:
    """parse_yaml reads with libyaml first and falls back to PyYAML's own parser on failure;
    on every YAML text of the project both give the same data and the same duplicate keys."""
    import yaml

    from scanner import structured

    texts = [*_front_matters(), "a: 1\na: 2\nwhen: 2024-13-45\nbig: 0b" + "1" * 300 + "\n"]
    assert len(texts) > 20 and yaml.__with_libyaml__
    agreed = 0
    for text in texts:
        fast = structured._load_fast(text, structured._FastDuplicateKeyLoader)
        slow = parse_yaml(text) if fast is None else None
        if slow is not None:  # libyaml refused it: so does PyYAML (the demo's broken files)
            assert not slow.ok
            continue
        loader = structured._DuplicateKeyLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        assert fast == (data, loader.duplicates)
        agreed += 1
    assert agreed > 20


def test_a_yaml_error_is_reported_by_the_pure_python_parser() -> None:
    """libyaml words errors differently; the report must not depend on whether it is there."""
    parsed = parse_yaml("a: b: c\n")
    assert not parsed.ok
    assert parsed.problems[0].message == "YAML error: mapping values are not allowed here"
