#!/usr/bin/env bash
# PostToolUse hook for data-toolkit: after Claude edits or writes a .sql file,
# format it with sqlfluff so migrations follow one style.
# Claude Code sends the tool call as JSON on stdin.
set -euo pipefail

payload="$(cat)"
file="$(printf '%s' "$payload" | jq -r '.tool_input.file_path // empty')"

case "$file" in
  *.sql) ;;
  *) exit 0 ;;
esac

if [ ! -f "$file" ]; then
  exit 0
fi

if ! command -v sqlfluff >/dev/null 2>&1; then
  echo "data-toolkit: sqlfluff not installed, skipping format of $file" >&2
  exit 0
fi

# A formatting failure must not block the edit; report it and carry on.
if ! sqlfluff fix --dialect postgres --quiet --force "$file" >/dev/null 2>&1; then
  echo "data-toolkit: sqlfluff could not format $file" >&2
fi
exit 0
