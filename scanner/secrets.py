"""Secrets that leak into harvested configs: found, reported, and never written anywhere.

A config value should be a `${VAR}` reference; a literal token where one belongs is a leak.
Everything generated from harvested data goes through `redact` first."""

from __future__ import annotations

import re

from scanner.models import JsonValue

REDACTED = "***REDACTED***"

# Well-known token shapes: a value like these is a secret whatever its key is called. Each
# starts a word: `task-coordination-strategies` holds `sk-coordination-strategies`, no key.
_START = r"(?<![A-Za-z0-9_-])"
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(_START + shape)
    for shape in (
        r"gh[pousr]_[A-Za-z0-9]{20,}",
        r"github_pat_[A-Za-z0-9_]{20,}",
        r"glpat-[A-Za-z0-9_-]{16,}",
        r"sk-(ant-)?[A-Za-z0-9_-]{20,}",
        r"xox[abposr]-[A-Za-z0-9-]{10,}",
        r"AKIA[0-9A-Z]{16}",
        r"AIza[0-9A-Za-z_-]{35}",
    )
)
# `auth` and `authorization`, but not `author`: a skill's author is not a credential.
SECRET_KEY_RE = re.compile(
    r"(token|secret|password|passwd|api[_-]?key|auth(?!ors?(?![a-z]))|credential)", re.I
)
VAR_REF_RE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"^(<[^>]*>|your[-_ ].*|xxx+|\.\.\.|changeme|example.*|\*+)$", re.I)
BEARER_RE = re.compile(r"^(Bearer|Token|Basic)\s+(?P<value>\S+)$", re.I)
# The credentials of a URL: `scheme://user:password@host`, or `scheme://<token>@host` (a user
# name of 20 characters or more is a token; `ssh://git@host` is not a secret).
USERINFO_RE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#\s@:]*:[^/?#\s@]*|[^/?#\s@:]{20,})@"
)


def is_literal_secret(key: str, value: str) -> bool:
    """True when `value` looks like a real credential rather than a `${VAR}` or a placeholder."""
    stripped = value.strip()
    if not stripped:
        return False
    if any(p.search(stripped) for p in TOKEN_PATTERNS):
        return True
    bearer = BEARER_RE.match(stripped)
    if bearer:
        stripped = bearer.group("value")
    if "${" in stripped or stripped.startswith("$") or PLACEHOLDER_RE.match(stripped):
        return False
    if any(ch.isspace() for ch in stripped):
        return False  # prose ("Token budget per request"), never a credential
    return bool(SECRET_KEY_RE.search(key)) and len(stripped) >= 8


def redact(text: str) -> str:
    """Replace every well-known token shape, and the credentials of every URL, in free text."""
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return USERINFO_RE.sub(rf"\g<scheme>{REDACTED}@", text)


def redact_json(value: JsonValue, key: str = "") -> JsonValue:
    """`value` with every secret replaced: token shapes and URL credentials anywhere, and the
    whole value of a key that names a credential (`api_key: ...`). Keys are redacted too."""
    if isinstance(value, str):
        return REDACTED if key and is_literal_secret(key, value) else redact(value)
    if isinstance(value, dict):
        return {redact(k): redact_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(item, key) for item in value]
    return value
