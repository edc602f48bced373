"""`scanner render [--check]`: regenerate the catalog files, the practice plugins and the
marketplace from the catalog in the output folder, with the current code and rules."""

from __future__ import annotations

import contextlib
import sys

from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console as escape
from scanner.output_state import output_lock, refuse_symlinks
from scanner.pipeline import load_manifests, reload_analysis, render_analysis
from scanner.writer import dump_json


def run(opts: Config, *, check: bool) -> int:
    manifests = load_manifests(opts)
    lock = contextlib.nullcontext() if check else output_lock(opts.output)
    with lock:
        refuse_symlinks(opts.output)
        analysis = reload_analysis(opts.output, manifests.practices, manifests.exemplars)
        result = render_analysis(opts.output, manifests, analysis, check=check)
    console = stderr_console()
    if opts.json:
        sys.stdout.write(
            dump_json(
                {"check": check, "changed": list(result.changed), "versions": dict(result.versions)}
            )
        )
    verb = "out of date" if check else "rewritten"
    for path in result.changed:
        console.print(escape(f"{verb}: {opts.output / path}"), highlight=False)
    if check and result.changed:
        console.print(
            f"{len(result.changed)} output path(s) differ from what the catalog and the current "
            "code produce; run `scanner render` and commit the result",
            highlight=False,
        )
        return int(ExitCode.DIFFERENCE)
    if not result.changed:
        console.print("output is up to date", highlight=False)
    return int(ExitCode.OK)
