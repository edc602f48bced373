"""The caches' JSON files under <workdir>/cache/: bounded reads, whole writes, and a bad file
costs a warning and a recomputation, never the scan."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scanner.cache_file import load_cache, save_cache
from scanner.readback import MAX_OWN_JSON_BYTES


def test_a_saved_cache_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "memo.json"
    assert save_cache(path, 3, "memo", {"entries": {"k": [1, "two", None]}})
    assert load_cache(path, 3, "memo") == {"format": 3, "entries": {"k": [1, "two", None]}}
    assert [p.name for p in path.parent.iterdir()] == ["memo.json"]  # no temporary left


def test_absent_or_of_another_format_is_nothing(tmp_path: Path) -> None:
    path = tmp_path / "memo.json"
    assert load_cache(path, 1, "memo") is None
    assert save_cache(path, 1, "memo", {})
    assert load_cache(path, 2, "memo") is None


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b'{"format": 1, "x": NaN}', b"[" * 5000 + b"]" * 5000],
)
def test_a_damaged_file_is_ignored_with_a_warning_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "memo.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="scanner"):
        assert load_cache(path, 1, "render memo") is None
    assert "ignoring the render memo" in caplog.text and str(path) in caplog.text


def test_a_file_over_the_bound_is_not_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "memo.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_OWN_JSON_BYTES + 1)  # sparse: nothing is written to disk
    with caplog.at_level(logging.WARNING, logger="scanner"):
        assert load_cache(path, 1, "classification cache") is None
    assert "more than the" in caplog.text


def test_an_unwritable_place_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="scanner"):
        assert not save_cache(blocker / "memo.json", 1, "memo", {"value": 1})
    assert "cannot write the memo" in caplog.text
