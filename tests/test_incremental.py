"""A rescan after an upstream change reuses what the change does not touch (extraction,
classification outcomes, asset pages and the GraphML of unchanged inputs), and writes exactly
the bytes a full scan of the same commits writes: the same output folder, with the same
previous catalog as its baseline, scanned with an empty work directory (no cache at all)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from shutil import ignore_patterns

import pytest

from scanner.catalog import Catalog, CatalogEntry
from scanner.catalog.carryover import content_commits_for
from scanner.catalog.model import ACTIVE
from scanner.models import SyncResult, SyncStatus
from tests.gitrepo import GitRepo
from tests.hazards.harness import Run, run_cli, scan, skill, snapshot, write_manifest
from tests.test_classify import asset
from tests.test_render import PLUGIN, ROOT, SOURCES, _demo_build

RepoFactory = Callable[..., GitRepo]

TOPICS = (
    "durable queues with dead letter handling and idempotent consumers",
    "REST API pagination, versioning and error envelopes",
    "terraform modules for kubernetes clusters and helm releases",
    "react component testing with accessibility checks",
    "postgres schema migrations and query plans",
    "incident response runbooks and on-call rotations",
)
SKILLS = 60  # above the catalog size at which term weighting starts


def corpus() -> dict[str, str]:
    files = {}
    for n in range(SKILLS):
        topic = TOPICS[n % len(TOPICS)]
        see = f"See [the next one](../s{(n + 1) % SKILLS}/SKILL.md).\n" if n % 3 == 0 else ""
        files[f"skills/s{n}/SKILL.md"] = skill(f"s{n}", f"Skill {n}: {topic}.", body=see)
    files["agents/reviewer.md"] = (
        "---\nname: reviewer\ndescription: Reviews REST API changes.\n---\n# Reviewer\n"
    )
    return files


def full_rescan(tmp_path: Path, sources: Path, previous: Path, name: str) -> Run:
    """A scan with no cache of the output a rescan starts from."""
    out = tmp_path / f"out-{name}"
    shutil.copytree(previous, out)
    return scan(tmp_path, sources, out=out, work=tmp_path / f"work-{name}", extra=("--json",))


def stages(run: Run) -> dict[str, dict[str, int]]:
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    found = data["stages"]
    assert isinstance(found, dict)
    return found


def test_a_rescan_writes_what_a_full_scan_writes(repo_factory: RepoFactory, tmp_path: Path) -> None:
    alpha = repo_factory("alpha", corpus())
    beta = repo_factory("beta", {"skills/b/SKILL.md": skill("b", "Helm chart linting.")})
    sources = write_manifest(tmp_path / "sources.yaml", {"alpha": alpha.url, "beta": beta.url})
    first = scan(tmp_path, sources)
    assert first.code == 0, first.stderr
    first_commit = alpha.head()
    edits: list[dict[str, str | bytes]] = [
        # The body only: no field the classifier reads, no reference.
        {"skills/s4/SKILL.md": skill("s4", f"Skill 4: {TOPICS[4]}.", body="Revision 1.")},
        # A new description (document frequencies move) and a new reference (the graph moves).
        {
            "skills/s7/SKILL.md": skill(
                "s7", "Skill 7: queues, brokers and retries.", body="See [s8](../s8/SKILL.md)."
            )
        },
        # A new description alone: classified again, the graph (which reads no description) is
        # reused.
        {"skills/s10/SKILL.md": skill("s10", "Skill 10: audit trails for payment ledgers.")},
    ]
    for number, files in enumerate(edits):
        previous = tmp_path / f"previous-{number}"
        shutil.copytree(first.out, previous)
        alpha.write(files)
        alpha.commit(f"edit {number}")

        rescan = scan(tmp_path, sources, extra=("--json",))
        full = full_rescan(tmp_path, sources, previous, str(number))

        assert rescan.code == full.code == 0, rescan.stderr + full.stderr
        assert snapshot(rescan.out) == snapshot(full.out)
        assert stages(rescan)["discover"]["files_parsed"] == 1
        # The body-only edit changes nothing the classifier reads: the whole result is
        # reused. After a new description, the assets are classified again, with the
        # outcomes the edit did not move.
        classified = stages(rescan)["classify"]
        assert classified["assignments_reused"] == (1 if number == 0 else 0)
        assert (classified["outcomes_reused"] > 0) is (number != 0)
        assert stages(full)["classify"]["assignments_reused"] == 0
        # The graph's structure is reused but after the new reference.
        assert stages(rescan)["graph"]["graph_reused"] == (0 if number == 1 else 1)
        assert stages(full)["graph"]["graph_reused"] == 0
        assert stages(full)["classify"]["outcomes_reused"] == 0
        # Asset pages and the graph exports of unchanged inputs are taken from the output.
        # After the body-only edit, every page but the edited asset's (a page links to its file
        # at the first scanned commit with its current bytes) and both graph files; a new
        # reference moves the graph and every asset's rank, so every page changes.
        reused = stages(rescan)["render"]["files_reused"]
        if number < 2:
            assert reused == (len(rescan.assets) - 1 + 2 if number == 0 else 0)
        assets = rescan.assets
        edited = next(f"alpha::{path}" for path in files)
        assert assets[edited]["content_commit"] == alpha.head()
        assert assets["alpha::agents/reviewer.md"]["content_commit"] == first_commit
        assert stages(full)["render"]["files_reused"] == 0
        shutil.rmtree(previous)


def test_the_content_commit_follows_the_bytes_at_the_same_path() -> None:
    old_commit, new_commit = "a" * 40, "b" * 40
    url = "https://github.com/acme/agents.git"
    kept, edited, moved, fresh = (
        asset(f"skills/{name}/SKILL.md") for name in ("kept", "edited", "moved", "fresh")
    )
    baseline = Catalog(
        (SyncResult("agents", url, None, SyncStatus.OK, old_commit),),
        tuple(
            CatalogEntry(a, ACTIVE, content_commit=old_commit)
            for a in (kept, edited, replace(moved, path="skills/old/SKILL.md"))
        ),
        (),
    )
    now = [kept, replace(edited, blob_sha="1" * 40), moved, fresh]
    sources = [SyncResult("agents", url, None, SyncStatus.OK, new_commit)]
    assert content_commits_for(baseline, now, sources) == {
        kept.id: old_commit,  # same path, same bytes: the older commit has them
        edited.id: new_commit,
        moved.id: new_commit,  # the older commit has these bytes at another path
        fresh.id: new_commit,
    }
    # Another repository under the same name: nothing carried over; no baseline: this scan's.
    elsewhere = [replace(sources[0], url="https://github.com/other/agents.git")]
    assert set(content_commits_for(baseline, now, elsewhere).values()) == {new_commit}
    assert set(content_commits_for(None, now, sources).values()) == {new_commit}


def test_a_baseline_content_commit_that_is_no_commit_id_is_dropped() -> None:
    """content_commit goes into every permalink of the site and the plugins: read back from a
    baseline, anything but a commit id is dropped (and recomputed), never carried into a link."""
    import json
    from pathlib import Path

    from scanner.catalog.store import parse_catalog

    golden = Path(__file__).parent / "golden/examples/catalog/catalog.json"
    document = json.loads(golden.read_text(encoding="utf-8"))
    good = document["assets"][0]["content_commit"]
    document["assets"][0]["content_commit"] = "javascript:alert(1)//"
    document["assets"][1]["content_commit"] = "main) [x](https://example.invalid"
    catalog = parse_catalog(json.dumps(document), "catalog.json")
    commits = [entry.content_commit for entry in catalog.entries]
    assert commits[0] == commits[1] == "" and len(good) == 40
    assert all(c == "" or len(c) == 40 for c in commits)


def test_a_rescan_reuses_the_plugins_whose_view_did_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The samples' backend plugin ships; editing a practice that is withheld leaves its view
    as it was, so the rescan takes its files from the output (and writes what a full scan
    writes)."""
    gitconfig = _demo_build(tmp_path / "demo")
    project = tmp_path / "project"
    shutil.copytree(ROOT / "manifests", project / "manifests")
    shutil.copytree(ROOT / "examples", project / "examples", ignore=ignore_patterns("output"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.chdir(project)

    def scan_into(out: str, work: str) -> dict[str, int]:
        code, stdout, stderr = run_cli(
            ["scan", *SOURCES, "--output", out, "--workdir", work, "--json"]
        )
        assert code == 0, stderr
        render = json.loads(stdout)["stages"]["render"]
        assert isinstance(render, dict)
        return render

    assert scan_into("out", "work")["folders_reused"] == 0
    assert (project / "out" / PLUGIN).is_dir()
    shutil.copytree(project / "out", project / "out-full")
    practice = project / "manifests/practices/qa.yaml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("description: >-\n", "description: >-\n  Edited.", 1))

    rescan = scan_into("out", "work")
    full = scan_into("out-full", "work-full")
    assert snapshot(project / "out") == snapshot(project / "out-full")
    assert rescan["folders_reused"] == 1 and full["folders_reused"] == 0
    assert rescan["files_reused"] >= len(list((project / "out" / PLUGIN).rglob("*.md")))
