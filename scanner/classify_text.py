"""What the classification rules read from an asset: the words of each text field (name,
title, description, tags, headings, path), where each word occurs, and the code signals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scanner.handlers.code import written_descriptions
from scanner.ids import pin_form
from scanner.models import Asset, JsonValue
from scanner.practices import TOKEN_RE

TAG_KEYS = ("tags", "keywords", "category")


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case words: runs of letters and digits. `cached_property` is `cached`, `property`;
    `interest` never contains the word `rest`."""
    return tuple(TOKEN_RE.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class AssetText:
    """An asset as the rules see it: word sequences per text field, signal values per field."""

    fields: Mapping[str, tuple[tuple[str, ...], ...]]
    signals: Mapping[str, tuple[str, ...]]
    location: str  # <repo>/<path>, what path rules match
    # Per field, where each word occurs: word -> ((sequence index, position), ...). Terms are
    # looked up by their first word instead of scanning every sequence.
    positions: Mapping[str, Mapping[str, tuple[tuple[int, int], ...]]]
    # Every word of every field, sorted (scanner.rules.may_match skips domains by it).
    words: tuple[str, ...] = ()
    # Per field, its distinct words sorted: prefix terms (`optimiz*`) are found by bisection.
    sorted_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _positions(sequences: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[int, int], ...]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for seq_index, seq in enumerate(sequences):
        for position, word in enumerate(seq):
            found.setdefault(word, []).append((seq_index, position))
    return {word: tuple(places) for word, places in found.items()}


def _strings(value: JsonValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def scanner_written(asset: Asset) -> bool:
    """Whether the asset's description is one the scanner wrote itself (discovery describes a
    code file by its kind and SDKs): the same words for unrelated files, saying nothing about
    what this one does."""
    written = written_descriptions(asset.kind, asset.language, asset.details)
    return bool(asset.description) and asset.description in written


def asset_text(asset: Asset, *, upstream_only: bool = False) -> AssetText:
    """With upstream_only, a description the scanner wrote (scanner_written) is left out."""
    tags = [t for key in TAG_KEYS for t in _strings(asset.frontmatter.get(key))]
    description = "" if upstream_only and scanner_written(asset) else asset.description
    fields = {
        "name": (tokens(asset.name),),
        "title": (tokens(asset.title),),
        "description": (tokens(description),),
        "tags": tuple(tokens(t) for t in tags),
        "headings": tuple(tokens(h) for h in asset.headings),
        "path": (tokens(asset.path),),
    }
    signals = {
        key: tuple(_strings(asset.details.get(key)))
        for key in ("frameworks", "mcp_sdks", "claude_sdks")
    }
    signals["kind"] = (asset.kind.value,)
    signals["language"] = (asset.language,) if asset.language else ()
    positions = {field: _positions(sequences) for field, sequences in fields.items()}
    words = tuple(sorted({word for found in positions.values() for word in found}))
    sorted_fields = {name: tuple(sorted(found)) for name, found in positions.items()}
    return AssetText(
        fields, signals, pin_form(asset.repo, asset.path), positions, words, sorted_fields
    )


# What explain says of a description left out by ignore_generated_description.
UPSTREAM_NOTE = "is the scanner's, not the source's: not matched (ignore_generated_description)"


def asset_texts(asset: Asset, upstream_wanted: bool) -> tuple[AssetText, AssetText]:
    """The asset's text, and the text the practices with ignore_generated_description read
    (the same object unless the scanner wrote the description and some practice wants that)."""
    text = asset_text(asset)
    if upstream_wanted and scanner_written(asset):
        return text, asset_text(asset, upstream_only=True)
    return text, text
