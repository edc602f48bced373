""" "Did you mean ...?" for a mistyped name: a manifest key, a hook event, an asset id, a
practice. One helper, so every message suggests the same way."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from scanner.errors import UsageError
from scanner.ids import ID_FORM, SEPARATOR, pin_to_asset_id


def closest(word: str, choices: Iterable[str], *, limit: int = 1) -> list[str]:
    """The known names nearest to `word` (difflib's ratio, 0.6 and above), best first."""
    return difflib.get_close_matches(word, sorted(set(choices)), n=limit, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close to `word`, else ""."""
    found = closest(word, choices)
    return f" (did you mean {found[0]!r}?)" if found else ""


def unknown_asset(asset_id: str, known: Collection[str], where: str) -> UsageError:
    """The error for an asset id that is not in the catalog: a usage error (exit 2, like an
    unknown practice), with the id the user most likely meant."""
    as_id = pin_to_asset_id(asset_id)
    if SEPARATOR not in asset_id and as_id in known:
        hint = f" (did you mean {as_id!r}? ids are written {ID_FORM})"
    else:
        hint = did_you_mean(asset_id, known) or f" (ids look like {ID_FORM})"
    return UsageError(f"{asset_id}: no such asset in {where}{hint}")
