"""Command-line entry point. Thin on purpose: Typer declares the commands and their options;
each command's logic lives in scanner/commands/<name>.py and returns an exit code."""

from __future__ import annotations

import logging
import sys
import traceback
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


def _crash_log() -> Path:
    return resolve_workdir(None) / "scanner-crash.log"


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
        log = _crash_log()
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
