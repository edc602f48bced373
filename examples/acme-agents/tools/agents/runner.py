"""Lint the front matter of agent definitions under a plugins folder.

Usage: python tools/agents/runner.py [PLUGINS_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

REQUIRED = ("name", "description")


def front_matter(text: str) -> str | None:
    """Return the YAML between the leading '---' fences, or None if there is none."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index])
    return None


def check_agent(path: Path) -> list[str]:
    block = front_matter(path.read_text(encoding="utf-8"))
    if block is None:
        return [f"{path}: no front matter"]
    try:
        data = yaml.safe_load(block) or {}
    except yaml.YAMLError as err:
        return [f"{path}: invalid YAML ({err.__class__.__name__})"]
    problems = [f"{path}: missing '{key}'" for key in REQUIRED if not data.get(key)]
    if data.get("name") and data["name"] != path.stem:
        problems.append(f"{path}: name '{data['name']}' differs from file name")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path("plugins")
    problems: list[str] = []
    for path in sorted(root.glob("*/agents/*.md")):
        problems.extend(check_agent(path))
    for problem in problems:
        print(problem)
    checked = len(list(root.glob("*/agents/*.md")))
    print(f"checked {checked} agent files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
