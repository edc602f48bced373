"""The redaction memo: a record is left unread only when its exact content was found clean by
the same redaction code in the last scan; anything new or different is redacted again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scanner.discover import Discovery, RepoDiscovery
from scanner.handlers.base import LEAKED_SECRET
from scanner.models import Asset
from scanner.redaction import redact_discovery
from scanner.redaction_memo import RedactionMemo
from scanner.secrets import REDACTED
from tests.test_classify import asset

TOKEN = "ghp_" + "a" * 30


def discovery(*assets_: Asset, paths: frozenset[str] = frozenset({"a/SKILL.md"})) -> Discovery:
    found = RepoDiscovery("agents", tuple(assets_), (), 2, 0, 0.0, paths=paths)
    return Discovery((found,))


def redacted(workdir: Path, found: Discovery, code: str | None = None) -> tuple[Discovery, int]:
    memo = RedactionMemo.in_workdir(workdir, code)
    clean = redact_discovery(found, memo)
    memo.save()
    return clean, memo.hits


def test_clean_records_are_skipped_only_with_the_same_content_and_code(tmp_path: Path) -> None:
    a = asset("a/SKILL.md", description="Queues and retries.")
    b = asset("b/SKILL.md", description="Helm charts.")
    first = discovery(a, b)
    assert redacted(tmp_path, first) == (first, 0)
    # Two assets and the tracked paths, all clean before.
    assert redacted(tmp_path, first) == (first, 3)

    leaking = replace(a, description=f"Use {TOKEN} to log in.")
    clean, hits = redacted(tmp_path, discovery(leaking, b))
    assert hits == 2  # b and the paths: the changed asset is read again
    assert clean.assets[0].description == f"Use {REDACTED} to log in."
    assert [i.code for i in clean.issues] == [LEAKED_SECRET]
    # A record that needed redaction is never recorded as clean.
    again, hits = redacted(tmp_path, discovery(leaking, b))
    assert (again, hits) == (clean, 2)

    # A leaking path is read again too.
    secret_path = discovery(b, paths=frozenset({f"keys/{TOKEN}.md"}))
    clean, hits = redacted(tmp_path, secret_path)
    assert hits == 1
    assert clean.repos[0].paths == frozenset({f"keys/{REDACTED}.md"})


def test_other_redaction_code_reads_everything_again(tmp_path: Path) -> None:
    found = discovery(asset("a/SKILL.md", description="Queues."))
    redacted(tmp_path, found)
    assert redacted(tmp_path, found)[1] == 2
    assert redacted(tmp_path, found, code="other code")[1] == 0
    # And the memo of the other code is what the next scan with it finds.
    assert redacted(tmp_path, found, code="other code")[1] == 2


def test_a_damaged_memo_is_ignored(tmp_path: Path) -> None:
    found = discovery(asset("a/SKILL.md", description="Queues."))
    redacted(tmp_path, found)
    (tmp_path / "cache" / "redaction.json").write_text("{not json", encoding="utf-8")
    assert redacted(tmp_path, found) == (found, 0)
