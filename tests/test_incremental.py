"""A rescan after an upstream change reuses what the change does not touch (extraction,
classification outcomes, asset pages and the GraphML of unchanged inputs), and writes exactly
the bytes a full scan of the same commits writes: the same output folder, with the same
previous catalog as its baseline, scanned with an empty work directory (no cache at all)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.hazards.harness import Run, scan, skill, snapshot, write_manifest

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
    edits: list[dict[str, str | bytes]] = [
        # The body only: no field the classifier reads, no reference.
        {"skills/s4/SKILL.md": skill("s4", f"Skill 4: {TOPICS[4]}.", body="Revision 1.")},
        # A new description (document frequencies move) and a new reference (the graph moves).
        {
            "skills/s7/SKILL.md": skill(
                "s7", "Skill 7: queues, brokers and retries.", body="See [s8](../s8/SKILL.md)."
            )
        },
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
        assert stages(rescan)["classify"]["outcomes_reused"] > 0
        assert stages(full)["classify"]["outcomes_reused"] == 0
        # Asset pages and the GraphML of unchanged inputs are taken from the output. After the
        # body-only edit: the GraphML and beta's page (alpha's pages link to the file at alpha's
        # new commit); a new reference moves every asset's rank, so every page changes.
        assert stages(rescan)["render"]["files_reused"] >= (2 if number == 0 else 0)
        assert stages(full)["render"]["files_reused"] == 0
        shutil.rmtree(previous)
