"""The render memo reuses a file of the output folder only when its inputs are those of the
last scan and the file still holds the bytes that scan wrote."""

from __future__ import annotations

from pathlib import Path

from scanner.render_memo import FILE_NAME, RenderMemo


def rendered(work: Path, out: Path, inputs: str, text: str) -> tuple[str, dict[str, int]]:
    memo = RenderMemo.in_workdir(work, out)
    result = memo.text("site/a.html", inputs, lambda: text)
    (out / "site").mkdir(parents=True, exist_ok=True)
    (out / "site" / "a.html").write_text(result, encoding="utf-8")
    memo.save()
    return result, memo.stats()


def test_reused_only_for_the_same_inputs_and_the_same_bytes(tmp_path: Path) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    assert rendered(work, out, "one", "A\n") == ("A\n", {"files_reused": 0, "files_computed": 1})
    # Same inputs: the file is read back, whatever compute would say.
    assert rendered(work, out, "one", "never computed")[1]["files_reused"] == 1
    # Other inputs: computed.
    assert rendered(work, out, "two", "B\n") == ("B\n", {"files_reused": 0, "files_computed": 1})
    # The output edited by hand: computed again, though the inputs are the same.
    (out / "site" / "a.html").write_text("edited\n", encoding="utf-8")
    assert rendered(work, out, "two", "B\n") == ("B\n", {"files_reused": 0, "files_computed": 1})
    # The output deleted, or the record damaged: computed.
    (out / "site" / "a.html").unlink()
    assert rendered(work, out, "two", "B\n")[1]["files_computed"] == 1
    (work / "cache" / FILE_NAME).write_text("{not json", encoding="utf-8")
    assert rendered(work, out, "two", "B\n")[1]["files_computed"] == 1
    assert rendered(work, out, "two", "B\n")[1]["files_reused"] == 1


def test_validation_is_remembered_for_the_same_digest_only(tmp_path: Path) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    memo = RenderMemo.in_workdir(work, out)
    assert not memo.validated("plugins-1")
    memo.record_validated("plugins-1")
    memo.save()
    again = RenderMemo.in_workdir(work, out)
    assert again.validated("plugins-1") and not again.validated("plugins-2")
    again.save()  # what this run used is kept: plugins-1 validated
    assert RenderMemo.in_workdir(work, out).validated("plugins-1")
