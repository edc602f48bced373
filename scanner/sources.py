"""Load and validate the sources manifest (manifests/sources.yaml).

Every problem of the file is collected, each naming its entry, before one ManifestError is
raised: a person fixes the whole file in one go. Nothing is cloned from an invalid manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pathspec
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from scanner.errors import ManifestError
from scanner.git.safety import SOURCE_NAME_RE, redact_url, ref_problem, url_problem
from scanner.models import SourceSpec
from scanner.schema_errors import known_keys, unknown_key
from scanner.structured import brief, load_manifest_yaml

SCHEMA_VERSION = 1


def pattern_problem(pattern: str) -> str | None:
    """Why an include/exclude pattern is unusable, or None. Patterns are gitignore-style and
    relative to the repository root."""
    if not pattern.strip():
        return "a pattern must not be empty"
    if pattern.startswith("/"):
        return (
            f"pattern {pattern!r} is absolute; patterns are relative to the repository root "
            "(drop the leading '/')"
        )
    if ".." in pattern.replace("\\", "/").split("/"):
        return f"pattern {pattern!r} climbs out of the repository with '..'"
    if pattern.startswith("#"):
        return f"pattern {pattern!r} is a comment in gitignore syntax (escape it as '\\#')"
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as err:
        return f"pattern {pattern!r} is not a valid gitignore pattern ({err})"
    return None


class _Repository(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    url: str
    ref: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not SOURCE_NAME_RE.match(value):
            raise ValueError(
                "must be 1-100 characters of letters, digits, '.', '_' or '-', starting with "
                "a letter or digit"
            )
        return value

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(f"{redact_url(value)!r} is refused: {problem}")
        return value

    @field_validator("ref")
    @classmethod
    def _valid_ref(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) in (40, 64) and all(ch in "0123456789abcdefABCDEF" for ch in value):
            value = value.lower()  # a full commit SHA: git wants it in lower case
        problem = ref_problem(value)
        if problem:
            raise ValueError(f"{value!r} is not a branch, tag or full commit SHA: {problem}")
        return value

    @field_validator("include", "exclude")
    @classmethod
    def _valid_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = [p for p in map(pattern_problem, value) if p]
        if problems:
            raise ValueError("; ".join(problems))
        return value


class _Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1]
    repositories: tuple[_Repository, ...]


def _entry_label(raw: object, index: int) -> str:
    label = f"repositories[{index}]"
    if isinstance(raw, dict):
        entries = raw.get("repositories")
        if isinstance(entries, list) and index < len(entries):
            entry = entries[index]
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                label += f" (name {brief(entry['name'])})"
    return label


def _describe(raw: object, error: Any) -> str:
    """One pydantic error as `<where>: <what>`, in the manifest's own words."""
    loc: tuple[int | str, ...] = tuple(error["loc"])
    where = "top level"
    rest = loc
    if len(loc) >= 2 and loc[0] == "repositories" and isinstance(loc[1], int):
        where = _entry_label(raw, loc[1])
        rest = loc[2:]
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where}: {unknown_key(rest[-1], known_keys(_Manifest))}"
    if kind == "missing":
        return f"{where}: missing required key {brief(str(rest[-1]))}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    elif kind == "literal_error" and rest == ("schema_version",):
        message = f"must be {SCHEMA_VERSION} (got {brief(error['input'])})"
    else:
        message = str(error["msg"])
    field = ".".join(str(part) for part in rest)
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def _duplicate_names(raw: object) -> list[str]:
    """Names must be unique ignoring case: they become directory names."""
    problems: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("repositories"), list):
        return problems
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(raw["repositories"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        key = entry["name"].lower()
        if key in first_seen:
            problems.append(
                f"{_entry_label(raw, index)}: duplicate name, already used by "
                f"repositories[{first_seen[key]}] (names must be unique, ignoring case)"
            )
        else:
            first_seen[key] = index
    return problems


def load_sources(path: Path) -> tuple[SourceSpec, ...]:
    """The repositories of a sources manifest, in file order. Raises ManifestError listing
    every problem found."""
    raw = load_manifest_yaml(path)
    if not isinstance(raw, dict):
        raise ManifestError(
            str(path),
            ["the file must be a mapping with the keys 'schema_version' and 'repositories'"],
        )

    problems: list[str] = []
    manifest: _Manifest | None = None
    try:
        manifest = _Manifest.model_validate(raw)
    except ValidationError as err:
        problems.extend(_describe(raw, e) for e in err.errors(include_url=False))
    if raw.get("repositories") == []:
        problems.append("top level: repositories: lists no repository")
    problems.extend(_duplicate_names(raw))
    if problems or manifest is None:
        raise ManifestError(str(path), problems)
    return tuple(
        SourceSpec(
            name=repo.name,
            url=repo.url,
            ref=repo.ref,
            include=repo.include,
            exclude=repo.exclude,
        )
        for repo in manifest.repositories
    )
