"""The scan as a person sees it: progress while it runs (only on a terminal), then one screen
of summary that fits 80 columns and names the baseline; and the terminal, the report and
`scanner diff` agreeing on the numbers."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from scanner.cli import main
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
COUNTS = ("new", "changed", "moved", "removed", "reclassified")


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    built = _demo_module().build(tmp_path / "demo")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update(GIT_CONFIG_GLOBAL=str(built.gitconfig), TERM="xterm-256color")
    return env


def _scan_args(tmp_path: Path) -> list[str]:
    return [
        "scan",
        "--sources",
        "examples/sources.yaml",
        "--output",
        str(tmp_path / "out"),
        "--workdir",
        str(tmp_path / "work"),
    ]


def _run_in_pty(args: list[str], env: dict[str, str], columns: int = 80) -> tuple[int, str]:
    """The CLI with stdout and stderr on a pseudo-terminal of `columns` columns."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def _changes(text: str) -> dict[str, int]:
    line = next(line for line in text.splitlines() if line.startswith("Changes: "))
    return {name: int(n) for n, name in re.findall(r"(\d+) (\w+)", line) if name in COUNTS}


def test_a_terminal_at_80_columns_shows_progress_then_a_summary_that_fits(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    code, raw = _run_in_pty(_scan_args(tmp_path), demo_env)
    assert code == 0, raw
    shown = ANSI_RE.sub("", raw)
    # The progress display drew its stages while the scan ran.
    for stage in ("sync", "discover", "render"):
        assert re.search(rf"^{stage}\s", shown, re.MULTILINE), stage
    summary = shown[shown.index("Scanned 3 repositories") :]
    lines = summary.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for name in ("acme-agents", "acme-harness", "acme-web"):
        assert re.search(rf"^ ?{name} +ok +[0-9a-f]{{7}} +\d+ +\d+ *$", summary, re.MULTILINE)
    assert "…" not in summary  # nothing squeezed
    assert "{'" not in summary  # counts as words and tables, never a Python dict
    assert "Baseline: the first scan of this output folder" in summary


def test_without_a_terminal_nothing_but_the_summary(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scanner.cli", *_scan_args(tmp_path)],
        cwd=ROOT,
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "━" not in done.stderr and "\x1b[" not in done.stderr  # no bar, no cursor moves
    assert done.stderr.startswith("Scanned 3 repositories")


def test_terminal_report_and_diff_name_their_baseline_and_agree(
    demo_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", demo_env["GIT_CONFIG_GLOBAL"])
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(_scan_args(tmp_path)) == 0
    capsys.readouterr()
    # A rescan with nothing new stops early (the no-op check), and a discover over the same
    # clones finds the same catalog: both leave the report as the first scan wrote it, and
    # say so with the report's numbers rather than a contradicting "0 new".
    assert main(_scan_args(tmp_path)) == 0
    noop = capsys.readouterr().err
    assert "nothing changed since the last scan" in noop
    assert main(["discover", *_scan_args(tmp_path)[1:]]) == 0
    terminal = capsys.readouterr().err
    assert "This scan found nothing new" in terminal
    assert _changes(noop) == _changes(terminal)
    assert "Baseline: " in noop
    report = json.loads((out / "reports/scan-diff.json").read_text(encoding="utf-8"))
    markdown = (out / "reports/scan-diff.md").read_text(encoding="utf-8")
    assert main(["diff", "--output", str(out), "--sources", "examples/sources.yaml", "--json"]) == 0
    captured = capsys.readouterr()
    diffed = json.loads(captured.out)

    numbers = _changes(terminal)
    assert numbers == {k: report["counts"][k] for k in COUNTS}
    assert numbers == {k: diffed["counts"][k] for k in COUNTS}
    assert numbers["new"] > 0
    # Each names its baseline.
    assert f"Baseline: {report['baseline']}" in terminal
    assert f"({report['baseline']})" in markdown
    assert "baseline: no catalog committed at HEAD" in captured.err
    assert diffed["baseline"] == "no catalog committed at HEAD"
