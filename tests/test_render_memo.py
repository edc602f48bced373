"""The render memo reuses a file of the output folder only when its inputs are those of the
last scan and the file still holds the bytes that scan wrote."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scanner.cache_file import digest
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
    assert rendered(work, out, "one", "A\n") == (
        "A\n",
        {"files_reused": 0, "files_computed": 1, "folders_reused": 0},
    )
    # Same inputs: the file is read back, whatever compute would say.
    assert rendered(work, out, "one", "never computed")[1]["files_reused"] == 1
    # Other inputs: computed.
    assert rendered(work, out, "two", "B\n") == (
        "B\n",
        {"files_reused": 0, "files_computed": 1, "folders_reused": 0},
    )
    # The output edited by hand: computed again, though the inputs are the same.
    (out / "site" / "a.html").write_text("edited\n", encoding="utf-8")
    assert rendered(work, out, "two", "B\n") == (
        "B\n",
        {"files_reused": 0, "files_computed": 1, "folders_reused": 0},
    )
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


def rendered_tree(
    work: Path, out: Path, inputs: str, files: dict[str, str]
) -> tuple[dict[str, str], dict[str, int]]:
    memo = RenderMemo.in_workdir(work, out)
    result = memo.tree("plugins/p", inputs, lambda: dict(files))
    for rel, text in result.items():
        (out / "plugins/p" / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / "plugins/p" / rel).write_text(text, encoding="utf-8")
    memo.save()
    return result, memo.stats()


def test_a_folder_is_reused_whole_or_computed(tmp_path: Path) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    files = {"README.md": "R\n", "commands/a.md": "A\n"}
    assert rendered_tree(work, out, "one", files)[1]["files_computed"] == 2
    # Same inputs: every file read back, whatever compute would say.
    assert rendered_tree(work, out, "one", {"x": "never computed"}) == (
        files,
        {
            "files_reused": 2,
            "files_computed": 0,
            "folders_reused": 1,
        },
    )
    # One file edited by hand, or gone: the whole folder is computed again.
    (out / "plugins/p/commands/a.md").write_text("edited\n", encoding="utf-8")
    assert rendered_tree(work, out, "one", files)[1]["files_computed"] == 2
    (out / "plugins/p/README.md").unlink()
    assert rendered_tree(work, out, "one", files)[1]["files_computed"] == 2
    # Other inputs: computed, with the files they give (none of the last ones kept).
    fewer = {"README.md": "R2\n"}
    assert rendered_tree(work, out, "two", fewer) == (
        fewer,
        {"files_reused": 0, "files_computed": 1, "folders_reused": 0},
    )
    assert rendered_tree(work, out, "two", {})[0] == fewer
    # Computed twice in one run (a version bump): the last files are the ones recorded.
    memo = RenderMemo.in_workdir(work, out)
    memo.tree("plugins/p", "three", lambda: {"README.md": "3\n", "extra.md": "E\n"})
    memo.tree("plugins/p", "four", lambda: {"README.md": "4\n"})
    (out / "plugins/p/README.md").write_text("4\n", encoding="utf-8")
    memo.save()
    assert rendered_tree(work, out, "four", {})[0] == {"README.md": "4\n"}


def test_a_folder_record_that_lost_a_file_or_leaves_the_folder_is_not_used(
    tmp_path: Path,
) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    files = {"README.md": "R\n", "commands/a.md": "A\n"}
    rendered_tree(work, out, "one", files)
    cache = work / "cache" / FILE_NAME
    document = json.loads(cache.read_text(encoding="utf-8"))
    # A record that lost a file: the folder is computed whole, not reused without it.
    lost = json.loads(json.dumps(document))
    del lost["files"]["plugins/p/commands/a.md"]
    cache.write_text(json.dumps(lost), encoding="utf-8")
    assert rendered_tree(work, out, "one", files) == (
        files,
        {
            "files_reused": 0,
            "files_computed": 2,
            "folders_reused": 0,
        },
    )
    # A record naming a file outside the folder, however consistent: never read, never used.
    secret = tmp_path / "secret.txt"
    secret.write_text("S\n", encoding="utf-8")
    sha = hashlib.sha256(b"S\n").hexdigest()
    outside = json.loads(json.dumps(document))
    outside["files"]["plugins/p/../../../secret.txt"] = ["one", sha]
    names = {
        rel.removeprefix("plugins/p/"): pair[1]
        for rel, pair in outside["files"].items()
        if rel.startswith("plugins/p/") and rel != "plugins/p/"
    }
    outside["files"]["plugins/p/"] = [
        "one",
        digest(*(f"{name}\0{sha}" for name, sha in sorted(names.items()))),
    ]
    cache.write_text(json.dumps(outside), encoding="utf-8")
    result, stats = rendered_tree(work, out, "one", files)
    assert result == files and stats["folders_reused"] == 0
