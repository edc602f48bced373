"""Reading back our own JSON: the nesting bound holds exactly at its limit, and the walk over
containers finds what a walk over every value finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.models import JsonValue
from scanner.readback import MAX_OWN_JSON_DEPTH, OwnFileError, _depth_problem, read_own_json


def every_value_walk(value: JsonValue, limit: int) -> bool:
    """The specification: some value (scalar or container) lies deeper than `limit`."""
    stack: list[tuple[JsonValue, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def nested(depth: int, inner: str) -> str:
    """`inner` inside `depth` containers, lists and objects taking turns."""
    text = inner
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k": {text}}}'
    return text


@pytest.mark.parametrize("inner", ["1", '"x"', "[]", "{}", "null", "[1]", '{"a": {}}'])
@pytest.mark.parametrize("depth", [0, 1, MAX_OWN_JSON_DEPTH - 2, MAX_OWN_JSON_DEPTH - 1])
def test_the_bound_is_exact(tmp_path: Path, inner: str, depth: int) -> None:
    path = tmp_path / "own.json"
    for extra in range(3):
        text = nested(depth + extra, inner)
        value = json.loads(text)
        too_deep = every_value_walk(value, MAX_OWN_JSON_DEPTH)
        assert (_depth_problem(value) is not None) == too_deep
        path.write_text(text, encoding="utf-8")
        if too_deep:
            with pytest.raises(OwnFileError, match=f"deeper than {MAX_OWN_JSON_DEPTH} levels"):
                read_own_json(path, "a test file")
        else:
            assert read_own_json(path, "a test file") == value


def test_one_level_past_the_bound_is_refused() -> None:
    at_limit = json.loads(nested(MAX_OWN_JSON_DEPTH, "1"))  # the 1 is at the limit
    assert _depth_problem(at_limit) is None
    assert _depth_problem([at_limit]) is not None
    assert _depth_problem({"a": [], "b": [at_limit]}) is not None


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(min_value=0, max_value=6))
def test_the_walk_agrees_with_a_walk_over_every_value(value: Any, wrap: int) -> None:
    # Small documents wrapped close to the bound, so that both outcomes occur.
    for _ in range(MAX_OWN_JSON_DEPTH - 4 + wrap):
        value = [value]
    assert (_depth_problem(value) is not None) == every_value_walk(value, MAX_OWN_JSON_DEPTH)
