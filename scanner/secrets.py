"""Secrets that leak into harvested configs: found, reported, and never written anywhere.

A config value should be a `${VAR}` reference; a literal token where one belongs is a leak.
Everything generated from harvested data goes through `redact` first."""

from __future__ import annotations

import re

REDACTED = "***REDACTED***"

# Well-known token shapes: a value like these is a secret whatever its key is called.
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"github_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"glpat-[A-Za-z0-9_-]{16,}"),
    re.compile(r"sk-(ant-)?[A-Za-z0-9_-]{20,}"),
    re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"AIza[0-9A-Za-z_-]{35}"),
)
SECRET_KEY_RE = re.compile(r"(token|secret|password|passwd|api[_-]?key|auth|credential)", re.I)
VAR_REF_RE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"^(<[^>]*>|your[-_ ].*|xxx+|\.\.\.|changeme|example.*|\*+)$", re.I)
BEARER_RE = re.compile(r"^(Bearer|Token|Basic)\s+(?P<value>\S+)$", re.I)


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
    return bool(SECRET_KEY_RE.search(key)) and len(stripped) >= 8


def redact(text: str) -> str:
    """Replace every well-known token shape in free text."""
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text
