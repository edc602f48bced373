"""The GitHub Actions workflows: their structure, read with the safe YAML loader, and actionlint
when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NIGHTLY = WORKFLOWS / "nightly-scan.yml"
PR_REPORT = WORKFLOWS / "pr-scan-report.yml"
CI = WORKFLOWS / "ci.yml"
ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.yml"))
PAGES = WORKFLOWS / "pages.yml"

# `uses: owner/name@<full commit SHA> # vX.Y.Z`: a tag can be moved, a commit cannot.
PINNED_RE = re.compile(
    r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+\.\d+\.\d+\s*$"
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict)
    return found


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def step_using(all_steps: list[dict[str, Any]], action: str) -> dict[str, Any]:
    matches = [s for s in all_steps if str(s.get("uses", "")).startswith(f"{action}@")]
    assert len(matches) == 1, f"expected one step using {action}"
    return matches[0]


def step_running(all_steps: list[dict[str, Any]], text: str) -> dict[str, Any]:
    matches = [s for s in all_steps if text in str(s.get("run", ""))]
    assert len(matches) == 1, f"expected one step running {text!r}"
    return matches[0]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits_and_scripts_take_no_event_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uses = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses
    for line in uses:
        assert PINNED_RE.match(line), f"not pinned to a commit SHA with its version: {line}"
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}  # jobs ask for more where they need it
    for job in workflow["jobs"].values():
        assert isinstance(job.get("timeout-minutes"), int)
        for step in job["steps"]:
            # Event data reaches scripts through env, never spliced into the shell text.
            assert "github.event" not in str(step.get("run", ""))


def test_nightly_scan_rescans_and_proposes_one_pull_request() -> None:
    workflow = load(NIGHTLY)
    on = triggers(workflow)
    (schedule,) = on["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in on
    assert workflow["concurrency"]["cancel-in-progress"] is False
    (job_name,) = workflow["jobs"]
    job = workflow["jobs"][job_name]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    all_steps = steps(workflow, job_name)

    python = step_using(all_steps, "actions/setup-python")
    assert python["with"]["python-version"] == "3.11"
    cache = step_using(all_steps, "actions/cache")
    # The clones and the caches that make a rescan reuse the last one's work.
    assert cache["with"]["path"].split() == [".scanner/repos", ".scanner/cache"]
    assert job["env"]["SCANNER_WORKDIR"].endswith("/.scanner")
    assert "github.run_id" in cache["with"]["key"] and cache["with"]["restore-keys"]

    rescan = step_running(all_steps, "make rescan")
    assert rescan["id"] == "rescan" and rescan["continue-on-error"] is True
    changes = step_running(all_steps, "$(git status --porcelain -- output)")
    report = step_running(all_steps, "scanner diff --output output")
    assert "GITHUB_STEP_SUMMARY" in report["run"]
    pr = step_using(all_steps, "peter-evans/create-pull-request")
    assert pr["with"]["body-path"] == "output/reports/scan-diff.md"
    assert pr["with"]["branch"] == "scanner/nightly-scan"  # one pull request, updated in place
    assert pr["with"]["add-paths"] == "output"
    assert pr["if"] == report["if"] == "steps.changes.outputs.changed == 'true'"
    fail = all_steps[-1]
    assert fail["if"] == "steps.rescan.outcome == 'failure'" and "exit 1" in fail["run"]
    # The output is proposed only when it is whole: verified after the scan, before the PR,
    # and a failed verification stops the job (no continue-on-error, no `if: always()`).
    verify = step_running(all_steps, "scanner verify-output --output output")
    assert "continue-on-error" not in verify and "if" not in verify
    assert "if" in pr and "always()" not in pr["if"]
    order = [all_steps.index(s) for s in (python, cache, rescan, verify, changes, report, pr, fail)]
    assert order == sorted(order)


def test_pull_request_report_checks_render_and_posts_one_sticky_comment() -> None:
    workflow = load(PR_REPORT)
    assert "pull_request" in triggers(workflow)
    assert "pull_request_target" not in triggers(workflow)  # never run PR code with secrets

    check = steps(workflow, "render-check")
    render = step_running(check, "scanner render --check")
    # Until a catalog is committed there is nothing to check: the step must not fail every PR.
    assert "if [ -f output/catalog/catalog.json ]" in render["run"]
    assert step_running(check, "make install")

    job = workflow["jobs"]["report"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    report = steps(workflow, "report")
    checkout = step_using(report, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False
    diff = step_running(report, "scanner diff")
    assert '--baseline-ref "$BASE_SHA"' in diff["run"]
    assert diff["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert "GITHUB_STEP_SUMMARY" in diff["run"]
    comment = step_using(report, "marocchino/sticky-pull-request-comment")
    assert comment["with"]["header"] == "scan-diff"  # the same comment, updated in place
    assert comment["with"]["path"] == "${{ runner.temp }}/scan-diff.md"
    assert "$RUNNER_TEMP/scan-diff.md" in diff["run"]
    assert "head.repo.full_name == github.repository" in comment["if"]
    assert report.index(diff) < report.index(comment)


def test_actionlint_accepts_the_workflows() -> None:
    # The dev extra installs it into the virtual environment, which need not be on PATH.
    beside_python = Path(sys.executable).parent / "actionlint"
    actionlint = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("no actionlint executable on PATH: install one to lint the workflows")
    done = subprocess.run(
        [actionlint, "-no-color", *map(str, ALL_WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_make_test_on_every_supported_python() -> None:
    workflow = load(CI)
    on = triggers(workflow)
    assert "pull_request" in on and "push" in on
    job = workflow["jobs"]["test"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    supported = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    assert supported and job["strategy"]["matrix"]["python"] == supported
    python = step_using(job["steps"], "actions/setup-python")
    assert python["with"]["python-version"] == "${{ matrix.python }}"
    assert step_running(job["steps"], ".ci/run")


def test_pages_publishes_the_committed_site_after_output_changes_on_main() -> None:
    workflow = load(PAGES)
    push = triggers(workflow)["push"]
    assert push["branches"] == ["main"] and push["paths"] == ["output/**"]
    build = steps(workflow, "build")
    upload = step_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "output/site"
    step_running(build, "output/site/index.html")  # a missing site fails with a message
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    step_using(steps(workflow, "deploy"), "actions/deploy-pages")
