"""The fast JSON encoder writes exactly what json.dumps writes in the output style."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.json_text import dumps_sorted_indented
from scanner.writer import dump_json


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()  # NaN and infinities included: handed to json.dumps
    | st.text()
    | st.text(alphabet=st.characters(exclude_categories=()))  # lone surrogates too
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_sorted_indented(value) == reference(value)


class Colour(enum.IntEnum):
    RED = 1


class Label(enum.StrEnum):
    A = "a"


@pytest.mark.parametrize(
    "value",
    [
        {"b": (1, 2), "a": [3]},  # a tuple: a list to json
        {2: "x", 1: "y"},  # keys that are not text
        {"n": float("nan"), "i": float("-inf")},
        {"e": Colour.RED, "s": Label.A},  # subclasses of int and str
        {"s": "\ud800 lone surrogate", "u": "ünïcödé \u2028"},
        [[[[]]], {}, [{}], ""],
    ],
)
def test_what_the_fast_path_does_not_spell_is_spelled_by_json_dumps(value: Any) -> None:
    assert dumps_sorted_indented(value) == reference(value)


def test_what_json_dumps_refuses_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        dumps_sorted_indented(loop)
    with pytest.raises(TypeError):
        dumps_sorted_indented({"a": object()})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        dumps_sorted_indented({"a": 1, 2: 3})  # type: ignore[dict-item]


def test_dump_json_ends_with_a_newline() -> None:
    assert dump_json({"b": [1, "é"], "a": None}) == reference({"b": [1, "é"], "a": None}) + "\n"
