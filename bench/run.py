"""`make bench`: what a scan costs, side by side with what git alone costs, in one run.

Measurements (each the median of BENCH_RUNS runs, with min and max):
- cold: sync (clone over file:// URLs) and a full scan of BENCH_REPOS repositories, from an
  empty work directory;
- warm: the same scan again, nothing changed upstream;
- incremental: the same scan after one upstream commit that changes one asset;
- scale: cold scans of 1, 3, 10 and 30 repositories (BENCH_SCALE), for time per file and memory;
- floors, measured the same way in the same run: a plain partial clone (`git clone
  --filter=blob:none`, which checks out the head) of the same repositories, `git fetch` with
  nothing new, and `git cat-file --batch` reading every candidate blob. Floors run
  with the scan's parallelism (BENCH_JOBS, default the CPU count), so the ratios are not
  flattered by a serial floor.

Each scan also counts the bytes it wrote to the output folder (the sizes of the files whose
size or modification time changed, or that appeared): a warm scan with nothing new must write 0.

Every scan is `scanner scan --json` in its own process (`scanner.cli.main`), so its memory
figure is its own: the peak of the sum of resident memory over its process tree (sampled from
/proc every 50 ms), besides getrusage's peaks. Stage figures come from the scan's `--json`
summary, whatever stages it reports.

The corpus (bench/corpus.py) is built under BENCH_DIR (default .scanner/bench, which git
ignores) and reused by later runs. With BENCH_SOURCES=FILE the same measurements run on the
repositories of a real sources manifest instead: each default branch is first copied (`git
clone --bare --single-branch`, with your git configuration, so that
`GIT_CONFIG_GLOBAL=mirrors.gitconfig` works) to a local upstream, where the incremental
measurement can add its commit; a repository that cannot be copied (unreachable, or a mirror
missing objects, which a plain clone needs) is left out of every measurement, so that the scan
and the floors cover the same repositories; scale is skipped.

The scanner package is byte-compiled first (`python -m compileall`), as a regular install is:
with PYTHONDONTWRITEBYTECODE set, an editable install would compile it again in every scan.

Results: a table on stdout and bench/results.json (git ignores it).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusRepo, build_corpus, commit_files, touch_asset  # noqa: E402
from scanner.handlers import select_handlers  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
GITCONFIG = """[protocol "file"]
\tallow = always
[uploadpack]
\tallowFilter = true
\tallowAnySHA1InWant = true
"""
# Runs one scan in a fresh interpreter and reports its own resource usage.
SCAN_WRAPPER = """
import json, resource, sys
from scanner.cli import main
code = main(json.loads(sys.argv[1]))
usage = {
    "exit_code": code,
    "self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(usage, out)
"""
TARGETS = {
    "cold_vs_clone": 1.2,
    "warm_vs_cold": 0.05,
    "incremental_vs_cold": 0.15,
    "scale_per_file_30_vs_3": 1.25,
    "peak_mib_at_30": 400.0,
}


@dataclass(frozen=True, slots=True)
class Settings:
    bench_dir: Path
    runs: int
    scale_runs: int
    repos: int
    files: int
    scale: tuple[int, ...]
    seed: int
    jobs: int
    sources: Path | None

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        runs = int(env.get("BENCH_RUNS", "3"))
        sources = env.get("BENCH_SOURCES")
        return cls(
            bench_dir=Path(env.get("BENCH_DIR", str(ROOT / ".scanner" / "bench"))).absolute(),
            runs=runs,
            scale_runs=int(env.get("BENCH_SCALE_RUNS", str(runs))),
            repos=int(env.get("BENCH_REPOS", "10")),
            files=int(env.get("BENCH_FILES", "2000")),
            scale=tuple(int(n) for n in env.get("BENCH_SCALE", "1,3,10,30").split(",") if n),
            seed=int(env.get("BENCH_SEED", "1")),
            jobs=int(env.get("BENCH_JOBS", "0")) or (os.cpu_count() or 1),
            sources=Path(sources).absolute() if sources else None,
        )


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    upstream: Path | None  # local bare repository: clone floor and incremental commits
    extra: dict[str, object] = field(default_factory=dict)  # include/exclude of a real manifest


@dataclass(slots=True)
class Sample:
    seconds: float
    files_listed: int = 0
    files_parsed: int = 0
    cache_hits: int = 0
    peak_tree_mib: float = 0.0
    peak_self_mib: float = 0.0
    peak_child_mib: float = 0.0
    exit_code: int = 0
    bytes_written: int = 0  # to the output folder
    stages: dict[str, dict[str, float]] = field(default_factory=dict)


# --- running things ---------------------------------------------------------------------------


def _git_env(gitconfig: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    if gitconfig is not None:
        env["GIT_CONFIG_GLOBAL"] = str(gitconfig)
        env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _descendants(pid: int) -> list[int]:
    """A process and its descendants, through /proc/<pid>/task/<tid>/children (cheap: no
    walk over every process of the machine)."""
    found, stack = [], [pid]
    while stack:
        proc = stack.pop()
        found.append(proc)
        try:
            tasks = list(Path(f"/proc/{proc}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    for proc in _descendants(pid):
        try:
            total += int(Path(f"/proc/{proc}/statm").read_text().split()[1]) * _PAGE_KIB
        except (OSError, IndexError, ValueError):
            continue
    return total


class _TreeSampler:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))

    def __enter__(self) -> _TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _output_files(output: Path) -> dict[str, tuple[int, int]]:
    if not output.exists():
        return {}
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()
    }


def _bytes_written(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    return sum(size for path, (size, mtime) in after.items() if before.get(path) != (size, mtime))


def run_scan(sources: Path, workdir: Path, output: Path, jobs: int, env: dict[str, str]) -> Sample:
    usage_file = workdir.parent / f"{workdir.name}.usage.json"
    argv = [
        "scan",
        "--sources",
        str(sources),
        "--workdir",
        str(workdir),
        "--output",
        str(output),
        "--jobs",
        str(jobs),
        "--json",
    ]
    usage_file.unlink(missing_ok=True)  # a crashed run must not read the last run's figures
    files_before = _output_files(output)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", SCAN_WRAPPER, json.dumps(argv), str(usage_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    with _TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    usage: dict[str, int] = json.loads(usage_file.read_text()) if usage_file.exists() else {}
    code = int(usage.get("exit_code", -1 if proc.returncode is None else proc.returncode))
    if code not in (0, 3):
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"scan failed with exit code {code}")
    summary = json.loads(out) if out.strip() else {}
    sample = Sample(
        seconds=seconds,
        peak_tree_mib=sampler.peak_kib / 1024,
        peak_self_mib=int(usage.get("self_kib", 0)) / 1024,
        peak_child_mib=int(usage.get("children_kib", 0)) / 1024,
        exit_code=code,
        bytes_written=_bytes_written(files_before, _output_files(output)),
    )
    _read_summary(summary, sample)
    return sample


def _read_summary(summary: dict[str, object], sample: Sample) -> None:
    """Counters from `scanner scan --json`: per stage where it reports them, else per repo."""
    stages = summary.get("stages")
    counted = False
    if isinstance(stages, dict):
        for name, figures in stages.items():
            if not isinstance(figures, dict):
                continue
            sample.stages[name] = {
                k: float(v) for k, v in figures.items() if isinstance(v, int | float)
            }
            for key in ("files_listed", "files_parsed", "cache_hits"):
                if isinstance(figures.get(key), int):
                    setattr(sample, key, getattr(sample, key) + figures[key])
                    counted = True
    repos = summary.get("repositories")
    if not counted and isinstance(repos, list):
        for repo in repos:
            if isinstance(repo, dict):
                for key in ("files_listed", "files_parsed", "cache_hits"):
                    value = repo.get(key)
                    if isinstance(value, int):
                        setattr(sample, key, getattr(sample, key) + value)


def _parallel(jobs: int, tasks: Sequence[Callable[[], None]]) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()
    return time.perf_counter() - started


def _run_git(args: Sequence[str], env: dict[str, str], **kwargs: object) -> None:
    subprocess.run(["git", *args], env=env, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def floor_clone(sources: Sequence[Source], dest: Path, jobs: int, env: dict[str, str]) -> float:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    tasks = [
        (
            lambda s=s: _run_git(
                ["clone", "--quiet", "--filter=blob:none", "--", s.url, str(dest / s.name)], env
            )
        )
        for s in sources
    ]
    return _parallel(jobs, tasks)


def floor_fetch(sources: Sequence[Source], dest: Path, jobs: int, env: dict[str, str]) -> float:
    tasks = [
        (lambda s=s: _run_git(["-C", str(dest / s.name), "fetch", "--quiet", "origin"], env))
        for s in sources
    ]
    return _parallel(jobs, tasks)


def candidate_blobs(checkout: Path, env: dict[str, str]) -> bytes:
    listed = subprocess.run(
        ["git", "-C", str(checkout), "ls-files", "-s", "-z"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    shas = []
    for entry in listed.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, sha, _ = meta.decode().split(" ")
        if mode in ("100644", "100755") and select_handlers(os.fsdecode(path)):
            shas.append(sha)
    return ("\n".join(shas) + "\n").encode()


def floor_cat_file(
    sources: Sequence[Source], dest: Path, jobs: int, env: dict[str, str]
) -> tuple[float, int]:
    wanted = {s.name: candidate_blobs(dest / s.name, env) for s in sources}
    tasks = [
        (
            lambda s=s: _run_git(
                ["-C", str(dest / s.name), "cat-file", "--batch"],
                env,
                input=wanted[s.name],
            )
        )
        for s in sources
    ]
    count = sum(blobs.count(b"\n") for blobs in wanted.values())
    return _parallel(jobs, tasks), count


# --- the corpus and the sources files ----------------------------------------------------------


def write_sources(path: Path, sources: Sequence[Source]) -> Path:
    entries = []
    for source in sources:
        entry: dict[str, object] = {"name": source.name, "url": source.url}
        entry.update(source.extra)
        entries.append(entry)
    path.write_text(yaml.safe_dump({"schema_version": 1, "repositories": entries}))
    return path


def synthetic_sources(settings: Settings) -> tuple[list[Source], list[CorpusRepo]]:
    count = max([settings.repos, *settings.scale])
    started = time.perf_counter()
    corpus = build_corpus(settings.bench_dir / "upstream", count, settings.files, settings.seed)
    print(
        f"corpus: {count} repositories x {settings.files} files ready in "
        f"{time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    sources = [Source(r.name, r.upstream.as_uri(), r.upstream) for r in corpus]
    return sources, corpus


def real_sources(settings: Settings, manifest: Path) -> list[Source]:
    """Local upstream copies of a real manifest's repositories (your git config applies)."""
    data = yaml.safe_load(manifest.read_text())
    upstream_dir = settings.bench_dir / "real-upstream"
    upstream_dir.mkdir(parents=True, exist_ok=True)
    sources = []
    for entry in data.get("repositories", []):
        name, url = entry["name"], entry["url"]
        extra = {k: v for k, v in entry.items() if k in ("include", "exclude", "ref")}
        local = upstream_dir / f"{name}.git"
        if not local.exists():
            done = subprocess.run(
                # The default branch only. Not shallow: a partial clone (what sync makes) of a
                # shallow repository stalls fetching blobs over file://.
                [
                    "git",
                    "clone",
                    "--quiet",
                    "--bare",
                    "--single-branch",
                    "--no-tags",
                    "--",
                    url,
                    str(local),
                ],
                env=_git_env(None),
                capture_output=True,
            )
            if done.returncode != 0:
                print(
                    f"{name}: cannot copy ({done.stderr.decode().strip()[:120]}); "
                    "left out of the measurements",
                    file=sys.stderr,
                )
                shutil.rmtree(local, ignore_errors=True)
                continue
            for key in ("allowFilter", "allowAnySHA1InWant"):
                _run_git(["-C", str(local), "config", f"uploadpack.{key}", "true"], _git_env(None))
            head = (
                subprocess.run(
                    ["git", "-C", str(local), "rev-parse", "HEAD"], capture_output=True, check=True
                )
                .stdout.decode()
                .strip()
            )
            (local / "bench-base").write_text(head)
        else:
            base = (local / "bench-base").read_text().strip()
            branch = (
                subprocess.run(
                    ["git", "-C", str(local), "symbolic-ref", "HEAD"],
                    capture_output=True,
                    check=True,
                )
                .stdout.decode()
                .strip()
            )
            _run_git(["-C", str(local), "update-ref", branch, base], _git_env(None))
        # The copy is the tip of the default branch: a pinned `ref` does not apply to it.
        copied = {k: v for k, v in extra.items() if k != "ref"}
        sources.append(Source(name, local.as_uri(), local, copied))
    return sources


def real_touch(source: Source, revision: int, env: dict[str, str]) -> None:
    """One commit on the real copy's default branch changing one Markdown asset."""
    assert source.upstream is not None
    local = source.upstream
    listed = (
        subprocess.run(
            ["git", "-C", str(local), "ls-tree", "-r", "--name-only", "HEAD"],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .splitlines()
    )
    path = next((p for p in listed if p.endswith("SKILL.md")), None) or next(
        p for p in listed if p.endswith(".md") and select_handlers(p)
    )
    current = subprocess.run(
        ["git", "-C", str(local), "cat-file", "blob", f"HEAD:{path}"],
        capture_output=True,
        check=True,
    ).stdout
    branch = (
        subprocess.run(
            ["git", "-C", str(local), "symbolic-ref", "HEAD"], capture_output=True, check=True
        )
        .stdout.decode()
        .strip()
    )
    content = current + f"\n\nRevision {revision}.\n".encode()
    commit_files(
        local, {path: content}, f"touch {revision}", 1767225600 + revision * 60, branch=branch
    )


# --- the measurements -----------------------------------------------------------------------------


@dataclass(slots=True)
class Series:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds())

    def median_of(self, attribute: str) -> float:
        return statistics.median(float(getattr(s, attribute)) for s in self.samples)

    def to_json(self) -> dict[str, object]:
        secs = self.seconds()
        return {
            "median_seconds": round(statistics.median(secs), 3),
            "min_seconds": round(min(secs), 3),
            "max_seconds": round(max(secs), 3),
            "runs": [
                {
                    "seconds": round(s.seconds, 3),
                    "files_listed": s.files_listed,
                    "files_parsed": s.files_parsed,
                    "cache_hits": s.cache_hits,
                    "peak_tree_mib": round(s.peak_tree_mib, 1),
                    "peak_self_mib": round(s.peak_self_mib, 1),
                    "peak_child_mib": round(s.peak_child_mib, 1),
                    "exit_code": s.exit_code,
                    "bytes_written": s.bytes_written,
                    "stages": s.stages,
                }
                for s in self.samples
            ],
        }


def measure(settings: Settings) -> dict[str, object]:
    bench = settings.bench_dir
    bench.mkdir(parents=True, exist_ok=True)
    gitconfig = bench / "gitconfig"
    gitconfig.write_text(GITCONFIG)
    env = _git_env(gitconfig)
    corpus: list[CorpusRepo] = []
    if settings.sources is not None:
        sources = real_sources(settings, settings.sources)
    else:
        sources, corpus = synthetic_sources(settings)
    main = sources[: settings.repos] if settings.sources is None else sources
    cloneable = [s for s in main if s.upstream is not None]
    main_file = write_sources(bench / "sources-main.yaml", main)
    work, out = bench / "work", bench / "out"

    series = {name: Series(name) for name in ("cold", "warm", "incremental")}
    floors = {name: Series(name) for name in ("clone", "fetch", "cat_file")}
    blobs = 0
    for run in range(1, settings.runs + 1):
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        series["cold"].samples.append(run_scan(main_file, work, out, settings.jobs, env))
        series["warm"].samples.append(run_scan(main_file, work, out, settings.jobs, env))
        if corpus:
            touch_asset(corpus[0], run)
        else:
            real_touch(cloneable[0], run, env)
        series["incremental"].samples.append(run_scan(main_file, work, out, settings.jobs, env))
        clones = bench / "floor-clones"
        floors["clone"].samples.append(Sample(floor_clone(cloneable, clones, settings.jobs, env)))
        floors["fetch"].samples.append(Sample(floor_fetch(cloneable, clones, settings.jobs, env)))
        seconds, blobs = floor_cat_file(cloneable, clones, settings.jobs, env)
        floors["cat_file"].samples.append(Sample(seconds))
        print(
            f"run {run}/{settings.runs}: cold {series['cold'].samples[-1].seconds:.2f}s, "
            f"warm {series['warm'].samples[-1].seconds:.2f}s, "
            f"incremental {series['incremental'].samples[-1].seconds:.2f}s, "
            f"clone {floors['clone'].samples[-1].seconds:.2f}s",
            file=sys.stderr,
        )

    scale: dict[int, Series] = {}
    if settings.sources is None:
        for count in settings.scale:
            scale_file = write_sources(bench / f"sources-{count}.yaml", sources[:count])
            scale[count] = Series(f"scale-{count}")
            for _ in range(settings.scale_runs):
                shutil.rmtree(bench / "scale-work", ignore_errors=True)
                shutil.rmtree(bench / "scale-out", ignore_errors=True)
                sample = run_scan(
                    scale_file, bench / "scale-work", bench / "scale-out", settings.jobs, env
                )
                scale[count].samples.append(sample)
            print(f"scale {count}: {scale[count].median:.2f}s", file=sys.stderr)
        shutil.rmtree(bench / "scale-work", ignore_errors=True)
        shutil.rmtree(bench / "scale-out", ignore_errors=True)

    return report(settings, main, series, floors, scale, blobs)


# --- the report -----------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def report(
    settings: Settings,
    main: Sequence[Source],
    series: dict[str, Series],
    floors: dict[str, Series],
    scale: dict[int, Series],
    blobs: int,
) -> dict[str, object]:
    cold, warm, inc = series["cold"], series["warm"], series["incremental"]
    clone = floors["clone"]
    files = cold.median_of("files_listed")
    ratios = {
        "cold_vs_clone": _ratio(cold.median, clone.median),
        "cold_vs_clone_plus_cat_file": _ratio(
            cold.median, clone.median + floors["cat_file"].median
        ),
        "warm_vs_cold": _ratio(warm.median, cold.median),
        "warm_vs_fetch": _ratio(warm.median, floors["fetch"].median),
        "incremental_vs_cold": _ratio(inc.median, cold.median),
    }
    targets: dict[str, dict[str, object]] = {
        "cold: pipeline <= 1.2x plain partial clone": {
            "value": round(ratios["cold_vs_clone"], 2),
            "met": ratios["cold_vs_clone"] <= TARGETS["cold_vs_clone"],
        },
        "warm: <= 5% of cold, 0 files parsed, 0 bytes written": {
            "value": f"{ratios['warm_vs_cold']:.1%}, {int(warm.median_of('files_parsed'))} parsed, "
            f"{max(s.bytes_written for s in warm.samples)} bytes written",
            "met": ratios["warm_vs_cold"] <= TARGETS["warm_vs_cold"]
            and max(s.files_parsed for s in warm.samples) == 0
            and max(s.bytes_written for s in warm.samples) == 0,
        },
        "incremental: <= 15% of cold, only the changed file parsed": {
            "value": f"{ratios['incremental_vs_cold']:.1%}, "
            f"{sorted({s.files_parsed for s in inc.samples})} parsed",
            "met": ratios["incremental_vs_cold"] <= TARGETS["incremental_vs_cold"]
            and all(s.files_parsed == 1 for s in inc.samples),
        },
    }
    per_file: dict[int, float] = {}
    for count, item in scale.items():
        listed = item.median_of("files_listed") or count * settings.files
        per_file[count] = item.median / listed
    if 3 in per_file and 30 in per_file:
        growth = per_file[30] / per_file[3]
        ratios["scale_per_file_30_vs_3"] = growth
        targets["scale: time per file at 30 within 25% of at 3"] = {
            "value": f"{growth:.2f}x",
            "met": growth <= TARGETS["scale_per_file_30_vs_3"],
        }
    if 30 in scale:
        peak = max(s.peak_tree_mib for s in scale[30].samples)
        targets["scale: peak memory at 30 repositories < 400 MiB"] = {
            "value": f"{peak:.0f} MiB",
            "met": peak < TARGETS["peak_mib_at_30"],
        }

    table = format_table(settings, series, floors, scale, per_file, ratios, targets, blobs)
    print(table)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "git": subprocess.run(
                ["git", "--version"], capture_output=True, text=True
            ).stdout.strip(),
            "jobs": settings.jobs,
        },
        "corpus": (
            {"sources": str(settings.sources), "repositories": [s.name for s in main]}
            if settings.sources
            else {
                "repositories": settings.repos,
                "files_per_repository": settings.files,
                "seed": settings.seed,
            }
        ),
        "runs": settings.runs,
        "files_listed": files,
        "candidate_blobs": blobs,
        "measurements": {name: s.to_json() for name, s in series.items()},
        "floors": {name: s.to_json() for name, s in floors.items()},
        "scale": {
            str(count): {**s.to_json(), "seconds_per_file": per_file.get(count)}
            for count, s in scale.items()
        },
        "ratios": {k: round(v, 4) for k, v in ratios.items()},
        "targets": targets,
        "table": table,
    }


def format_table(
    settings: Settings,
    series: dict[str, Series],
    floors: dict[str, Series],
    scale: dict[int, Series],
    per_file: dict[int, float],
    ratios: dict[str, float],
    targets: dict[str, dict[str, object]],
    blobs: int,
) -> str:
    lines = []
    what = (
        f"{settings.sources}"
        if settings.sources
        else f"{settings.repos} repositories x {settings.files} files"
    )
    lines.append(
        f"scanner benchmark: {what}; {settings.runs} runs; jobs {settings.jobs}; "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'measurement':<26}{'median s':>10}{'min':>8}{'max':>8}{'listed':>9}{'parsed':>8}"
        f"{'hits':>8}{'peak MiB':>10}{'written':>12}"
    )
    lines += ["", header, "-" * len(header)]

    def row(label: str, item: Series, with_counts: bool = True) -> str:
        secs = item.seconds()
        text = f"{label:<26}{item.median:>10.2f}{min(secs):>8.2f}{max(secs):>8.2f}"
        if with_counts:
            text += (
                f"{int(item.median_of('files_listed')):>9}"
                f"{int(item.median_of('files_parsed')):>8}"
                f"{int(item.median_of('cache_hits')):>8}"
                f"{max(s.peak_tree_mib for s in item.samples):>10.0f}"
                f"{int(item.median_of('bytes_written')):>12}"
            )
        return text

    lines.append(row("cold (sync + scan)", series["cold"]))
    lines.append(row("warm (no change)", series["warm"]))
    lines.append(row("incremental (1 asset)", series["incremental"]))
    lines.append(row("floor: partial clone", floors["clone"], with_counts=False))
    lines.append(row("floor: git fetch", floors["fetch"], with_counts=False))
    lines.append(row(f"floor: cat-file {blobs} blobs", floors["cat_file"], with_counts=False))
    for count, item in scale.items():
        lines.append(row(f"scale {count} repos", item) + f"   {per_file[count] * 1000:.2f} ms/file")

    stage_names = sorted({n for s in series.values() for x in s.samples for n in x.stages})
    if stage_names:
        lines += ["", "stage seconds (median)".ljust(26) + "".join(f"{n:>10}" for n in stage_names)]
        for name, item in series.items():
            cells = []
            for stage in stage_names:
                values = [x.stages.get(stage, {}).get("seconds", 0.0) for x in item.samples]
                cells.append(f"{statistics.median(values):>10.2f}")
            lines.append(f"{name:<26}" + "".join(cells))

    lines += ["", "ratios"]
    for key, value in ratios.items():
        lines.append(f"  {key:<34}{value:>8.2f}")
    lines += ["", "targets"]
    for name, result in targets.items():
        lines.append(f"  [{'met' if result['met'] else 'MISSED':>6}] {name}: {result['value']}")
    return "\n".join(lines)


def compile_package() -> None:
    """Byte-compile the scanner package first, as any regular install does. The package is
    installed editable, and with PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every scan
    would otherwise compile its own modules from source again (about 0.1 s of CPU a scan)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scanner")], check=True)


def main() -> int:
    settings = Settings.from_env()
    compile_package()
    results = measure(settings)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
