"""The render stage keeps the scan's results out of garbage collections while it runs, and
hands them back after; garbage made inside is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from pathlib import Path

from scanner.heap import results_kept
from tests.gitrepo import GitRepo
from tests.hazards.harness import scan, skill


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_objects_alive_at_the_start_are_frozen_until_the_end() -> None:
    before = Node()
    with results_kept():
        assert gc.get_freeze_count() > 0
        # gc.get_objects lists what collections walk: not the frozen objects.
        assert not any(o is before for o in gc.get_objects())
        frozen_now = gc.get_freeze_count()
        made = Node()
        assert gc.get_freeze_count() == frozen_now  # what is made inside is not frozen
        # A cycle made inside is garbage the collector still finds.
        first, second = Node(), Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
        del made
    assert gc.get_freeze_count() == 0
    assert any(o is before for o in gc.get_objects())


def test_a_scan_leaves_nothing_frozen(repo_factory: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = repo_factory("alpha", {"skills/a/SKILL.md": skill("a", "Helm chart linting.")})
    run = scan(tmp_path, {"alpha": repo.url})
    assert run.code == 0, run.stderr
    assert gc.get_freeze_count() == 0
