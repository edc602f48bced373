"""Secrets that leak into harvested text: found, reported, and never written anywhere.

A config value should be a `${VAR}` reference; a literal token where one belongs is a leak.
Everything generated from harvested data goes through `redact` first.

Two sources of knowledge, one pass each, every one linear in the length of the text:
- the token shapes of detect-secrets (a maintained detector: GitHub, GitLab, AWS access key
  ids, Slack, Stripe, SendGrid, Twilio, npm, PyPI, Discord, Telegram, Square, Azure storage,
  Artifactory, Cloudant, IBM, Mailchimp, SoftLayer, private key headers), run over the
  text's candidate tokens (see `_library_spans`: their own patterns backtrack on long runs);
- our own rules, for what the library lacks or finds only in part (`_HAND_RULES` and the
  functions below): fine-grained GitHub tokens, Anthropic and OpenAI `sk-` keys, Google API
  keys, JWTs, PEM private key blocks across lines, URL credentials (a password may hold `@`),
  `password: some words`, npm `_authToken=` values.
SECURITY.md lists what is caught and what is not."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator

from scanner.models import JsonValue

REDACTED = "***REDACTED***"

# --- our own rules -------------------------------------------------------------------------------

# Each starts a word (`task-coordination-strategies` holds `sk-coordination-strategies`, no
# key): only the first character of a run can start a match, so no run is read twice.
_START = r"(?<![A-Za-z0-9_-])"
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(_START + shape)
    for shape in (
        r"gh[pousr]_[A-Za-z0-9]{20,}",
        r"github_pat_[A-Za-z0-9_]{20,}",
        r"glpat-[A-Za-z0-9_-]{16,}",
        r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}",
        r"xox[abposr]-[A-Za-z0-9-]{10,}",
        r"AKIA[0-9A-Z]{16}",
        r"AIza[0-9A-Za-z_-]{35}",
        # A JWT: a JSON header and payload (base64url of `{"`), and a signature (may be empty).
        # A segment holds no `.`, so each is read at most three times.
        r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
        # npm's `//registry/:_authToken=<token>`: the value, whatever its shape.
        r"(?<=_authToken=)[^\s\"']+",
    )
)
# `password: correct horse battery staple` at the start of a line (YAML, .env, INI, a quoted
# config line): the whole rest of the line, spaces included. `[ \t]`, never `\s`: a run of
# blank lines must not be read once per line.
_PASSWORD_LINE_RE = re.compile(
    r"(?im)^[ \t>*#-]*[\"']?(?:password|passwd|passphrase|pwd)[\"']?[ \t]*[:=][ \t]*"
    r"(?P<value>[^\s#].*)$"
)
_PEM_BEGIN_RE = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = "-----END "
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}$")
_AUTHORITY_END_RE = re.compile(r"[/?#\\\s\"'<>`]")


def _pem_spans(text: str) -> Iterator[tuple[int, int]]:
    """A private key block, from its BEGIN line to the end of its END line (or of the text)."""
    pos = 0
    while (begin := _PEM_BEGIN_RE.search(text, pos)) is not None:
        end = text.find(_PEM_END, begin.end())
        if end < 0:
            yield begin.start(), len(text)
            return
        close = text.find("-----", end + len(_PEM_END))
        stop = len(text) if close < 0 else close + 5
        yield begin.start(), stop
        pos = stop


def _userinfo_spans(text: str) -> Iterator[tuple[int, int]]:
    """The credentials of every `scheme://user:password@host` (everything up to the LAST `@`
    of the authority: a password may hold one) and of `scheme://<token>@host` (a user name of
    20 characters or more is a token; `ssh://git@host` is not a secret)."""
    pos = 0
    while (mark := text.find("://", pos)) >= 0:
        pos = mark + 3
        scheme_from = max(0, mark - 31)
        if not _SCHEME_RE.search(text, scheme_from, mark):
            continue
        # The authority ends at the first `/`, `?`, `#` or space; the regions of two URLs
        # never overlap, so each character is read once.
        stop = _AUTHORITY_END_RE.search(text, pos)
        end = stop.start() if stop else len(text)
        at = text.rfind("@", pos, end)
        if at > pos:
            user = text[pos:at]
            if ":" in user or len(user) >= 20:
                yield pos, at
        pos = max(pos, end)


# The token shapes above in one pattern: one pass over the text instead of one per shape (the
# npm rule, a lookbehind of its own, runs only where `_authToken=` occurs).
_TOKENS_RE = re.compile(
    _START + "(?:" + "|".join(p.pattern[len(_START) :] for p in TOKEN_PATTERNS[:-1]) + ")"
)
_NPM_RE = TOKEN_PATTERNS[-1]
_PASSWORD_WORDS = ("pass", "pwd")


def _hand_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _TOKENS_RE.finditer(text):
        yield match.span()
    if "_authToken=" in text:
        for match in _NPM_RE.finditer(text):
            yield match.span()
    folded = text.lower()
    if any(word in folded for word in _PASSWORD_WORDS):
        for match in _PASSWORD_LINE_RE.finditer(text):
            value = match.group("value").rstrip()
            if not _is_reference_or_placeholder(value.strip("\"'")):
                yield match.start("value"), match.start("value") + len(value)
    if "PRIVATE KEY" in text:
        yield from _pem_spans(text)
    if "://" in text:
        yield from _userinfo_spans(text)


# --- detect-secrets ------------------------------------------------------------------------------

# Replaced by our rules above: JWT and OpenAI (their patterns are quadratic on `eyJeyJ…` and
# `sk-sk-…`, and OpenAI's misses project keys), npm (quadratic on `//a//a…`), basic auth
# (stops at the first `@` of a password); public IP addresses are not secrets.
_LIBRARY_SKIPPED = frozenset(
    {
        "JwtTokenDetector",
        "OpenAIDetector",
        "NpmDetector",
        "BasicAuthDetector",
        "IPPublicDetector",
    }
)
# Candidate tokens: runs of the characters token shapes are made of. A run longer than
# `_WINDOW` is read in overlapping windows, so a library pattern never sees more than
# `_WINDOW` characters at once and the work stays linear in the text.
# Patterns that find a value by the name it is assigned to (`ibm_cloud_iam_key = "..."`,
# `aws ... secret ... "..."`): they need the quotes and spaces of the whole line, which a
# candidate token lacks, and cost the most. Our key-name rule (`is_literal_secret`) covers
# assigned values in front matter and configs instead.
_ASSIGNMENT_RE = re.compile(r"\(\?:\(\?<=\\W\)|aws\.")
_CANDIDATE_RE = re.compile(r"[A-Za-z0-9_\-+/=.~:%@]{16,}")
_WINDOW = 1024
_MAX_SECRET = 256  # a library token longer than this may straddle two windows
_LITERAL_RE = re.compile(r"[A-Za-z0-9_=-]+")


def _required_literal(pattern: re.Pattern[str]) -> str:
    """The text every match of `pattern` starts with ("" when there is none to tell): a
    pattern whose literal is nowhere in the text is not run at all."""
    found = _LITERAL_RE.match(pattern.pattern)
    if not found:
        return ""
    literal = found.group()
    if pattern.pattern[found.end() : found.end() + 1] in ("?", "*", "{"):
        literal = literal[:-1]  # the last character is optional or repeated
    return literal if len(literal) >= 2 else ""


@functools.cache
def _library_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Imported on first use: detect-secrets loads its plugins (and requests) at import time.
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector

    patterns: list[re.Pattern[str]] = []
    classes: list[type[BasePlugin]] = list(get_mapping_from_secret_type_to_class().values())
    for plugin in sorted(classes, key=lambda c: c.__name__):
        if issubclass(plugin, RegexBasedDetector) and plugin.__name__ not in _LIBRARY_SKIPPED:
            denylist: Iterable[re.Pattern[str]] = plugin().denylist
            patterns.extend(p for p in denylist if not _ASSIGNMENT_RE.match(p.pattern))
    return tuple((p, _required_literal(p)) for p in patterns)


def _windows(text: str) -> Iterator[tuple[int, str]]:
    for run in _CANDIDATE_RE.finditer(text):
        start, end = run.span()
        if end - start <= _WINDOW:
            yield start, run.group()
            continue
        for offset in range(start, end - _MAX_SECRET, _WINDOW - _MAX_SECRET):
            yield offset, text[offset : min(offset + _WINDOW, end)]


def _library_spans(text: str) -> Iterator[tuple[int, int]]:
    """What detect-secrets' patterns find, on every candidate token, in one pass per pattern:
    the candidates are joined with newlines (which none of the patterns crosses)."""
    pieces = list(_windows(text))
    if not pieces:
        return
    joined_starts: list[int] = []
    total = 0
    for _, piece in pieces:
        joined_starts.append(total)
        total += len(piece) + 1
    joined = "\n".join(piece for _, piece in pieces)
    folded = joined.lower()
    for pattern, literal in _library_patterns():
        if literal and literal.lower() not in folded:
            continue
        for match in pattern.finditer(joined):
            group = 1 if pattern.groups else 0
            start, end = match.span(group)
            if start < 0 or end <= start:
                continue
            index = bisect.bisect_right(joined_starts, start) - 1
            if end > joined_starts[index] + len(pieces[index][1]):
                continue  # across the separator: not one token
            shift = pieces[index][0] - joined_starts[index]
            yield start + shift, end + shift


# --- redaction -----------------------------------------------------------------------------------


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where the secrets of `text` are: sorted, merged (start, end) pairs."""
    spans = sorted((*_hand_spans(text), *_library_spans(text)))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def redact(text: str) -> str:
    """`text` with every secret it holds replaced by `***REDACTED***`. Idempotent."""
    if len(text) < 8:
        return text
    spans = secret_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts += [text[last:start], REDACTED]
        last = end
    parts.append(text[last:])
    return "".join(parts)


# --- keys that name a credential -----------------------------------------------------------------

# `auth` and `authorization`, but not `author`: a skill's author is not a credential.
SECRET_KEY_RE = re.compile(
    r"(token|secret|password|passwd|passphrase|api[_-]?key|auth(?!ors?(?![a-z]))|credential)",
    re.I,
)
# Keys whose value is a password even when it holds spaces (`password: hunter 2`).
PASSWORD_KEY_RE = re.compile(r"(password|passwd|passphrase|^pwd$)", re.I)
VAR_REF_RE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"^(<[^<>]*>|your[-_ ].*|xxx+|\.\.\.|changeme|example.*|\*+)$", re.I)
BEARER_RE = re.compile(r"^(Bearer|Token|Basic)\s+(?P<value>\S+)$", re.I)


def _is_reference_or_placeholder(value: str) -> bool:
    return (
        not value
        or "${" in value
        or value.startswith("$")
        or bool(PLACEHOLDER_RE.match(value))
        or value == REDACTED
    )


def is_literal_secret(key: str, value: str) -> bool:
    """True when `value` looks like a real credential rather than a `${VAR}` or a placeholder."""
    stripped = value.strip()
    if not stripped or len(stripped) > 4096:  # a key's value of pages is prose, not a secret
        return False
    if redact(stripped) != stripped:
        return True
    bearer = BEARER_RE.match(stripped)
    if bearer:
        stripped = bearer.group("value")
    if _is_reference_or_placeholder(stripped):
        return False
    if any(ch.isspace() for ch in stripped) and not PASSWORD_KEY_RE.search(key):
        return False  # prose ("Token budget per request"), never a credential
    return bool(SECRET_KEY_RE.search(key)) and len(stripped) >= 8


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
