"""Command-line entry point. Thin on purpose: Typer declares the commands and their options;
each command's logic lives in scanner/commands/<name>.py and returns an exit code."""

from __future__ import annotations

import functools
import gc
import inspect
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from scanner import __version__
from scanner.config import (
    DEFAULT_OUTPUT,
    DEFAULT_SOURCES,
    DEFAULT_TIMEOUT,
    Config,
    resolve_workdir,
)
from scanner.errors import ExitCode, NoCatalogError, ScannerError
from scanner.ids import ID_FORM
from scanner.layout import CATALOG_JSON, GRAPH_JSON
from scanner.models import AssetKind
from scanner.suggest import did_you_mean

app = typer.Typer(
    name="scanner",
    help="Find Claude Code assets in the ProAgent source repositories and build the catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, as click prints it: flags show no `<bool>`/`<int>` placeholder, and the
    # help reads the same in a terminal, a pipe and a CI log.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"scanner {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Find Claude Code assets in the ProAgent source repositories and build the catalog."""


SourcesOpt = Annotated[
    Path, typer.Option("--sources", help="Sources manifest (YAML).", dir_okay=False)
]
WorkdirOpt = Annotated[
    Path | None,
    typer.Option("--workdir", help="Clone cache; default $SCANNER_WORKDIR or .scanner/."),
]
OutputOpt = Annotated[Path, typer.Option("--output", help="Output folder.")]
PracticesOpt = Annotated[
    Path | None,
    typer.Option(
        "--practices",
        help="Practices folder; default practices/ beside --sources, else manifests/practices/.",
        file_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable summary on stdout.")]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging.")]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", help="Seconds allowed per repository sync.", min=1)
]
JobsOpt = Annotated[int, typer.Option("--jobs", help="Parallel workers; 0 means CPU count.", min=0)]
AssetIdArg = Annotated[str, typer.Argument(metavar="ID", help=ID_FORM)]


def _option(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


# The options every command takes after its name, declared once; the sync options only where
# repositories are synced or scanned.
_COMMON = (
    _option("sources", SourcesOpt, DEFAULT_SOURCES),
    _option("workdir", WorkdirOpt, None),
    _option("output", OutputOpt, DEFAULT_OUTPUT),
    _option("practices", PracticesOpt, None),
    _option("json", JsonOpt, False),
    _option("verbose", VerboseOpt, 0),
)
_SYNC = (_option("timeout", TimeoutOpt, DEFAULT_TIMEOUT), _option("jobs", JobsOpt, 0))

# The work directory of the command being run, for the crash log (None: not parsed yet).
_WORKDIR: ContextVar[Path | None] = ContextVar("scanner_workdir", default=None)


def _config(
    sources: Path,
    workdir: Path | None,
    output: Path,
    practices: Path | None,
    json: bool,
    verbose: int,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 0,
) -> Config:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    config = Config(
        sources=sources,
        workdir=resolve_workdir(workdir),
        output=output,
        practices=practices,
        json=json,
        verbose=verbose,
        timeout=timeout,
        jobs=jobs,
    )
    _WORKDIR.set(config.workdir)
    return config


def require_catalog(config: Config, needed: str = CATALOG_JSON) -> None:
    """The query commands read what a scan wrote (the catalog; the graph for graph and deps):
    without it, say how to get it."""
    path = config.output / needed
    if not path.is_file():
        raise NoCatalogError(
            f"no catalog in {config.output}/ ({path} not found): run `make demo` and pass "
            "--output examples/output (and --sources examples/sources.yaml) to explore the "
            "demo, or run `scanner scan` to build the catalog"
        )


def command(
    name: str | None = None, *, sync: bool = False
) -> Callable[[Callable[..., int]], Callable[..., None]]:
    """Register a command whose first parameter is the Config: Typer sees the command's own
    parameters followed by the common options (and, with `sync`, --timeout and --jobs), and the
    command's exit code becomes the process's."""
    extra = _COMMON + (_SYNC if sync else ())

    def register(run: Callable[..., int]) -> Callable[..., None]:
        own = list(inspect.signature(run, eval_str=True).parameters.values())[1:]

        @functools.wraps(run)
        def wrapper(**kwargs: Any) -> None:
            config = _config(**{p.name: kwargs.pop(p.name) for p in extra})
            raise typer.Exit(run(config, **kwargs))

        params = [*own, *extra]
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        app.command(name)(wrapper)
        return wrapper

    return register


@command(sync=True)
def sync(config: Config) -> int:
    """Clone or update every source repository and report the commit of each."""
    from scanner.commands import sync as run

    return run.run(config)


@command(sync=True)
def discover(config: Config) -> int:
    """Find the assets in the synced checkouts (no network) and write the catalog."""
    from scanner.commands import scan as run

    return run.run(config, offline=True)


@command(sync=True)
def scan(config: Config) -> int:
    """Run every stage: sync, discover, and write the catalog."""
    from scanner.commands import scan as run

    return run.run(config, offline=False)


@command()
def show(config: Config, asset_id: AssetIdArg) -> int:
    """Print one asset of the catalog: kind, front matter, headings, references, issues."""
    from scanner.commands import show as run

    require_catalog(config)
    return run.run(config, asset_id)


@command()
def graph(config: Config) -> int:
    """Summarise the dependency graph of the catalog: nodes, edges, broken references."""
    from scanner.commands import graph as run

    require_catalog(config, GRAPH_JSON)
    return run.run(config)


class DepsFormat(StrEnum):
    text = "text"
    json = "json"
    mermaid = "mermaid"


@command()
def deps(
    config: Config,
    asset_id: AssetIdArg,
    reverse: Annotated[bool, typer.Option("--reverse", help="What depends on ID.")] = False,
    depth: Annotated[int, typer.Option("--depth", min=1, help="How many hops.")] = 1,
    fmt: Annotated[DepsFormat, typer.Option("--format", help="Output format.")] = DepsFormat.text,
) -> int:
    """Show what an asset references (or, with --reverse, what references it)."""
    from scanner.commands import deps as run

    if config.json and fmt is DepsFormat.mermaid:
        raise typer.BadParameter(
            "--format mermaid prints Mermaid, --json prints JSON: choose one "
            "(--format json is the same as --json)",
            param_hint="'--format' / '--json'",
        )
    require_catalog(config, GRAPH_JSON)
    return run.run(config, asset_id, reverse=reverse, depth=depth, fmt=fmt.value)


@command()
def explain(config: Config, asset_id: AssetIdArg) -> int:
    """Explain, rule by rule, why an asset is or is not in each practice domain."""
    from scanner.commands import explain as run

    require_catalog(config)
    return run.run(config, asset_id)


@command("catalog")
def catalog_command(
    config: Config,
    practice: Annotated[str, typer.Option("--practice", help="Practice id, e.g. backend.")],
    domain: Annotated[str | None, typer.Option("--domain", help="Only this domain.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this asset kind.")] = None,
) -> int:
    """List the assets of a practice, optionally one domain or kind."""
    from scanner.commands import catalog as run

    kinds = [k.value for k in AssetKind]
    if kind is not None and kind not in kinds:
        raise typer.BadParameter(
            f"{kind!r} is not an asset kind{did_you_mean(kind, kinds)}; the kinds: "
            + ", ".join(kinds),
            param_hint="'--kind'",
        )
    require_catalog(config)
    return run.run(config, practice=practice, domain=domain, kind=kind)


@command("eval")
def eval_command(
    config: Config,
    labels: Annotated[
        list[Path] | None,
        typer.Argument(help="Labelled sets (default: every labels-*.yaml of --labels-dir)."),
    ] = None,
    labels_dir: Annotated[
        Path | None,
        typer.Option("--labels-dir", help="Folder of labels-*.yaml (default tests/data)."),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option("--split", help="Only this split: heldout, tune (or all, for schema 1)."),
    ] = None,
) -> int:
    """Compare the classifier with labelled sets: precision and recall per practice, domain
    and split (held-out apart from tune)."""
    from scanner.commands import evaluate as run

    if split is not None and split not in ("heldout", "tune", "all"):
        raise typer.BadParameter("must be heldout, tune or all", param_hint="--split")
    require_catalog(config)
    return run.run(config, labels or (), labels_dir=labels_dir, split=split)


@command()
def validate(
    config: Config,
    path: Annotated[Path, typer.Argument(help="A plugin folder, marketplace, or tree of them.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Rules for generated files: warnings are errors.")
    ] = False,
) -> int:
    """Validate plugin folders and marketplaces against the Claude Code formats."""
    from scanner.commands import validate as run

    return run.run(config, path, strict=strict)


@command()
def render(
    config: Config,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if stale.")] = False,
) -> int:
    """Regenerate the practice plugins and the marketplace from the catalog."""
    from scanner.commands import render as run

    return run.run(config, check=check)


@command("verify-output")
def verify_output(config: Config) -> int:
    """Check that the output folder is whole: the completion marker matches every file,
    marketplace.json agrees with each plugin.json, the plugins validate (exit 1 when not)."""
    from scanner.commands import verify_output as run

    return run.run(config)


class IssuesFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


@command()
def issues(
    config: Config,
    severity: Annotated[
        str | None,
        typer.Option("--severity", help="This severity and worse: error, warning or info."),
    ] = None,
    repo: Annotated[str | None, typer.Option("--repo", help="Only this repository.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this issue code.")] = None,
    fmt: Annotated[
        IssuesFormat | None, typer.Option("--format", help="table (default), markdown or json.")
    ] = None,
) -> int:
    """List the scan's issues as a table, Markdown or JSON, optionally filtered."""
    from scanner.commands import issues as run

    if config.json and fmt not in (None, IssuesFormat.json):
        raise typer.BadParameter(
            f"--json prints JSON, --format {fmt.value if fmt else ''} does not: choose one",
            param_hint="'--format' / '--json'",
        )
    chosen = IssuesFormat.json if config.json else (fmt or IssuesFormat.table)
    require_catalog(config)
    return run.run(config, severity=severity, repo=repo, code=code, fmt=chosen.value)


@command()
def site(config: Config) -> int:
    """Write the browsable catalog (a static site, output/site/) from the catalog."""
    from scanner.commands import site as run

    require_catalog(config)
    return run.run(config)


BaselineOpt = Annotated[
    Path | None, typer.Option("--baseline", help="Catalog to compare with.", dir_okay=False)
]
BaselineRefOpt = Annotated[
    str | None, typer.Option("--baseline-ref", help="Read the baseline catalog from this git ref.")
]


@command()
def diff(
    config: Config,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")
    ] = False,
    baseline: BaselineOpt = None,
    baseline_ref: BaselineRefOpt = None,
) -> int:
    """Report what is new, removed, changed and moved against a baseline catalog."""
    from scanner.commands import diff as run

    return run.run(config, exit_code=exit_code, baseline=baseline, baseline_ref=baseline_ref)


def _crash_log() -> Path:
    """In the work directory of the command that crashed, as its options resolved it; the
    default one when the crash came before they were parsed."""
    return (_WORKDIR.get() or resolve_workdir(None)) / "scanner-crash.log"


def _safe(text: str) -> str:
    """An error message or a traceback, which may quote harvested text: no secret in it, and
    no control character a terminal or a log viewer would act on."""
    from scanner.escape import visible
    from scanner.secrets import redact

    return visible(redact(text), newlines=True)


# The youngest generation of Python's cyclic garbage collector is collected every 700
# allocations by default, and every tenth of those collections walks the older objects too: a
# scan holds hundreds of thousands of records (catalog, caches, parsed JSON) and makes little
# cyclic garbage, so that walking cost a rescan after one change about 0.25 s of its 3 s.
# During a command the objects alive at start-up (the imported modules) are frozen out of the
# collector's view and the youngest generation is collected every 50,000 allocations; both
# are restored when the command returns.
_GC_THRESHOLD = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map what escapes it to the exit codes in the README."""
    with _fewer_collections():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    _WORKDIR.set(None)
    try:
        # standalone_mode=False: click returns the exit code instead of calling sys.exit
        code = app(args=argv, prog_name="scanner", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except ScannerError as err:
        print(f"scanner: error: {_safe(str(err))}", file=sys.stderr)  # noqa: T201 - the report
        return int(err.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("scanner: interrupted", file=sys.stderr)  # noqa: T201
        return int(ExitCode.INTERRUPTED)
    except typer.TyperException as err:  # usage errors: Typer prints them, exit code 2
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            print(f"scanner: {err.format_message()}", file=sys.stderr)  # noqa: T201
        return int(ExitCode.USAGE)
    except Exception:  # noqa: BLE001 - the last-resort handler: one line, traceback to a log
        log = _crash_log()
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(_safe(traceback.format_exc()), encoding="utf-8")
            where = str(log)
        except OSError:
            where = "stderr"
            print(_safe(traceback.format_exc()), file=sys.stderr)  # noqa: T201
        exc = sys.exc_info()[1]
        detail = _safe(str(exc)[:500])
        print(  # noqa: T201
            f"scanner: internal error ({type(exc).__name__}: {detail}); traceback in {where}",
            file=sys.stderr,
        )
        return int(ExitCode.BUG)
    return int(code) if isinstance(code, int) else int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
