"""Every harvested string is escaped for where it lands, by one function per destination.

- Markdown we ship or publish (skills, commands, agents, CLAUDE.md, README, the summaries, the
  pull request report): `markdown_text` for running text, `markdown_code` for a name or path
  shown as code, `markdown_url` for a link target we built. Claude Code reads these files raw
  and acts on some of what it reads (`` !`cmd` `` runs a command, `$ARGUMENTS` and `$1` are
  substituted, `@path` imports a file), and GitHub renders them; the output never holds one of
  those constructs, raw HTML, or a live link we did not build, and renders to the same
  visible text as the input.
- The terminal, through Rich: `console` (markup escaped, control characters shown, not sent).
- Plain one-line terminal or log text (the error line, the crash log): `terminal`.
- HTML: Jinja2's autoescape, in the environment that renders HTML (not here).

Each function is linear in its input (no pattern can backtrack over unbounded text)."""

from __future__ import annotations

import re

from rich.markup import escape as _rich_escape

# Characters a reader cannot see that change what text does: C0 and C1 controls (ESC starts
# terminal sequences, BEL ends OSC 8 hyperlinks), Unicode format characters (bidi overrides
# as in Trojan Source, zero-width spaces and joiners, the invisible tag characters that can
# smuggle instructions to a model), variation selectors, line and paragraph separators, and
# the Hangul fillers that render as blanks. tests/hazards/test_escape.py checks that this
# list covers every Cc and Cf character of the running Python's Unicode database.
_INVISIBLE_RANGES = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891"
    "\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
INVISIBLE_RE = re.compile(f"[{_INVISIBLE_RANGES}]")
_INVISIBLE_OR_TAB_RE = re.compile(f"[\t\n{_INVISIBLE_RANGES}]")
_WHITESPACE_RE = re.compile(r"[\t\n\r\u2028\u2029]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else (f"\\U{code:08x}")
    )


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` with every invisible or control character written as an escape (`\\x1b`,
    `\\u202e`), so that a terminal shows it instead of acting on it. Tabs stay; newlines stay
    when `newlines`, else they are shown as `\\n` too."""
    if newlines:
        return INVISIBLE_RE.sub(_shown, text)
    return INVISIBLE_RE.sub(_shown, text.replace("\n", "\\n"))


# Rich reads `\\[` as an escaped bracket wherever it stands; `rich.markup.escape` protects the
# backslashes before a tag only. A backslash run before any other `[` gets one more.
_RICH_BACKSLASH_BRACKET_RE = re.compile(r"(\\+)\[(?![a-z#/@][^\[]*?\])")


def console(text: object, *, newlines: bool = False) -> str:
    """A harvested string (a path, a description, a git error) for Rich: its markup (`[red]`,
    `[/x]`) is printed as it is, and control characters are shown, never sent."""
    shown = visible(str(text), newlines=newlines)
    body = shown.rstrip("\\")
    escaped = _RICH_BACKSLASH_BRACKET_RE.sub(r"\1\\[", _rich_escape(body))
    # Trailing backslashes doubled: none may escape the `[` of a closing tag that follows.
    return escaped + "\\" * (2 * (len(shown) - len(body)))


def terminal(text: object) -> str:
    """Plain text for one line of a terminal or a log (no Rich markup involved)."""
    return visible(str(text))


# --- Markdown ------------------------------------------------------------------------------------

# Backslash-escaped wherever they appear: each can open emphasis, code, a link, an image, HTML,
# a table cell or strikethrough. The rest of ASCII punctuation is inert in running text.
_MD_ESCAPED_RE = re.compile(r"([\\`*_\[\]|~])")
# Escaped at the start of the text only, where they would open a block (a heading, a quote, a
# list item, a thematic break, a setext underline).
_MD_BLOCK_START = frozenset("#-+=")
_ORDERED_ITEM_RE = re.compile(r"([0-9]{1,9})([.)])")
# `$ARGUMENTS`, `$1`, `${CLAUDE_PLUGIN_ROOT}`: Claude Code substitutes them in skills and
# commands. `@path`: Claude Code imports the file into CLAUDE.md and commands. `&#...;` and
# `&name;`: an entity the renderer would decode into other visible text. An HTML character
# reference keeps each one visible in a renderer and dead in the raw text Claude Code reads.
# At the end of a run too: what follows it (a code span, the template) is not known here.
_MD_ENTITY_RE = re.compile(r"\$(?=[A-Za-z0-9_{]|$)|@(?=\S|$)|&(?=#?[A-Za-z0-9]+;)|[<>]")
_MD_ENTITIES = {"$": "&#36;", "@": "&#64;", "!": "&#33;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What Claude Code acts on even inside a code span, where a backslash escapes nothing.
_CLAUDE_LIVE_RE = re.compile(r"!`|\$[A-Za-z0-9_{]|@\S")
# Bare URLs that GitHub's autolink extension would make live: shown as code instead.
_BARE_URL_RE = re.compile(r"(?i)(?<![A-Za-z0-9])(?:(?:https?|ftp|file)://|www\.)[^\s<>`]*")
_URL_START_RE = re.compile(r"(?i)(://|^www\.)")


def _flat(text: str) -> str:
    """One line without invisible characters: what every inline Markdown value starts from."""
    return INVISIBLE_RE.sub("", _WHITESPACE_RE.sub(" ", text))


def _escape_run(text: str) -> str:
    out = _MD_ENTITY_RE.sub(lambda m: _MD_ENTITIES[m.group()], text)
    return _MD_ESCAPED_RE.sub(r"\\\1", out)


def _code_span(flat: str, *, table: bool = False) -> str | None:
    """`flat` as a code span, or None when a code span cannot hold it inertly (see
    `_CLAUDE_LIVE_RE`; a trailing `!`, `$` or `@` would meet the closing fence)."""
    if not flat.strip(" ") or flat.endswith(("!", "$", "@")) or _CLAUDE_LIVE_RE.search(flat):
        return None
    longest = run = 0
    for ch in flat:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    # A span strips one space from each end when both have one, and a backtick at an end
    # would join the fence: a space on each side keeps both as they are.
    pad = " " if flat[0] in "` " and flat[-1] in "` " else ""
    if flat.startswith("`") or flat.endswith("`"):
        pad = " "
    if table:  # GFM splits a table row at every unescaped pipe, code spans included
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


def markdown_text(text: str) -> str:
    """A harvested string as inline Markdown that renders to the same visible text and holds
    nothing live: no emphasis, code, link, image, HTML, autolink, table cell break, Claude
    Code command (`` !`cmd` ``), placeholder (`$ARGUMENTS`, `$1`) or file import (`@path`).
    Newlines and invisible characters do not survive: one line of visible text."""
    flat = _flat(text).strip(" ")
    parts: list[str] = []
    last = 0
    for url in _BARE_URL_RE.finditer(flat):
        before = _escape_run(flat[last : url.start()])
        if before[-1:] in ("!", "$", "@"):  # it would meet the code span's fence
            before = before[:-1] + _MD_ENTITIES[before[-1]]
        parts.append(before)
        shown = _code_span(url.group())
        if shown is None:  # not inert as code: break the scheme instead
            shown = _URL_START_RE.sub(
                lambda m: "&#58;//" if m.group() == "://" else m.group()[:3] + "&#46;",
                _escape_run(url.group()),
                count=1,
            )
        parts.append(shown)
        last = url.end()
    parts.append(_escape_run(flat[last:]))
    out = "".join(parts)
    if out[:1] in _MD_BLOCK_START:
        out = "\\" + out
    ordered = _ORDERED_ITEM_RE.match(out)
    if ordered:
        out = f"{ordered.group(1)}\\{ordered.group(2)}{out[ordered.end() :]}"
    return out


def markdown_code(text: str, *, table: bool = False) -> str:
    """A harvested name or path as an inline code span: the fence is longer than any run of
    backticks inside, and padded when the text starts or ends with one. Where a code span
    cannot keep it inert (it holds `` !` ``, `$ARGUMENTS` or `@`), escaped text instead: the
    same visible characters, not in monospace. `table`: the span sits in a GFM table cell."""
    flat = _flat(text)
    return _code_span(flat, table=table) or markdown_text(flat)


_URL_UNSAFE_RE = re.compile(r"[\s()<>\[\]`\"'\\]")


def markdown_url(url: str) -> str:
    """A link target we built (a GitHub permanent link): http(s) only, and every character
    that could end the link or the Markdown around it percent-encoded."""
    if not re.match(r"https?://[A-Za-z0-9.-]+/", url):
        return ""
    return _URL_UNSAFE_RE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


_PLACEHOLDER_RE = re.compile(r"\$(?=[A-Za-z0-9_{])")


def markdown_ours(document: str) -> str:
    """A whole Markdown document we generated (a template filled with manifest text): Claude
    Code placeholders written as words (`read input through $ARGUMENTS`) are made inert
    outside code. Inside a code span or block they stay: that is where a template puts the
    one placeholder it means (a command's `Input: `$ARGUMENTS``). Harvested text is already
    escaped by the functions above before it reaches a template."""
    out: list[str] = []
    fenced = False
    for line in document.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or "$" not in line:
            out.append(line)
            continue
        # Even pieces lie outside code spans (our own text uses single-backtick spans).
        pieces = line.split("`")
        for index in range(0, len(pieces), 2):
            pieces[index] = _PLACEHOLDER_RE.sub("&#36;", pieces[index])
        out.append("`".join(pieces))
    return "\n".join(out)
