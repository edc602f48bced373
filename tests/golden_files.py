"""Golden files: compared as text; regenerated with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(actual_root: Path, rel_paths: list[str], golden_dir: str) -> None:
    """Compare files under actual_root with tests/golden/<golden_dir>/; UPDATE_GOLDEN=1 rewrites."""
    expected_root = GOLDEN / golden_dir
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    for rel in rel_paths:
        actual = (actual_root / rel).read_text(encoding="utf-8")
        expected_file = expected_root / rel
        if update:
            expected_file.parent.mkdir(parents=True, exist_ok=True)
            expected_file.write_text(actual, encoding="utf-8")
            continue
        assert expected_file.exists(), f"missing golden {expected_file}; run with UPDATE_GOLDEN=1"
        expected = expected_file.read_text(encoding="utf-8")
        assert actual == expected, (
            f"{rel} differs from {expected_file}; if the change is intended, regenerate with "
            "UPDATE_GOLDEN=1 and review the diff"
        )
