"""Command-line entry point. Thin on purpose: Typer declares the commands and their options;
each command's logic lives in scanner/commands/<name>.py and returns an exit code."""

from __future__ import annotations

import logging
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scanner.commands.options import (
    DEFAULT_OUTPUT,
    DEFAULT_SOURCES,
    DEFAULT_TIMEOUT,
    CommonOptions,
    resolve_workdir,
)
from scanner.errors import ExitCode, ScannerError

app = typer.Typer(
    name="scanner",
    help="Find Claude Code assets in the ProAgent source repositories and build the catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SourcesOpt = Annotated[
    Path, typer.Option("--sources", help="Sources manifest (YAML).", dir_okay=False)
]
WorkdirOpt = Annotated[
    Path | None,
    typer.Option("--workdir", help="Clone cache; default $SCANNER_WORKDIR or .scanner/."),
]
OutputOpt = Annotated[Path, typer.Option("--output", help="Output folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable summary on stdout.")]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging.")]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", help="Seconds allowed per repository sync.", min=1)
]
JobsOpt = Annotated[int, typer.Option("--jobs", help="Parallel workers; 0 means CPU count.", min=0)]


def _options(
    sources: Path,
    workdir: Path | None,
    output: Path,
    json: bool,
    verbose: int,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 0,
) -> CommonOptions:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    return CommonOptions(
        sources=sources,
        workdir=resolve_workdir(workdir),
        output=output,
        json=json,
        verbose=verbose,
        timeout=timeout,
        jobs=jobs,
    )


@app.command()
def sync(
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    jobs: JobsOpt = 0,
) -> None:
    """Clone or update every source repository and report the commit of each."""
    from scanner.commands import sync as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose, timeout, jobs)))


@app.command()
def discover(
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    jobs: JobsOpt = 0,
) -> None:
    """Find the assets in the synced checkouts (no network) and write the catalog."""
    from scanner.commands import scan as command

    opts = _options(sources, workdir, output, json, verbose, timeout, jobs)
    raise typer.Exit(command.run(opts, offline=True))


@app.command()
def scan(
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    jobs: JobsOpt = 0,
) -> None:
    """Run every stage: sync, discover, and write the catalog."""
    from scanner.commands import scan as command

    opts = _options(sources, workdir, output, json, verbose, timeout, jobs)
    raise typer.Exit(command.run(opts, offline=False))


@app.command()
def show(
    asset_id: Annotated[str, typer.Argument(metavar="ID", help="<repo>::<path>")],
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Print one asset of the catalog: kind, front matter, headings, references, issues."""
    from scanner.commands import show as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose), asset_id))


@app.command()
def graph(
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Summarise the dependency graph of the catalog: nodes, edges, broken references."""
    from scanner.commands import graph as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose)))


class DepsFormat(StrEnum):
    text = "text"
    json = "json"
    mermaid = "mermaid"


@app.command()
def deps(
    asset_id: Annotated[str, typer.Argument(metavar="ID", help="<repo>::<path>")],
    reverse: Annotated[bool, typer.Option("--reverse", help="What depends on ID.")] = False,
    depth: Annotated[int, typer.Option("--depth", min=1, help="How many hops.")] = 1,
    fmt: Annotated[DepsFormat, typer.Option("--format", help="Output format.")] = DepsFormat.text,
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Show what an asset references (or, with --reverse, what references it)."""
    from scanner.commands import deps as command

    opts = _options(sources, workdir, output, json, verbose)
    raise typer.Exit(command.run(opts, asset_id, reverse=reverse, depth=depth, fmt=fmt.value))


@app.command()
def explain(
    asset_id: Annotated[str, typer.Argument(metavar="ID", help="<repo>::<path>")],
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Explain, rule by rule, why an asset is or is not in each practice domain."""
    from scanner.commands import explain as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose), asset_id))


@app.command("catalog")
def catalog_command(
    practice: Annotated[str, typer.Option("--practice", help="Practice id, e.g. backend.")],
    domain: Annotated[str | None, typer.Option("--domain", help="Only this domain.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this asset kind.")] = None,
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """List the assets of a practice, optionally one domain or kind."""
    from scanner.commands import catalog as command

    opts = _options(sources, workdir, output, json, verbose)
    raise typer.Exit(command.run(opts, practice=practice, domain=domain, kind=kind))


@app.command("eval")
def eval_command(
    labels: Annotated[Path, typer.Argument(help="Labelled set: <repo>/<path> -> domains.")],
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Compare the classifier with a labelled set: precision and recall per domain."""
    from scanner.commands import evaluate as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose), labels))


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="A plugin folder, marketplace, or tree of them.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Rules for generated files: warnings are errors.")
    ] = False,
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Validate plugin folders and marketplaces against the Claude Code formats."""
    from scanner.commands import validate as command

    opts = _options(sources, workdir, output, json, verbose)
    raise typer.Exit(command.run(opts, path, strict=strict))


@app.command()
def render(
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if stale.")] = False,
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Regenerate the practice plugins and the marketplace from the catalog."""
    from scanner.commands import render as command

    raise typer.Exit(command.run(_options(sources, workdir, output, json, verbose), check=check))


BaselineOpt = Annotated[
    Path | None, typer.Option("--baseline", help="Catalog to compare with.", dir_okay=False)
]
BaselineRefOpt = Annotated[
    str | None, typer.Option("--baseline-ref", help="Read the baseline catalog from this git ref.")
]


@app.command()
def diff(
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")
    ] = False,
    baseline: BaselineOpt = None,
    baseline_ref: BaselineRefOpt = None,
    sources: SourcesOpt = DEFAULT_SOURCES,
    workdir: WorkdirOpt = None,
    output: OutputOpt = DEFAULT_OUTPUT,
    json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Report what is new, removed, changed and moved against a baseline catalog."""
    from scanner.commands import diff as command

    opts = _options(sources, workdir, output, json, verbose)
    raise typer.Exit(
        command.run(opts, exit_code=exit_code, baseline=baseline, baseline_ref=baseline_ref)
    )


def _crash_log(argv: list[str] | None) -> Path:
    """In the work directory the command was given (--workdir), else the default one."""
    args = list(sys.argv[1:] if argv is None else argv)
    workdir: Path | None = None
    for index, arg in enumerate(args):
        if arg == "--workdir" and index + 1 < len(args):
            workdir = Path(args[index + 1])
        elif arg.startswith("--workdir="):
            workdir = Path(arg.split("=", 1)[1])
    return resolve_workdir(workdir) / "scanner-crash.log"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map what escapes it to the exit codes in the README."""
    try:
        # standalone_mode=False: click returns the exit code instead of calling sys.exit
        code = app(args=argv, prog_name="scanner", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except ScannerError as err:
        print(f"scanner: error: {err}", file=sys.stderr)  # noqa: T201 - the one-line report
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
        log = _crash_log(argv)
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = str(log)
        except OSError:
            where = "stderr"
            traceback.print_exc()
        exc = sys.exc_info()[1]
        print(  # noqa: T201
            f"scanner: internal error ({type(exc).__name__}: {exc}); traceback in {where}",
            file=sys.stderr,
        )
        return int(ExitCode.BUG)
    return int(code) if isinstance(code, int) else int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
