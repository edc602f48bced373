"""PreToolUse hook: refuse shell commands that are destructive or leak secrets.

Claude Code passes the tool call as JSON on stdin. Exit status 2 blocks the call and
the message on stderr is shown to Claude so it can choose another approach.
"""

from __future__ import annotations

import json
import re
import sys

BLOCKED = [
    (re.compile(r"\brm\s+-[a-z]*r[a-z]*f?\s+(/|~|\$HOME)(\s|$)"), "recursive delete of a root folder"),
    (re.compile(r"\bgit\s+push\b.*--force\b"), "force push"),
    (re.compile(r"\b(curl|wget)\b[^|]*\|\s*(ba|z)?sh\b"), "piping a download into a shell"),
    (re.compile(r"\bDROP\s+(TABLE|DATABASE)\b", re.IGNORECASE), "dropping tables"),
    (re.compile(r"\b(cat|less|head)\s+\S*\.env\b"), "printing an env file"),
]


def main() -> int:
    try:
        call = json.load(sys.stdin)
    except json.JSONDecodeError:
        return 0
    command = call.get("tool_input", {}).get("command", "")
    for pattern, reason in BLOCKED:
        if pattern.search(command):
            print(f"bash_guard: blocked ({reason}): {command}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
