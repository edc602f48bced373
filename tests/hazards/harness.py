"""What every hazard test needs: a sources manifest, one `scanner scan` run through
`scanner.cli.main`, and questions about what it wrote (issue codes, assets, every byte)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.cli import main
from scanner.config import resolve_workdir

ROOT = Path(__file__).resolve().parents[2]
CRASH_LOG = "scanner-crash.log"

# The front matter of a skill that the backend practice cites (its description is all API words).
API = "REST API design with OpenAPI and GraphQL endpoints, pagination and rate limiting."


def skill(name: str, description: str = API, extra: str = "", body: str = "") -> str:
    """A SKILL.md whose `description` is `description` and whose front matter ends with `extra`
    (YAML lines, each ending in a newline)."""
    return (
        f"---\nname: {name}\ndescription: {json.dumps(description)}\n{extra}---\n"
        f"# REST API design: {name}\n\n{body or 'Design REST API endpoints.'}\n"
    )


def write_manifest(path: Path, repos: Mapping[str, str | Mapping[str, Any]]) -> Path:
    """A sources manifest; each value is a URL or a whole entry (without its name)."""
    lines = ["schema_version: 1", "repositories:"]
    for name, spec in repos.items():
        entry = {"url": spec} if isinstance(spec, str) else dict(spec)
        lines.append(f"  - name: {json.dumps(name)}")
        lines += [f"    {key}: {json.dumps(value)}" for key, value in entry.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Run:
    """One finished `scanner scan`: its exit code, what it printed, and its folders."""

    code: int
    out: Path
    work: Path
    stdout: str
    stderr: str
    seconds: float = 0.0  # wall-clock time of the whole scan
    _catalog: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def catalog(self) -> dict[str, Any]:
        if self._catalog is None:
            data = json.loads((self.out / "catalog" / "catalog.json").read_text("utf-8"))
            assert isinstance(data, dict)
            self._catalog = data
        return self._catalog

    @property
    def assets(self) -> dict[str, dict[str, Any]]:
        return {a["id"]: a for a in self.catalog["assets"]}

    def asset(self, repo: str, path: str) -> dict[str, Any]:
        return self.assets[f"{repo}::{path}"]

    def issues(self, path: str | None = None, repo: str | None = None) -> list[dict[str, Any]]:
        return [
            i
            for i in self.catalog["issues"]
            if (path is None or i["path"] == path) and (repo is None or i["repo"] == repo)
        ]

    def codes(self, path: str, repo: str | None = None) -> set[str]:
        return {i["code"] for i in self.issues(path, repo)}

    def source(self, name: str) -> dict[str, Any]:
        return next(s for s in self.catalog["sources"] if s["name"] == name)

    def everything(self) -> str:
        """Every byte the run produced that a person or a pull request sees: each file under
        the output folder, stdout and stderr (and the crash log, if there is one)."""
        parts = [self.stdout, self.stderr]
        files = sorted(p for p in self.out.rglob("*") if p.is_file()) if self.out.exists() else []
        # cli.main writes a crash log to $SCANNER_WORKDIR (or .scanner/), whatever --workdir says
        for log in {self.work / CRASH_LOG, resolve_workdir(None) / CRASH_LOG}:
            if log.is_file():
                files.append(log)
        for path in files:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
        return "\n".join(parts)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """`scanner <args>` in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def scan(
    tmp_path: Path,
    repos: Mapping[str, str | Mapping[str, Any]] | Path,
    *,
    out: Path | None = None,
    work: Path | None = None,
    timeout: float = 30,
    extra: tuple[str, ...] = (),
) -> Run:
    """`scanner scan` of `repos` (a manifest path, or name -> URL or entry) into tmp folders."""
    out = out or tmp_path / "out"
    work = work or tmp_path / "work"
    if isinstance(repos, Path):
        sources = repos
    else:
        number = len(list(tmp_path.glob("sources-*.yaml")))
        sources = write_manifest(tmp_path / f"sources-{number}.yaml", repos)
    args = ["scan", "--sources", str(sources), "--workdir", str(work), "--output", str(out)]
    started = time.perf_counter()
    code, stdout, stderr = run_cli([*args, "--timeout", f"{timeout:g}", "--jobs", "2", *extra])
    return Run(code, out, work, stdout, stderr, time.perf_counter() - started)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative POSIX path -> bytes)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def leftovers(folder: Path) -> list[str]:
    """Temporary files and folders a writer left behind under `folder`."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.name.startswith((".tmp-", ".old-"))
    )


def strict_json(path: Path) -> Any:
    """Parse `path` as JSON the way other tools do: NaN and Infinity are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{path}: {name} is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def scan_in_subprocess(
    tmp_path: Path,
    repos: Mapping[str, str | Mapping[str, Any]],
    *,
    out: Path | None = None,
    work: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`scanner scan` in a child process: a crash of a parser (a segfault in C) is then a
    failed test, not the end of the test run."""
    sources = write_manifest(tmp_path / "sources-child.yaml", repos)
    args = [
        sys.executable,
        "-m",
        "scanner.cli",
        "scan",
        "--sources",
        str(sources),
        "--workdir",
        str(work or tmp_path / "work"),
        "--output",
        str(out or tmp_path / "out"),
    ]
    return subprocess.run(
        args, cwd=Path.cwd(), capture_output=True, text=True, timeout=timeout, check=False
    )
