"""Streaming code reviews through the Claude API."""

from __future__ import annotations

import os
from collections.abc import Iterator

import anthropic

MODEL = os.environ.get("HARNESS_MODEL", "claude-sonnet-4-5")
MAX_TOKENS = 4096

SYSTEM_PROMPT = (
    "You review backend code changes for Acme. Report bugs first, then risks "
    "(security, data loss, performance), then style. Quote the line you refer to."
)


def review_prompt(diff: str, service: str) -> str:
    return f"Service: {service}\n\nReview this diff:\n\n```diff\n{diff}\n```"


def stream_review(
    diff: str, service: str, client: anthropic.Anthropic | None = None
) -> Iterator[str]:
    """Yield the review text as it arrives, so the API can forward it over SSE."""
    client = client or anthropic.Anthropic()
    with client.messages.stream(
        model=MODEL,
        max_tokens=MAX_TOKENS,
        system=SYSTEM_PROMPT,
        messages=[{"role": "user", "content": review_prompt(diff, service)}],
    ) as stream:
        yield from stream.text_stream


def review(diff: str, service: str) -> tuple[str, int]:
    """Return the whole review and the number of output tokens it used."""
    with anthropic.Anthropic().messages.stream(
        model=MODEL,
        max_tokens=MAX_TOKENS,
        system=SYSTEM_PROMPT,
        messages=[{"role": "user", "content": review_prompt(diff, service)}],
    ) as stream:
        message = stream.get_final_message()
    text = "".join(block.text for block in message.content if block.type == "text")
    return text, message.usage.output_tokens
