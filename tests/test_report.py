"""The diff report: pure functions on catalog documents, rename detection on real git
repositories, and an end-to-end rescan of fixture repositories held by golden files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from scanner import report
from scanner.catalog import Catalog, carryover, catalog_from_document, renames
from scanner.catalog.identity import MoveEvidence, pair_assets
from scanner.cli import main
from scanner.escape import markdown_text
from scanner.links import blob_url, compare_url, github_repository
from scanner.models import (
    Asset,
    JsonObject,
    JsonValue,
    SyncResult,
    SyncStatus,
    asset_from_json,
)
from scanner.report import (
    DIFF_JSON,
    DIFF_MARKDOWN,
    RepoStatus,
    ScanDiff,
    diff_files,
    render_diff_markdown,
    report_files,
)
from scanner.writer import write_files
from tests.gitrepo import GitRepo
from tests.golden_files import check_golden

OLD = "a" * 40
NEW = "b" * 40
URL = "https://github.com/acme/alpha.git"


def src(
    name: str,
    commit: str,
    *,
    url: str = URL,
    status: str = "ok",
    reason: str = "",
    date: str = "2026-02-19T12:00:00+00:00",
) -> JsonObject:
    return {
        "name": name,
        "url": url,
        "ref": None,
        "commit": commit if status == "ok" else "",
        "commit_date": date if status == "ok" else "",
        "status": status,
        "reason": reason,
    }


def asset(
    repo: str,
    path: str,
    blob: str,
    kind: str = "skill",
    *,
    status: str = "active",
    domains: Sequence[str] = (),
    **extra: JsonValue,
) -> JsonObject:
    doms: list[JsonValue] = []
    for label in domains:
        practice, _, domain = label.partition("/")
        doms.append({"practice": practice, "domain": domain, "score": 1.0, "reasons": []})
    return {
        "id": f"{repo}::{path}",
        "repo": repo,
        "path": path,
        "kind": kind,
        "blob_sha": blob,
        "status": status,
        "domains": doms,
        **extra,
    }


def cat(sources: list[JsonObject], assets: list[JsonObject]) -> JsonObject:
    return {"schema_version": 1, "sources": list(sources), "assets": list(assets)}


def ids(diff_items: Sequence[object]) -> list[str]:
    return [str(getattr(item, "id")) for item in diff_items]  # noqa: B009


# The tests write catalogs as catalog.json documents; these read them into the typed Catalog
# (as every command does), pair their assets once and call the stage under test.


def typed(doc: JsonObject | None) -> Catalog | None:
    return catalog_from_document(doc) if doc is not None else None


def assets_of(catalog: Catalog | None) -> list[Asset]:
    return [e.asset for e in catalog.entries] if catalog is not None else []


def diff_catalogs(
    baseline: JsonObject | None,
    current: JsonObject,
    moves: dict[str, dict[str, str]] | None = None,
    pins: Sequence[str] = (),
    *,
    history_unavailable: Sequence[str] = (),
) -> ScanDiff:
    old, new = typed(baseline), catalog_from_document(current)
    pairing = pair_assets(
        assets_of(old), assets_of(new), moves, history_unavailable=history_unavailable
    )
    return report.diff_catalogs(old, new, pairing, pins)


def first_seen_for(
    baseline: JsonObject | None,
    assets: Sequence[Asset],
    sources: Sequence[SyncResult],
    moves: dict[str, dict[str, str]] | None = None,
) -> dict[str, JsonObject]:
    old = typed(baseline)
    return carryover.first_seen_for(
        old, assets, sources, pair_assets(assets_of(old), assets, moves)
    )


def annotations_for(
    baseline: JsonObject | None,
    assets: Sequence[Asset],
    moves: dict[str, dict[str, str]] | None = None,
) -> dict[str, JsonObject]:
    old = typed(baseline)
    return carryover.annotations_for(old, assets, pair_assets(assets_of(old), assets, moves))


def detect_renames(
    baseline: JsonObject | None, current: JsonObject, workdir: Path
) -> renames.RenameScan:
    old, new = typed(baseline), catalog_from_document(current)
    return renames.detect_renames(old.sources if old else (), new.sources, workdir)


# --- the diff engine on hand-written catalogs -----------------------------------------------------


def test_new_removed_changed_and_moves_by_content_and_by_git_rename() -> None:
    baseline = cat(
        [src("alpha", OLD)],
        [
            asset("alpha", "skills/keep/SKILL.md", "1" * 40),
            asset("alpha", "agents/edit.md", "2" * 40, "agent"),
            asset("alpha", "commands/deploy.md", "3" * 40, "command"),
            asset("alpha", "patterns/caching.md", "4" * 40, "pattern"),
            asset("alpha", "hooks/hooks.json", "5" * 40, "hook"),
        ],
    )
    current = cat(
        [src("alpha", NEW)],
        [
            asset("alpha", "skills/keep/SKILL.md", "1" * 40),
            asset("alpha", "agents/edit.md", "6" * 40, "agent"),
            asset("alpha", "commands/ops/deploy.md", "3" * 40, "command"),
            asset("alpha", "patterns/cache/caching.md", "7" * 40, "pattern"),
            asset("alpha", "skills/fresh/SKILL.md", "8" * 40),
        ],
    )
    renames = {"alpha": {"patterns/caching.md": "patterns/cache/caching.md", "x.md": "y.md"}}
    diff = diff_catalogs(baseline, current, renames)

    assert ids(diff.new) == ["alpha::skills/fresh/SKILL.md"]
    assert ids(diff.removed) == ["alpha::hooks/hooks.json"]
    assert [c.after.id for c in diff.changed] == ["alpha::agents/edit.md"]
    assert diff.changed[0].before.blob_sha == "2" * 40
    moves = {(m.before.path, m.after.path, m.evidence, m.edited) for m in diff.moved}
    assert moves == {
        ("commands/deploy.md", "commands/ops/deploy.md", MoveEvidence.SAME_CONTENT, False),
        ("patterns/caching.md", "patterns/cache/caching.md", MoveEvidence.GIT_RENAME, True),
    }
    assert diff.reclassified == ()
    (repo,) = diff.repositories
    assert (repo.status, repo.old_commit, repo.new_commit) == (RepoStatus.UPDATED, OLD, NEW)
    assert repo.compare_url == f"https://github.com/acme/alpha/compare/{OLD}...{NEW}"
    assert (repo.new, repo.removed, repo.changed, repo.moved) == (1, 1, 1, 2)
    assert repo.rename_detection == "git"
    assert diff.has_changes and not diff.catalog_unchanged
    # Links point at the commit each side was seen at.
    assert diff.removed[0].url == f"https://github.com/acme/alpha/blob/{OLD}/hooks/hooks.json"
    assert diff.new[0].url == f"https://github.com/acme/alpha/blob/{NEW}/skills/fresh/SKILL.md"


def test_without_git_renames_an_edited_move_reads_as_removed_and_new() -> None:
    baseline = cat([src("alpha", OLD)], [asset("alpha", "p/a.md", "1" * 40, "pattern")])
    current = cat([src("alpha", NEW)], [asset("alpha", "q/a.md", "2" * 40, "pattern")])
    diff = diff_catalogs(baseline, current, history_unavailable=["alpha"])
    assert ids(diff.removed) == ["alpha::p/a.md"] and ids(diff.new) == ["alpha::q/a.md"]
    assert diff.repositories[0].rename_detection == "content-only"
    assert "History unavailable" in render_diff_markdown(diff)


def test_copies_with_one_content_pair_by_file_name_then_path() -> None:
    blob = "c" * 40
    baseline = cat(
        [src("alpha", OLD)],
        [asset("alpha", "a/x.md", blob, "command"), asset("alpha", "b/y.md", blob, "command")],
    )
    current = cat(
        [src("alpha", NEW)],
        [
            asset("alpha", "c/y.md", blob, "command"),
            asset("alpha", "d/z.md", blob, "command"),
            asset("alpha", "e/w.md", blob, "command"),
        ],
    )
    diff = diff_catalogs(baseline, current)
    assert [(m.before.path, m.after.path) for m in diff.moved] == [
        ("a/x.md", "d/z.md"),  # no same-named candidate: the first in path order after c/y.md
        ("b/y.md", "c/y.md"),  # the same file name wins
    ]
    assert ids(diff.new) == ["alpha::e/w.md"]
    assert diff.removed == ()


def test_a_stale_repository_keeps_its_assets_and_nothing_is_removed() -> None:
    beta = "https://github.com/acme/beta.git"
    kept = [asset("beta", "skills/s/SKILL.md", "1" * 40), asset("beta", "CLAUDE.md", "2" * 40)]
    baseline = cat([src("beta", OLD, url=beta)], kept)
    current = cat(
        [src("beta", "", url=beta, status="failed", reason="could not read from remote")],
        [{**a, "status": "stale"} for a in kept],
    )
    diff = diff_catalogs(baseline, current, pins=["beta::CLAUDE.md", "beta::gone.md"])
    assert (diff.new, diff.removed, diff.changed, diff.moved) == ((), (), (), ())
    assert diff.broken_pins == ()  # nothing is known about a stale repository's pins
    (repo,) = diff.repositories
    assert repo.status is RepoStatus.STALE
    assert (repo.old_commit, repo.new_commit, repo.assets_after) == (OLD, OLD, 2)
    data = diff.to_json()
    assert data["stale_repositories"] == [
        {"name": "beta", "commit": OLD, "assets_kept": 2, "reason": "could not read from remote"}
    ]
    assert not diff.has_changes
    assert "Stale repositories" in render_diff_markdown(diff)


def test_a_repository_removed_from_the_manifest_is_reported_with_its_assets() -> None:
    gone = "https://github.com/acme/gone.git"
    baseline = cat(
        [src("alpha", OLD), src("gone", OLD, url=gone)],
        [asset("alpha", "a.md", "1" * 40, "command"), asset("gone", "x/SKILL.md", "2" * 40)],
    )
    current = cat([src("alpha", OLD)], [asset("alpha", "a.md", "1" * 40, "command")])
    diff = diff_catalogs(baseline, current, pins=["gone::x/SKILL.md"])
    assert ids(diff.removed) == ["gone::x/SKILL.md"]
    statuses = {r.name: r.status for r in diff.repositories}
    assert statuses == {"alpha": RepoStatus.UNCHANGED, "gone": RepoStatus.REMOVED}
    assert diff.to_json()["removed_repositories"] == [{"name": "gone", "commit": OLD, "assets": 1}]
    (pin,) = diff.broken_pins
    assert (pin.pin, pin.reason) == (
        "gone::x/SKILL.md",
        "its repository was removed from the manifest",
    )
    assert diff.has_changes


def test_no_baseline_makes_every_asset_new_and_the_repository_added() -> None:
    current = cat([src("alpha", NEW)], [asset("alpha", "a/SKILL.md", "1" * 40)])
    diff = diff_catalogs(None, current)
    assert ids(diff.new) == ["alpha::a/SKILL.md"]
    assert diff.repositories[0].status is RepoStatus.ADDED
    assert not diff.has_baseline and diff.has_changes
    assert "No baseline catalog" in render_diff_markdown(diff)


def test_a_repository_that_never_synced_before_is_added_when_it_first_does() -> None:
    baseline = cat([src("alpha", "", status="failed", reason="private")], [])
    current = cat([src("alpha", NEW)], [asset("alpha", "a/SKILL.md", "1" * 40)])
    diff = diff_catalogs(baseline, current)
    assert diff.repositories[0].status is RepoStatus.ADDED
    assert ids(diff.new) == ["alpha::a/SKILL.md"]
    still = diff_catalogs(baseline, baseline)
    assert still.repositories[0].status is RepoStatus.STALE
    assert "sync failed (never scanned)" in render_diff_markdown(still)


def test_reclassified_assets_including_one_that_moved() -> None:
    baseline = cat(
        [src("alpha", OLD)],
        [
            asset("alpha", "a/SKILL.md", "1" * 40, domains=["backend/api-design"]),
            asset("alpha", "old/b.md", "2" * 40, "agent", domains=["backend/caching"]),
        ],
    )
    current = cat(
        [src("alpha", NEW)],
        [
            asset("alpha", "a/SKILL.md", "1" * 40, domains=["backend/api-design", "devops/ci"]),
            asset("alpha", "new/b.md", "2" * 40, "agent", domains=["backend/performance"]),
        ],
    )
    diff = diff_catalogs(baseline, current)
    assert [(r.asset.id, r.previous_id, r.added, r.removed) for r in diff.reclassified] == [
        ("alpha::a/SKILL.md", "alpha::a/SKILL.md", ("devops/ci",), ()),
        ("alpha::new/b.md", "alpha::old/b.md", ("backend/performance",), ("backend/caching",)),
    ]
    assert diff.changed == ()  # same content: reclassified, not changed
    text = render_diff_markdown(diff)
    assert "| backend/performance | · | · | 1 | · | 1 | · |" in text
    assert "| backend/caching | · | · | · | · | · | 1 |" in text
    assert "+backend/performance, −backend/caching" in text


def test_featured_pins_are_followed_when_moved_and_broken_when_removed() -> None:
    baseline = cat(
        [src("alpha", OLD)],
        [
            asset("alpha", "commands/deploy.md", "1" * 40, "command"),
            asset("alpha", "hooks/hooks.json", "2" * 40, "hook"),
            asset("alpha", "skills/ok/SKILL.md", "3" * 40),
        ],
    )
    current = cat(
        [src("alpha", NEW)],
        [
            asset("alpha", "commands/ops/deploy.md", "1" * 40, "command"),
            asset("alpha", "skills/ok/SKILL.md", "3" * 40),
        ],
    )
    pins = [
        "alpha::commands/deploy.md",
        "alpha::hooks/hooks.json",
        "alpha::skills/ok/SKILL.md",
        "alpha::never/was.md",
    ]
    diff = diff_catalogs(baseline, current, pins=pins)
    assert [(p.pin, p.reason) for p in diff.broken_pins] == [
        ("alpha::hooks/hooks.json", "removed upstream"),
        ("alpha::never/was.md", "not in the catalog (no such asset)"),
    ]
    (followed,) = diff.followed_pins
    assert followed.suggested_edit == "- alpha::commands/deploy.md\n+ alpha::commands/ops/deploy.md"
    text = render_diff_markdown(diff)
    # Broken pins come first, before the summary table.
    assert text.index("broken featured pin") < text.index("| repository |")
    assert "```diff\n- alpha::commands/deploy.md\n+ alpha::commands/ops/deploy.md\n```" in text
    assert diff.to_json()["broken_pins"] == [
        {
            "pin": "alpha::hooks/hooks.json",
            "id": "alpha::hooks/hooks.json",
            "reason": "removed upstream",
            "last_seen_url": f"https://github.com/acme/alpha/blob/{OLD}/hooks/hooks.json",
        },
        {
            "pin": "alpha::never/was.md",
            "id": "alpha::never/was.md",
            "reason": "not in the catalog (no such asset)",
            "last_seen_url": "",
        },
    ]


def test_same_json_is_equality_of_the_two_documents() -> None:
    """Catalog.same_json stops at the first difference; it must say what comparing the two
    whole documents says, for a difference in any part of them."""
    base = cat(
        [src("alpha", OLD), src("beta", OLD)],
        [asset("alpha", f"s{n}/SKILL.md", str(n) * 40, domains=["qa/tests"]) for n in range(4)],
    )
    base["issues"] = [
        {"stage": "discover", "severity": "info", "code": "x", "message": "m", "repo": "alpha"}
    ]
    variants: list[JsonObject] = [json.loads(json.dumps(base)) for _ in range(7)]
    variants[1]["sources"][1]["commit"] = NEW  # type: ignore[index]
    variants[2]["assets"][3]["description"] = "other"  # type: ignore[index]
    variants[3]["assets"][0]["rank"] = 0.5  # type: ignore[index]
    variants[4]["assets"] = variants[4]["assets"][:3]  # type: ignore[index]
    variants[5]["issues"][0]["message"] = "other"  # type: ignore[index]
    variants[6]["assets"][2]["notes"] = "a note"  # type: ignore[index]
    typed_all = [catalog_from_document(v) for v in [base, *variants]]
    outcomes = set()
    for one in typed_all:
        for other in typed_all:
            outcome = one.same_json(other)
            assert outcome == (one.to_json() == other.to_json())
            outcomes.add(outcome)
    assert outcomes == {True, False}


def test_pins_written_as_in_the_practice_manifests() -> None:
    baseline = cat([src("alpha", OLD)], [asset("alpha", "commands/deploy.md", "1" * 40)])
    current = cat([src("alpha", NEW)], [asset("alpha", "commands/ops/deploy.md", "1" * 40)])
    diff = diff_catalogs(baseline, current, pins=["alpha/commands/deploy.md", "alpha/x.md"])
    (followed,) = diff.followed_pins
    assert followed.suggested_edit == "- alpha/commands/deploy.md\n+ alpha/commands/ops/deploy.md"
    assert followed.to_json()["from"] == "alpha::commands/deploy.md"
    assert [p.to_json()["id"] for p in diff.broken_pins] == ["alpha::x.md"]


def test_identical_catalogs_report_nothing_and_write_no_report() -> None:
    doc = cat([src("alpha", OLD)], [asset("alpha", "a/SKILL.md", "1" * 40)])
    diff = diff_catalogs(doc, json.loads(json.dumps(doc)))
    assert diff.catalog_unchanged and not diff.has_changes
    assert diff.counts["new"] == diff.counts["removed"] == diff.counts["moved"] == 0
    assert report_files(diff) == {}
    assert "No asset changed since the baseline." in render_diff_markdown(diff)


def test_json_schema_is_stable() -> None:
    baseline = cat([src("alpha", OLD)], [asset("alpha", "a.md", "1" * 40, "command")])
    current = cat([src("alpha", NEW)], [asset("alpha", "b.md", "1" * 40, "command")])
    data = diff_catalogs(baseline, current).to_json()
    assert sorted(data) == [
        "baseline",
        "broken_pins",
        "changed",
        "counts",
        "followed_pins",
        "has_baseline",
        "moved",
        "new",
        "reclassified",
        "removed",
        "removed_repositories",
        "repositories",
        "schema_version",
        "stale_repositories",
        "withheld_plugins",
    ]
    (move,) = data["moved"]  # type: ignore[misc]
    assert isinstance(move, dict)
    assert move["from"]["path"] == "a.md" and move["to"]["path"] == "b.md"  # type: ignore[index]
    assert move["detected_by"] == "same-content" and move["edited"] is False
    (repo,) = data["repositories"]  # type: ignore[misc]
    assert isinstance(repo, dict)
    assert (repo["old_commit"], repo["new_commit"]) == (OLD, NEW)
    files = diff_files(diff_catalogs(baseline, current))
    assert sorted(files) == [DIFF_JSON, DIFF_MARKDOWN]
    assert files[DIFF_JSON].endswith("}\n") and json.loads(files[DIFF_JSON]) == data
    # Recorded moves come back as rename hints.
    assert renames.recorded_moves(data) == {"alpha": {"a.md": "b.md"}}


def test_links_only_for_github_sources() -> None:
    assert github_repository("https://github.com/acme/alpha.git") == "acme/alpha"
    assert github_repository("https://***@github.com/acme/alpha") == "acme/alpha"
    assert github_repository("git@github.com:acme/alpha.git") == "acme/alpha"
    assert github_repository("ssh://git@github.com/acme/alpha.git") == "acme/alpha"
    assert github_repository("https://gitlab.com/acme/alpha.git") == ""
    assert github_repository("file:///srv/alpha") == ""
    assert blob_url(URL, OLD, "dir/a b(1).md") == (
        f"https://github.com/acme/alpha/blob/{OLD}/dir/a%20b%281%29.md"
    )
    assert blob_url("https://git.example.invalid/acme/alpha.git", OLD, "a.md") == ""
    assert compare_url(URL, OLD, OLD) == ""
    plain = cat(
        [src("alpha", NEW, url="https://git.example.invalid/acme/alpha.git")],
        [asset("alpha", "a/SKILL.md", "1" * 40)],
    )
    text = render_diff_markdown(diff_catalogs(None, plain))
    assert "- `a/SKILL.md` (skill)" in text and "](" not in text


def test_markdown_is_shortened_to_fit_a_pull_request_comment() -> None:
    many = [asset("alpha", f"skills/s{i:04d}/SKILL.md", f"{i:040x}") for i in range(3000)]
    diff = diff_catalogs(None, cat([src("alpha", NEW)], many))
    text = render_diff_markdown(diff)
    assert len(text) <= 60_000
    assert "more (see scan-diff.json)" in text
    assert "**3000 new" in text
    assert text == render_diff_markdown(diff)


def test_first_seen_and_annotations_carry_over_and_follow_moves() -> None:
    seen = {"commit": "0" * 40, "date": "2025-12-01T00:00:00+00:00"}
    baseline = cat(
        [src("alpha", OLD, date="2026-02-19T12:00:00+00:00")],
        [
            asset("alpha", "a/SKILL.md", "1" * 40, first_seen=seen, notes="keep me"),
            asset("alpha", "old/b.md", "2" * 40, "agent", first_seen=seen, labels=["core"]),
            asset("alpha", "legacy.md", "3" * 40, "command"),  # a catalog older than first_seen
        ],
    )
    current = [
        asset("alpha", "a/SKILL.md", "9" * 40),  # edited
        asset("alpha", "new/b.md", "2" * 40, "agent"),  # moved
        asset("alpha", "legacy.md", "3" * 40, "command"),
        asset("alpha", "fresh/SKILL.md", "4" * 40),
    ]
    assets = [asset_from_json({**a, "found_by": "x", "language": "markdown"}) for a in current]
    sync = SyncResult(
        "alpha", URL, None, SyncStatus.OK, commit=NEW, commit_date="2026-03-01T00:00:00+00:00"
    )
    first_seen = first_seen_for(baseline, assets, [sync])
    assert first_seen == {
        "alpha::a/SKILL.md": seen,
        "alpha::new/b.md": seen,
        "alpha::legacy.md": {"commit": OLD, "date": "2026-02-19T12:00:00+00:00"},
        "alpha::fresh/SKILL.md": {"commit": NEW, "date": "2026-03-01T00:00:00+00:00"},
    }
    assert annotations_for(baseline, assets) == {
        "alpha::a/SKILL.md": {"notes": "keep me"},
        "alpha::new/b.md": {"labels": ["core"]},
    }
    assert first_seen_for(None, assets[:1], [sync]) == {
        "alpha::a/SKILL.md": {"commit": NEW, "date": "2026-03-01T00:00:00+00:00"}
    }


# --- rename detection (the git side: tests/test_gitops.py) ------------------------------------

LONG = "".join(f"Line {i}: keep services stateless and idempotent.\n" for i in range(40))


def test_detect_renames_marks_repositories_without_history(tmp_path: Path) -> None:
    baseline = cat([src("alpha", OLD), src("beta", OLD)], [])
    current = cat([src("alpha", NEW), src("beta", OLD)], [])
    found = detect_renames(baseline, current, tmp_path / "no-workdir")
    assert found.renames == {} and found.unavailable == ("alpha",)


# --- end to end: scan, change upstream, rescan ----------------------------------------------------

SKILL = "---\nname: {name}\ndescription: Designs {name} for backend services.\n---\n# {title}\n"
AGENT = "---\nname: reviewer\ndescription: Reviews API changes.\n---\n# Reviewer\n{body}"
COMMAND = "---\ndescription: Deploy the service.\n---\n# Deploy\nRun the pipeline.\n"
HOOKS = (
    '{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": '
    '[{"type": "command", "command": "echo check", "timeout": 5}]}]}}\n'
)
PATTERN = "# Caching patterns\n\n" + LONG
LATER = "2026-02-20T09:30:00+00:00"


def _manifest(path: Path, names: Sequence[str]) -> None:
    lines = ["schema_version: 1", "repositories:"]
    for name in names:
        lines += [f"  - name: {name}", f"    url: https://github.com/acme/{name}.git"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _gitconfig(path: Path, remotes: dict[str, Path]) -> None:
    lines = ['[protocol "file"]', "\tallow = always", "[uploadpack]", "\tallowFilter = true"]
    for name, remote in sorted(remotes.items()):
        lines += [f'[url "{remote.as_uri()}"]', f"\tinsteadOf = https://github.com/acme/{name}.git"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _scan(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, JsonObject]:
    code = main(["scan", *args, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, dict)
    return code, out


def _catalog(out: Path) -> JsonObject:
    data = json.loads((out / "catalog/catalog.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _assets_and_sources(doc: JsonObject) -> tuple[list[Asset], list[SyncResult]]:
    raw_assets = doc["assets"]
    raw_sources = doc["sources"]
    assert isinstance(raw_assets, list) and isinstance(raw_sources, list)
    assets = [asset_from_json(a) for a in raw_assets if isinstance(a, dict)]
    sources = [
        SyncResult(
            str(s["name"]),
            str(s["url"]),
            None,
            SyncStatus(str(s["status"])),
            commit=str(s["commit"]),
            commit_date=str(s["commit_date"]),
        )
        for s in raw_sources
        if isinstance(s, dict)
    ]
    return assets, sources


def _with_first_seen(doc: JsonObject, first_seen: dict[str, JsonObject]) -> JsonObject:
    """What the scan does once wired: every catalog entry carries its first_seen."""
    raw_assets = doc["assets"]
    assert isinstance(raw_assets, list)
    assets: list[JsonValue] = [
        {**a, "first_seen": first_seen[str(a["id"])]} for a in raw_assets if isinstance(a, dict)
    ]
    return {**doc, "assets": assets}


def test_rescan_reports_exactly_what_changed_upstream(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    remotes = tmp_path / "remotes"
    alpha = GitRepo(remotes / "alpha")
    alpha.write(
        {
            "skills/api-design/SKILL.md": SKILL.format(name="api-design", title="API design"),
            "agents/reviewer.md": AGENT.format(body="Check the error model.\n"),
            "commands/deploy.md": COMMAND,
            "docs/patterns/caching.md": PATTERN,
            "hooks/hooks.json": HOOKS,
        }
    )
    alpha.commit("initial")
    beta = GitRepo(remotes / "beta")
    beta.write(
        {
            "CLAUDE.md": "# Beta\nUse the shared error model.\n",
            "skills/queues/SKILL.md": SKILL.format(name="queues", title="Queues"),
        }
    )
    beta.commit("initial")
    manifest = tmp_path / "sources.yaml"
    _manifest(manifest, ["alpha", "beta"])
    gitconfig = tmp_path / "mirrors.gitconfig"
    _gitconfig(gitconfig, {"alpha": alpha.path, "beta": beta.path})
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    out, work = tmp_path / "out", tmp_path / "work"
    args = ["--sources", str(manifest), "--output", str(out), "--workdir", str(work)]

    code, _ = _scan(args, capsys)
    assert code == 0
    first = _catalog(out)
    assets1, sources1 = _assets_and_sources(first)
    first = _with_first_seen(first, first_seen_for(None, assets1, sources1))

    # Upstream: add a skill, edit an agent, move a command, move and edit a pattern file,
    # delete a hook config; the second repository becomes unreachable.
    alpha.write({"skills/graphql/SKILL.md": SKILL.format(name="graphql", title="GraphQL")})
    alpha.write({"agents/reviewer.md": AGENT.format(body="Check the error model and paging.\n")})
    alpha.move("commands/deploy.md", "commands/ops/deploy.md")
    alpha.move("docs/patterns/caching.md", "docs/patterns/cache/caching-patterns.md")
    alpha.write({"docs/patterns/cache/caching-patterns.md": PATTERN + "Invalidate on write.\n"})
    alpha.remove("hooks/hooks.json")
    alpha.commit("upstream changes", date=LATER)
    beta.path.rename(remotes / "beta-gone")

    code, _ = _scan(args, capsys)
    assert code == 3  # partial: beta could not be synced
    second = _catalog(out)
    renames = detect_renames(first, second, work)
    assert renames.unavailable == ()
    assert renames.renames == {
        "alpha": {
            "commands/deploy.md": "commands/ops/deploy.md",
            "docs/patterns/caching.md": "docs/patterns/cache/caching-patterns.md",
        }
    }
    pins = ["alpha/commands/deploy.md", "alpha/hooks/hooks.json", "beta/CLAUDE.md"]
    diff = diff_catalogs(first, second, renames.renames, pins)

    assert ids(diff.new) == ["alpha::skills/graphql/SKILL.md"]
    assert [c.after.id for c in diff.changed] == ["alpha::agents/reviewer.md"]
    assert [(m.before.path, m.after.path, m.edited) for m in diff.moved] == [
        ("commands/deploy.md", "commands/ops/deploy.md", False),
        ("docs/patterns/caching.md", "docs/patterns/cache/caching-patterns.md", True),
    ]
    assert ids(diff.removed) == ["alpha::hooks/hooks.json"]
    # The edited move now reads as a caching pattern: a real reclassification, not noise.
    assert [(r.previous_id, r.asset.id, r.added, r.removed) for r in diff.reclassified] == [
        (
            "alpha::docs/patterns/caching.md",
            "alpha::docs/patterns/cache/caching-patterns.md",
            ("backend/caching",),
            (),
        )
    ]
    assert [(p.pin, p.reason) for p in diff.broken_pins] == [
        ("alpha/hooks/hooks.json", "removed upstream")
    ]
    assert [(p.pin, p.new_pin) for p in diff.followed_pins] == [
        ("alpha/commands/deploy.md", "alpha/commands/ops/deploy.md")
    ]
    stale = {r.name: r for r in diff.repositories}["beta"]
    assert stale.status is RepoStatus.STALE and stale.assets_after == 2
    raw_second = second["assets"]
    assert isinstance(raw_second, list)
    beta_status = {
        str(a["id"]): a["status"] for a in raw_second if isinstance(a, dict) and a["repo"] == "beta"
    }
    assert beta_status == {"beta::CLAUDE.md": "stale", "beta::skills/queues/SKILL.md": "stale"}

    # first_seen: kept for what was there (edited, moved and stale assets too), new for the rest.
    assets2, sources2 = _assets_and_sources(second)
    seen2 = first_seen_for(first, assets2, sources2, renames.renames)
    first_commit = {str(s.name): s.commit for s in sources1}
    new_alpha = {s.name: s for s in sources2}["alpha"]
    assert seen2["alpha::skills/graphql/SKILL.md"] == {
        "commit": new_alpha.commit,
        "date": LATER,
    }
    for kept in (
        "alpha::agents/reviewer.md",
        "alpha::commands/ops/deploy.md",
        "alpha::docs/patterns/cache/caching-patterns.md",
        "alpha::skills/api-design/SKILL.md",
    ):
        assert seen2[kept]["commit"] == first_commit["alpha"], kept
    assert seen2["beta::CLAUDE.md"]["commit"] == first_commit["beta"]

    # The report files, held by golden files (the sync error names a temporary path).
    report_dir = tmp_path / "report"
    for rel, text in report_files(diff).items():
        target = report_dir / rel.removeprefix("reports/")
        target.parent.mkdir(parents=True, exist_ok=True)
        # The temporary folder as written, and as the report escapes it (its `_`).
        escaped = markdown_text(str(tmp_path))
        stable = text.replace(str(tmp_path), "$TMP").replace(escaped, "$TMP")
        target.write_text(stable, encoding="utf-8")
    check_golden(report_dir, ["scan-diff.md", "scan-diff.json"], "report")
    written = write_files(out, report_files(diff))
    assert written == [DIFF_JSON, DIFF_MARKDOWN]
    # The site's change page shows the report on disk: bring it in line with the one written here.
    assert main(["site", *args]) == 0
    capsys.readouterr()

    # A rescan with no upstream change reports nothing and changes no file in output/.
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, summary = _scan(args, capsys)
    # Nothing: `scanner site` above rewrote the completion marker too, and it already lists
    # the reports written by hand.
    assert code == 3 and summary["changed_files"] == []
    third = _catalog(out)
    quiet = diff_catalogs(second, third, detect_renames(second, third, work).renames, pins)
    assert isinstance(quiet, ScanDiff)
    assert not quiet.has_changes and quiet.catalog_unchanged
    assert write_files(out, report_files(quiet)) == []
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    shutil.rmtree(work / "repos" / "alpha")  # without checkouts the diff still works
    assert detect_renames(first, second, work).unavailable == ("alpha",)
