"""`scanner site`: write the browsable catalog (output/site/) from the catalog in the output
folder, as it is (no reclassification, no network). Every scan and render writes it too."""

from __future__ import annotations

import sys

from scanner.catalog import read_catalog
from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import AllSourcesFailedError, ExitCode, OutputError
from scanner.layout import CATALOG_JSON, SITE_DIR
from scanner.output_state import output_lock, refuse_symlinks, remove_marker, write_marker
from scanner.pipeline import Analysis, load_manifests, site_input
from scanner.site import site_files
from scanner.writer import OutputTransaction, dump_json, recover_interrupted


def run(opts: Config) -> int:
    manifests = load_manifests(opts)
    path = opts.output / CATALOG_JSON
    if not path.exists():
        raise AllSourcesFailedError(f"{path} not found: run `scanner scan`")
    folder = opts.output / SITE_DIR
    # The output folder's rules, as for a scan or a render: one writer, no symlinks inside,
    # and the completion marker taken away before the swap and written again after it.
    with output_lock(opts.output):
        refuse_symlinks(opts.output)
        catalog = read_catalog(path)
        assignments = {e.asset.id: e.domains for e in catalog.entries}
        analysis = Analysis(catalog, None, assignments, None)
        files = site_files(site_input(opts.output, manifests, analysis))
        try:
            recover_interrupted(opts.output)
        except OSError as err:
            raise OutputError(f"cannot repair {opts.output}: {err.strerror or err}") from err
        with OutputTransaction() as transaction:
            change = transaction.stage_tree(folder, files)
            previous_marker = remove_marker(opts.output) if change.changed else None
            transaction.commit()
        if previous_marker is not None:  # the output was whole before: it is whole again
            write_marker(opts.output, previous_marker)
    index = (folder / "index.html").resolve()
    if opts.json:
        sys.stdout.write(
            dump_json({"site": str(folder), "index": index.as_uri(), "changed": change.changed})
        )
    console = stderr_console()
    state = "written" if change.changed else "up to date"
    console.print(f"site {state}: {len(files)} files; open {index.as_uri()}", highlight=False)
    return int(ExitCode.OK)
