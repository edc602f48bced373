"""Offline demo: scan the sample repositories in examples/ as if they were remote sources.

Steps:
1. Turn each folder examples/<name>/ listed in examples/sources.yaml into a git repository at
   <workdir>/demo/remotes/<name>, with one commit whose SHA is the same on every machine.
2. Write <workdir>/demo/gitconfig, which maps each manifest URL to its local repository with
   `url.<base>.insteadOf` (the technique maintainers use to scan from mirrors).
3. Run `scanner scan` on examples/sources.yaml with that gitconfig, writing examples/output/.

<workdir> is $SCANNER_WORKDIR, or .scanner/ in the project root.
`--build-only` does steps 1 and 2 and prints the gitconfig path.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SOURCES_NAME = "sources.yaml"
OUTPUT = Path("examples") / "output"

COMMIT_DATE = "2026-02-19T12:00:00+00:00"
IDENTITY = {
    "GIT_AUTHOR_NAME": "ProAgent Demo",
    "GIT_AUTHOR_EMAIL": "demo@example.invalid",
    "GIT_COMMITTER_NAME": "ProAgent Demo",
    "GIT_COMMITTER_EMAIL": "demo@example.invalid",
    "GIT_AUTHOR_DATE": COMMIT_DATE,
    "GIT_COMMITTER_DATE": COMMIT_DATE,
}
# Written into each demo repository's own config; none of it changes a SHA.
REPO_CONFIG = (
    ("core.fileMode", "false"),  # modes come from EXECUTABLE_SUFFIXES, not the disk
    ("core.autocrlf", "false"),
    ("commit.gpgSign", "false"),
    ("uploadpack.allowFilter", "true"),
    ("uploadpack.allowAnySHA1InWant", "true"),
)
EXECUTABLE_SUFFIXES = (".sh",)
# Local debris that must never reach a demo repository (the project .gitignore skips it too).
SKIPPED_NAMES = frozenset({".git", "__pycache__", ".DS_Store"})
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class DemoError(Exception):
    """The examples or the manifest are not what the demo expects."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Remote:
    name: str
    url: str
    path: Path
    commit: str


@dataclass(frozen=True, slots=True)
class DemoBuild:
    gitconfig: Path
    remotes: tuple[Remote, ...]


def default_workdir() -> Path:
    """$SCANNER_WORKDIR (resolved against the current directory) or .scanner/ in the root."""
    env = os.environ.get("SCANNER_WORKDIR")
    return Path(env).resolve() if env else ROOT / ".scanner"


def load_sources(path: Path) -> tuple[Source, ...]:
    """The repositories of a sources manifest: name and URL of each."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("repositories") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DemoError(f"{path}: no 'repositories' list")
    return tuple(_source(path, entry) for entry in entries)


def _source(path: Path, entry: object) -> Source:
    if not isinstance(entry, dict):
        raise DemoError(f"{path}: every repository must be a mapping")
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise DemoError(f"{path}: bad repository name {name!r}")
    if not isinstance(url, str) or not url or any(c in url for c in "\n\r\0"):
        raise DemoError(f"{path}: bad url for {name}")
    return Source(name=name, url=url)


def git_env() -> dict[str, str]:
    """An environment in which no user, system or inherited git setting applies."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(IDENTITY)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=git_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def example_files(folder: Path) -> list[Path]:
    """Every file of an example folder, relative to it, sorted; symlinks are refused."""
    files: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES)
        for entry in [*dirs, *names]:
            if (Path(current) / entry).is_symlink():
                raise DemoError(f"{Path(current) / entry}: examples must be plain files")
        base = Path(current).relative_to(folder)
        files.extend(base / n for n in names if n not in SKIPPED_NAMES)
    return sorted(files)


def _copy_files(source: Path, dest: Path, files: Iterable[Path]) -> None:
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((source / rel).read_bytes())


def build_remote(source: Path, dest: Path, message: str) -> str:
    """Recreate `dest` as a one-commit git repository of `source`; return the commit SHA."""
    if not source.is_dir():
        raise DemoError(f"{source}: example folder missing")
    files = example_files(source)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main", "--object-format=sha1", "--template=")
    for key, value in REPO_CONFIG:
        git(dest, "config", key, value)
    _copy_files(source, dest, files)
    git(dest, "add", "-A", "--", ".")
    executables = [p.as_posix() for p in files if p.name.endswith(EXECUTABLE_SUFFIXES)]
    if executables:
        git(dest, "add", "--chmod=+x", "--", *executables)
    git(dest, "commit", "-q", "--no-verify", "-m", message)
    return git(dest, "rev-parse", "HEAD")


def _quote(value: str) -> str:
    """A git config value in double quotes, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gitconfig_text(mapping: Mapping[str, Path]) -> str:
    """url.<file URI>.insteadOf for each manifest URL, plus what local clones need."""
    lines: list[str] = []
    for url, path in sorted(mapping.items()):
        lines += [f"[url {_quote(path.resolve().as_uri())}]", f"\tinsteadOf = {_quote(url)}"]
    lines += ['[protocol "file"]', "\tallow = always", "[uploadpack]", "\tallowFilter = true"]
    return "\n".join(lines) + "\n"


def write_gitconfig(path: Path, remotes: Sequence[Remote]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gitconfig_text({r.url: r.path for r in remotes}), encoding="utf-8")


def build(workdir: Path, examples: Path = EXAMPLES) -> DemoBuild:
    """Steps 1 and 2: the demo repositories and the gitconfig that maps their URLs."""
    demo = workdir / "demo"
    remotes: list[Remote] = []
    for source in load_sources(examples / SOURCES_NAME):
        dest = demo / "remotes" / source.name
        commit = build_remote(examples / source.name, dest, f"Import the {source.name} example")
        remotes.append(Remote(name=source.name, url=source.url, path=dest, commit=commit))
    gitconfig = demo / "gitconfig"
    write_gitconfig(gitconfig, remotes)
    return DemoBuild(gitconfig=gitconfig, remotes=tuple(remotes))


def run_scan(workdir: Path, gitconfig: Path) -> int:
    """Step 3: the real `scanner scan`, in-process, with the demo gitconfig."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        del os.environ[key]
    os.environ.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from scanner.cli import main as scanner_main

    args = ["scan", "--sources", f"examples/{SOURCES_NAME}", "--output", OUTPUT.as_posix()]
    return scanner_main([*args, "--workdir", str((workdir / "demo" / "work").resolve())])


def _exit_name(code: int) -> str:
    from scanner.errors import ExitCode

    try:
        return ExitCode(code).name.lower()
    except ValueError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the demo repositories and gitconfig, print the gitconfig path, stop",
    )
    options = parser.parse_args(argv)
    workdir = default_workdir()
    try:
        built = build(workdir)
    except (DemoError, OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", None) or err
        print(f"demo: could not build the example repositories: {detail}", file=sys.stderr)
        return 1
    if options.build_only:
        print(built.gitconfig)
        return 0
    code = run_scan(workdir, built.gitconfig)
    if code != 0:
        print(
            f"demo: scan failed with exit code {code} ({_exit_name(code)}); every demo "
            "repository should sync and scan cleanly, so this is a bug to report",
            file=sys.stderr,
        )
        return code
    print(f"demo: scanned {len(built.remotes)} example repositories into {OUTPUT.as_posix()}/")
    site = (ROOT / OUTPUT / "site" / "index.html").as_uri()
    print(f"demo: browse the catalog: open {site} in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
