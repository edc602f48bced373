""" "Did you mean ...?" for a mistyped name: a manifest key, a hook event, an asset id, a
practice. One helper, so every message suggests the same way."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], *, limit: int = 1) -> list[str]:
    """The known names nearest to `word` (difflib's ratio, 0.6 and above), best first."""
    return difflib.get_close_matches(word, sorted(set(choices)), n=limit, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close to `word`, else ""."""
    found = closest(word, choices)
    return f" (did you mean {found[0]!r}?)" if found else ""
