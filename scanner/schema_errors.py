"""pydantic's validation errors in a manifest's own words: no "Value error, " prefix, and a
"did you mean" for a mistyped key. Shared by every manifest reader (sources, practices,
marketplace, labels) so that they all say it the same way."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from scanner.structured import brief
from scanner.suggest import did_you_mean

_PREFIXES = ("Value error, ", "Assertion failed, ")


def known_keys(model: type[BaseModel]) -> frozenset[str]:
    """Every key the model and the models inside it accept (for suggesting a mistyped one)."""
    found: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, field in annotation.model_fields.items():
                found.add(field.alias or name)
                visit(field.annotation)
            return
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
            for arg in typing.get_args(annotation):
                visit(arg)

    visit(model)
    return frozenset(found)


def plain_message(error: Any) -> str:
    """The error's message without pydantic's "Value error, " prefix."""
    if error.get("type") == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    message = str(error.get("msg", ""))
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return message


def unknown_key(key: object, keys: Iterable[str]) -> str:
    """A key the schema does not know (shown bounded: a hostile file's key can be huge), and
    the known key nearest to it."""
    return f"unknown key {brief(str(key))}{did_you_mean(str(key), keys)}"


def describe(error: Any, keys: Iterable[str]) -> str:
    """What is wrong (the caller says where): unknown and missing keys by name, the rest as
    pydantic words it, without its prefix."""
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "extra_forbidden" and loc:
        return unknown_key(loc[-1], keys)
    if error.get("type") == "missing" and loc:
        return f"missing required key {brief(str(loc[-1]))}"
    return plain_message(error)


def problems(err: ValidationError, model: type[BaseModel]) -> list[str]:
    """Every error as `<where>: <what>`; `where` is the dotted path of the mapping that holds
    the key (for an unknown or missing key) or of the value."""
    keys = known_keys(model)
    out = []
    for error in err.errors():
        loc = tuple(error["loc"])
        if error["type"] in ("extra_forbidden", "missing"):
            loc = loc[:-1]
        where = ".".join(map(str, loc)) or "top level"
        out.append(f"{where}: {describe(error, keys)}")
    return out
