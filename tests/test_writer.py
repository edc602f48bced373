"""Atomic writes, folder swaps, check-mode comparison and recovery from a killed run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.errors import OutputError
from scanner.writer import (
    OutputTransaction,
    compare_tree,
    dump_json,
    read_tree,
    recover_interrupted,
    replace_tree,
    write_atomic,
)


def test_dump_json_is_deterministic() -> None:
    assert dump_json({"b": 1, "a": ["é"]}) == '{\n  "a": [\n    "é"\n  ],\n  "b": 1\n}\n'


def test_write_atomic_reports_changes_only(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    assert write_atomic(target, "one\n") is True
    mtime = target.stat().st_mtime_ns
    assert write_atomic(target, "one\n") is False
    assert target.stat().st_mtime_ns == mtime
    assert write_atomic(target, "two\n") is True
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_replace_tree_swaps_whole_folder(tmp_path: Path) -> None:
    folder = tmp_path / "plugins" / "p"
    first = replace_tree(folder, {"a.md": "A\n", "sub/b.md": "B\n"})
    assert first.added == ("a.md", "sub/b.md")
    second = replace_tree(folder, {"a.md": "A2\n", "c.md": "C\n"})
    assert (second.added, second.removed, second.modified) == (("c.md",), ("sub/b.md",), ("a.md",))
    assert read_tree(folder) == {"a.md": "A2\n", "c.md": "C\n"}
    assert sorted(p.name for p in folder.parent.iterdir()) == ["p"]
    assert not compare_tree(folder, {"a.md": "A2\n", "c.md": "C\n"}).changed


def test_recovery_after_a_kill_between_the_renames(tmp_path: Path) -> None:
    parent = tmp_path / "plugins"
    (parent / ".old-proagent-backend-abc123").mkdir(parents=True)
    (parent / ".old-proagent-backend-abc123" / "x.md").write_text("old\n")
    (parent / ".tmp-proagent-backend-def456").mkdir()
    (parent / ".tmp-proagent-backend-def456" / "x.md").write_text("half\n")
    recover_interrupted(parent)
    assert sorted(p.name for p in parent.iterdir()) == ["proagent-backend"]
    assert (parent / "proagent-backend" / "x.md").read_text() == "old\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "f.txt").write_text("old\n")
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="previous output left in place"):
            write_atomic(locked / "f.txt", "new\n")
        assert (locked / "f.txt").read_text() == "old\n"
    finally:
        locked.chmod(0o700)


def test_blocked_output_path_is_a_clear_error_even_as_root(tmp_path: Path) -> None:
    blocker = tmp_path / "catalog"
    blocker.write_text("a file where a folder belongs\n")
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(blocker / "catalog.json", "{}\n")
    assert blocker.read_text() == "a file where a folder belongs\n"


def test_a_staged_folder_rewrites_only_the_files_that_change(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "site"
    with OutputTransaction() as first:
        first.stage_tree(folder, {"a.html": "A\n", "b/c.html": "C\n", "gone.html": "G\n"})
        first.commit()
    kept = (folder / "b" / "c.html").stat()
    with OutputTransaction() as second:
        change = second.stage_tree(folder, {"a.html": "A2\n", "b/c.html": "C\n"})
        second.commit()
    assert (change.modified, change.removed) == (("a.html",), ("gone.html",))
    assert read_tree(folder) == {"a.html": "A2\n", "b/c.html": "C\n"}
    now = (folder / "b" / "c.html").stat()
    # The unchanged file is the same file: not written again.
    assert (now.st_ino, now.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    assert sorted(p.name for p in folder.parent.iterdir()) == ["site"]


def test_an_aborted_folder_leaves_the_linked_files_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "site"
    with OutputTransaction() as first:
        first.stage_tree(folder, {"a.html": "A\n", "b.html": "B\n"})
        first.commit()
    with OutputTransaction() as second:
        second.stage_tree(folder, {"a.html": "A\n", "b.html": "B2\n"})
    assert read_tree(folder) == {"a.html": "A\n", "b.html": "B\n"}
    assert sorted(p.name for p in folder.parent.iterdir()) == ["site"]


def test_a_staged_folder_compares_with_the_regular_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "site"
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / "deep" / "er" / "x.html").write_text("X\n", encoding="utf-8")
    (folder / "a.html").write_text("A\n", encoding="utf-8")
    outside = tmp_path / "outside.html"
    outside.write_text("A\n", encoding="utf-8")
    (folder / "link.html").symlink_to(outside)  # read as absent: never followed
    with OutputTransaction() as transaction:
        change = transaction.stage_tree(
            folder, {"a.html": "A\n", "deep/er/x.html": "X\n", "link.html": "A\n"}
        )
    assert (change.added, change.modified, change.removed) == (("link.html",), (), ())


def test_the_contents_of_a_committed_transaction_are_what_is_on_disk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputTransaction() as first:
        first.stage_tree(out / "site", {"a.html": "A\n", "b/c.html": "C\n"})
        first.stage_file(out / "catalog.json", "{}\n")
        first.commit()
    with OutputTransaction() as second:
        second.stage_tree(out / "site", {"a.html": "A2\n", "b/c.html": "C\n"})
        second.stage_tree(out / "plugins/p", {"README.md": "R\n"})  # a new folder
        second.stage_file(out / "catalog.json", "{}\n")  # unchanged
        assert second.contents() == {}  # nothing is in place before the commit
        second.commit()
    contents = second.contents()
    on_disk = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert contents == on_disk
    with OutputTransaction() as third:
        third.stage_tree(out / "site", {"a.html": "A3\n"})
        third.abort()
    assert third.contents() == {}
