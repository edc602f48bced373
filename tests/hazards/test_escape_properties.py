"""Properties of the escaping and redaction functions over any text (hypothesis): escaped
Markdown renders to the same visible text and holds nothing live; console text prints as it
reads; redaction is idempotent, leaves no secret shape behind, and stays linear.

`make test` runs a fixed set of examples (profile `hazards`); `make fuzz` a hundred times as
many, new ones each run (profile `fuzz`)."""

from __future__ import annotations

import html
import io
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.console import Console

from scanner.escape import INVISIBLE_RE, console, markdown_code, markdown_text, visible
from scanner.secrets import REDACTED, TOKEN_PATTERNS, redact

# Markdown as GitHub reads it: CommonMark with tables and strikethrough.
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# What Claude Code acts on in the raw text, and what a renderer makes live.
_CLAUDE_LIVE = re.compile(r"!`|\$[A-Za-z0-9_{]|@\S")
_LIVE_HTML = re.compile(r"<(?!/?code>)[a-z]", re.I)  # any element but a code span

# fmt: off
PIECES = [
    "`", "``", "!", "!`", "$", "$ARGUMENTS", "$1", "${X}", "@", "@~/.ssh/id_rsa", "<", ">",
    "<script>", "<!--", "-->", "&", "&amp;", "&#33;", "[", "]", "(", ")", "[a](b)", "![i](s)",
    "*", "_", "~", "~~", "|", "\\", "#", "# ", "- ", "1. ", "> ", "=", "---", "https://e.x/a",
    "www.e.x", "http://", "\n", "\t", "\r", " ", "  ", "\x1b[31m", "\x07", "\u202e", "\u200b",
    "\ufeff", "\U000e0041", "{{ x }}", "{%", "a", "é", "日本",
]
# fmt: on


def hostile(max_size: int = 40) -> st.SearchStrategy[str]:
    fragment = st.sampled_from(PIECES)
    return st.one_of(
        st.text(max_size=max_size * 3),
        st.lists(fragment, max_size=max_size).map("".join),
        st.lists(st.one_of(fragment, st.text(max_size=4)), max_size=max_size).map("".join),
    )


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML's text."""
    return html.unescape(re.sub(r"<[^>]+>", "", _MD.renderInline(markdown)))


def seen(text: str) -> str:
    """The visible text of a harvested string on one line: what escaping must preserve."""
    flat = INVISIBLE_RE.sub("", re.sub(r"[\t\n\r\u2028\u2029]", " ", text))
    return flat


def assert_inert(markdown: str) -> None:
    assert not _CLAUDE_LIVE.search(markdown), markdown
    assert "\n" not in markdown and not INVISIBLE_RE.search(markdown)
    out = _MD.renderInline(markdown)
    assert not _LIVE_HTML.search(out), (markdown, out)  # no link, image, emphasis or raw HTML


@given(hostile())
def test_property_markdown_text_is_inert_and_reads_the_same(text: str) -> None:
    escaped = markdown_text(text)
    assert_inert(escaped)
    assert rendered_text(escaped) == seen(text).strip(" ")


@given(hostile())
def test_property_markdown_code_is_inert_and_reads_the_same(text: str) -> None:
    escaped = markdown_code(text)
    assert_inert(escaped)
    expected = seen(text)
    shown = rendered_text(escaped)
    # A code span keeps the text as it is; escaped text (the fallback) trims its ends.
    assert shown == expected or shown == expected.strip(" "), (escaped, shown)


@given(hostile())
def test_property_console_prints_what_it_reads(text: str) -> None:
    text = text.replace("\t", " ")  # Rich expands a tab to the next stop: harmless, not ours
    out = io.StringIO()
    terminal = Console(file=out, width=10_000, soft_wrap=True, color_system=None)
    # Inside markup, as the commands print it: a trailing backslash is doubled so that it
    # cannot escape the closing tag, and prints as one.
    terminal.print(f"[bold]{console(text)}[/bold]", highlight=False, end="")
    printed = out.getvalue()
    assert printed == visible(text)
    assert not INVISIBLE_RE.search(printed)


SECRETS = st.sampled_from(
    [
        "ghp_" + "a1B2" * 9,
        "github_pat_" + "x" * 30,
        "sk-ant-api03-" + "Zz9_" * 6,
        "xoxb-1234567890-abcdef",
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "https://bot:hun@ter2@example.invalid/x",
        "password: hunter two\n",
        "-----BEGIN PRIVATE KEY-----\nMIIhunter2\n-----END PRIVATE KEY-----",
    ]
)


@given(hostile(), SECRETS, hostile())
def test_property_redaction_leaves_no_secret_and_is_idempotent(
    before: str, secret: str, after: str
) -> None:
    # On a line of its own: `xghp_...` is not a token, and a `password:` line starts a line.
    clean = redact(f"{before}\n{secret}\n{after}")
    assert "hunter" not in clean and "ter2" not in clean
    assert not any(p.search(clean) for p in TOKEN_PATTERNS)
    assert redact(clean) == clean
    assert REDACTED in clean


@settings(max_examples=10)
@given(hostile(max_size=20).filter(lambda t: len(t) >= 4))
def test_property_redaction_is_linear(sample: str) -> None:
    def cost(size: int) -> float:
        text = (sample * (size // len(sample) + 1))[:size]
        best = float("inf")
        for _ in range(3):  # CPU time, the best of three: one noisy reading is not a trend
            started = time.process_time()
            redact(text)
            best = min(best, time.process_time() - started)
        return best

    cost(1024)  # warm: the first call imports detect-secrets' plugins
    small, large = cost(64 * 1024), cost(256 * 1024)
    # Four times the text: about four times the time, where a square would be sixteen. The floor
    # keeps a reading near the clock's resolution from making the ratio meaningless.
    assert large < 10 * max(small, 0.02), (small, large)
