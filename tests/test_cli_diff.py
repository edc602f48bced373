"""`scanner diff`: baselines from a file, a git ref or HEAD; Markdown and JSON on stdout; the exit
code; rename detection from the work directory's checkouts or from a recorded report."""

from __future__ import annotations

import json
import posixpath
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.git import history
from scanner.ids import pin_to_asset_id
from scanner.models import JsonObject
from scanner.practices import load_practices
from scanner.writer import dump_json
from tests.gitrepo import GitRepo, git

ROOT = Path(__file__).resolve().parent.parent
URL = "https://github.com/acme/alpha.git"
OLD = "a" * 40
NEW = "b" * 40


def catalog(commit: str, assets: dict[str, str]) -> JsonObject:
    """A catalog of one repository, `alpha`, with path -> blob SHA."""
    return {
        "schema_version": 1,
        "sources": [
            {
                "name": "alpha",
                "url": URL,
                "ref": None,
                "commit": commit,
                "commit_date": "2026-02-19T12:00:00+00:00",
                "status": "ok",
                "reason": "",
            }
        ],
        "assets": [
            {
                "id": f"alpha::{path}",
                "repo": "alpha",
                "path": path,
                "kind": "skill",
                "blob_sha": blob,
                "status": "active",
            }
            for path, blob in sorted(assets.items())
        ],
    }


V1 = catalog(OLD, {"skills/a/SKILL.md": "1" * 40})
V2 = catalog(NEW, {"skills/a/SKILL.md": "1" * 40, "skills/b/SKILL.md": "2" * 40})
V3 = catalog(NEW, {"skills/a/SKILL.md": "3" * 40, "skills/b/SKILL.md": "2" * 40})


@pytest.fixture(autouse=True)
def _away_from_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command reads featured pins from manifests/practices/ in the current directory:
    only the test that wants the project's pins runs there."""
    monkeypatch.chdir(tmp_path)


def write_catalog(out: Path, doc: JsonObject) -> Path:
    path = out / "catalog" / "catalog.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_json(doc), encoding="utf-8")
    return path


def run_diff(out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["diff", "--output", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_diff_against_a_baseline_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    write_catalog(out, V2)
    baseline = tmp_path / "old.json"
    baseline.write_text(dump_json(V1), encoding="utf-8")
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    code, text, err = run_diff(out, capsys, "--baseline", str(baseline))
    assert code == 0
    assert "**1 new · 0 changed · 0 moved · 0 removed" in text
    assert f"https://github.com/acme/alpha/blob/{NEW}/skills/b/SKILL.md" in text
    assert f"baseline: {baseline}; 1 new" in err

    code, data, _ = run_diff(out, capsys, "--baseline", str(baseline), "--json")
    report = json.loads(data)
    assert [a["id"] for a in report["new"]] == ["alpha::skills/b/SKILL.md"]
    assert report["repositories"][0]["old_commit"] == OLD

    assert run_diff(out, capsys, "--baseline", str(baseline), "--exit-code")[0] == 1
    same = tmp_path / "same.json"
    same.write_text(dump_json(V2), encoding="utf-8")
    code, text, _ = run_diff(out, capsys, "--baseline", str(same), "--exit-code")
    assert code == 0 and "No asset changed since the baseline." in text
    # The command writes no file.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_default_baseline_is_the_committed_catalog_and_refs_pick_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = GitRepo(tmp_path / "project")
    out = project.path / "output"
    write_catalog(out, V1)
    project.commit("scan 1")
    write_catalog(out, V2)
    project.commit("scan 2")
    write_catalog(out, V3)  # the scan just rewrote it; not committed yet

    code, data, err = run_diff(out, capsys, "--json", "--exit-code")
    assert code == 1 and "catalog/catalog.json at HEAD" in err
    report = json.loads(data)
    assert [c["id"] for c in report["changed"]] == ["alpha::skills/a/SKILL.md"]
    assert report["new"] == []

    code, data, _ = run_diff(out, capsys, "--json", "--baseline-ref", "HEAD~1")
    report = json.loads(data)
    assert [a["id"] for a in report["new"]] == ["alpha::skills/b/SKILL.md"]
    assert [c["id"] for c in report["changed"]] == ["alpha::skills/a/SKILL.md"]

    code, _, err = run_diff(out, capsys, "--baseline-ref", "no-such-branch")
    assert code == 4 and "no commit named 'no-such-branch'" in err
    code, _, err = run_diff(out, capsys, "--baseline-ref", "--upload-pack=evil")
    assert code == 4 and "must not start with '-'" in err
    # A ref at which the catalog did not exist yet: an empty baseline, everything is new.
    empty_tree = git(project.path, "hash-object", "-t", "tree", "-w", "/dev/null")
    git(project.path, "branch", "empty", git(project.path, "commit-tree", empty_tree, "-m", "0"))
    code, data, err = run_diff(out, capsys, "--json", "--baseline-ref", "empty")
    assert code == 0 and "no catalog/catalog.json committed at" in err
    assert len(json.loads(data)["new"]) == 2


def test_outside_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    write_catalog(out, V1)
    code, text, err = run_diff(out, capsys)
    assert code == 0 and "No baseline catalog (no catalog committed at HEAD)" in text
    assert "baseline: no catalog committed at HEAD" in err
    code, _, err = run_diff(out, capsys, "--baseline-ref", "HEAD")
    assert code == 4 and "needs a git repository" in err


def test_usage_and_missing_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _, err = run_diff(out, capsys)
    assert code == 4 and "no catalog at" in err and "scanner scan" in err
    write_catalog(out, V1)
    base = tmp_path / "b.json"
    base.write_text(dump_json(V1), encoding="utf-8")
    code, _, err = run_diff(out, capsys, "--baseline", str(base), "--baseline-ref", "HEAD")
    assert code == 2 and "not both" in err
    base.write_text("{not json", encoding="utf-8")
    code, _, err = run_diff(out, capsys, "--baseline", str(base))
    assert code == 4 and "not valid JSON" in err


def test_recorded_moves_pair_edited_moves_without_checkouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    baseline = tmp_path / "old.json"
    baseline.write_text(dump_json(catalog(OLD, {"p/a.md": "1" * 40})), encoding="utf-8")
    write_catalog(out, catalog(NEW, {"q/a.md": "2" * 40}))
    code, data, _ = run_diff(out, capsys, "--json", "--baseline", str(baseline))
    report = json.loads(data)
    assert code == 0 and report["moved"] == [] and len(report["new"]) == len(report["removed"]) == 1
    assert report["repositories"][0]["rename_detection"] == "content-only"
    recorded = {
        "moved": [
            {"from": {"repo": "alpha", "path": "p/a.md"}, "to": {"repo": "alpha", "path": "q/a.md"}}
        ]
    }
    (out / "reports").mkdir()
    (out / "reports" / "scan-diff.json").write_text(json.dumps(recorded), encoding="utf-8")
    _, data, _ = run_diff(out, capsys, "--json", "--baseline", str(baseline))
    report = json.loads(data)
    assert [(m["from"]["path"], m["to"]["path"], m["edited"]) for m in report["moved"]] == [
        ("p/a.md", "q/a.md", True)
    ]
    assert report["new"] == report["removed"] == []


def test_renames_from_the_checkouts_in_the_work_directory(
    repo_factory: Callable[..., GitRepo],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # scan classifies and renders: it needs the practices (the cwd is tmp_path here).
    shutil.copytree(ROOT / "manifests" / "practices", tmp_path / "manifests" / "practices")
    body = "".join(f"Step {i}: validate input, then persist.\n" for i in range(30))
    remote = repo_factory("alpha", {"commands/deploy.md": f"---\ndescription: Deploy\n---\n{body}"})
    manifest = tmp_path / "sources.yaml"
    manifest.write_text(
        f"schema_version: 1\nrepositories:\n  - name: alpha\n    url: {remote.url}\n",
        encoding="utf-8",
    )
    out, work = tmp_path / "out", tmp_path / "work"
    common = ["--sources", str(manifest), "--output", str(out), "--workdir", str(work)]
    assert main(["scan", *common]) == 0
    baseline = tmp_path / "old.json"
    baseline.write_bytes((out / "catalog" / "catalog.json").read_bytes())
    remote.move("commands/deploy.md", "commands/ops/ship.md")
    remote.write({"commands/ops/ship.md": f"---\ndescription: Ship it\n---\n{body}"})
    remote.commit("move and edit")
    assert main(["scan", *common]) == 0
    capsys.readouterr()
    code = main(["diff", *common, "--json", "--baseline", str(baseline)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(m["from"]["path"], m["to"]["path"], m["detected_by"]) for m in report["moved"]] == [
        ("commands/deploy.md", "commands/ops/ship.md", "git-rename")
    ]
    assert report["repositories"][0]["rename_detection"] == "git"


def test_featured_pins_of_the_practice_manifests_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    pins = sorted(
        pin
        for p in load_practices(ROOT / "manifests" / "practices")
        for d in p.domains
        for pin in d.featured
    )
    assert pins, "the project's practice manifests pin featured assets"
    repo, _, path = pins[0].partition("/")
    others = [pin_to_asset_id(p) for p in pins[1:]]

    def doc(commit: str, paths: list[str]) -> JsonObject:
        names = sorted({repo, *(o.partition("::")[0] for o in others)})
        return {
            "sources": [
                {"name": n, "url": f"https://github.com/x/{n}", "commit": commit, "status": "ok"}
                for n in names
            ],
            "assets": [
                {
                    "repo": i.partition("::")[0],
                    "path": i.partition("::")[2],
                    "kind": "skill",
                    "blob_sha": f"{n:040x}",
                }
                for n, i in enumerate(paths)
            ],
        }

    moved_to = f"{path}.moved/{posixpath.basename(path)}"
    baseline = tmp_path / "old.json"
    baseline.write_text(dump_json(doc(OLD, [f"{repo}::{path}", *others])), encoding="utf-8")
    out = tmp_path / "out"
    write_catalog(out, doc(NEW, [f"{repo}::{moved_to}", *others]))
    code, data, _ = run_diff(out, capsys, "--json", "--baseline", str(baseline))
    report = json.loads(data)
    assert code == 0 and report["broken_pins"] == []
    assert [p["suggested_edit"] for p in report["followed_pins"]] == [
        f"- {pins[0]}\n+ {repo}/{moved_to}"
    ]


# --- history.read_file_at_ref ---------------------------------------------------------------------


def test_read_file_at_ref(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "project")
    repo.write({"output/catalog/catalog.json": "v1\n"})
    repo.commit("one")
    repo.write({"output/catalog/catalog.json": "v2\n"})
    repo.commit("two")
    read = history.read_file_at_ref
    assert read(repo.path, "HEAD", "output/catalog/catalog.json") == b"v2\n"
    assert read(repo.path, "HEAD~1", "output/catalog/catalog.json") == b"v1\n"
    assert read(repo.path, "main", "output/catalog/catalog.json") == b"v2\n"
    with pytest.raises(history.FileNotAtRefError):
        read(repo.path, "HEAD", "output/missing.json")
    with pytest.raises(history.FileNotAtRefError):
        read(repo.path, "HEAD", "../etc/passwd")
    with pytest.raises(history.RefNotFoundError):
        read(repo.path, "nope", "output/catalog/catalog.json")
    with pytest.raises(history.RefNotFoundError):
        read(repo.path, "--output=/tmp/x", "output/catalog/catalog.json")
    assert history.repository_root(repo.path / "output" / "not-yet" / "x") == repo.path.resolve()
    assert history.repository_root(tmp_path / "elsewhere") is None
