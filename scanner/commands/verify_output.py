"""`scanner verify-output`: is the output folder the whole, consistent result of one run?

The nightly workflow runs it before it proposes the output: a scan killed between its first
and last rename leaves no completion marker, and a hand edit or a half-copied folder no longer
matches the one it has. Exit 0 when whole, 1 when not (each reason printed), 4 when the folder
cannot be read at all."""

from __future__ import annotations

import sys

from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console
from scanner.output_state import verify_output
from scanner.writer import dump_json


def run(opts: Config) -> int:
    problems = verify_output(opts.output)
    if opts.json:
        sys.stdout.write(dump_json({"output": str(opts.output), "problems": list(problems)}))
    out = stderr_console()
    for problem in problems:
        out.print(f"[red]not whole[/red]: {console(problem)}", highlight=False)
    if problems:
        out.print(f"{len(problems)} problem(s): do not publish {console(opts.output)}")
        return int(ExitCode.DIFFERENCE)
    out.print(f"{console(opts.output)} is whole and consistent", highlight=False)
    return int(ExitCode.OK)
