"""`scanner site`: write the browsable catalog (output/site/) from the catalog in the output
folder, as it is (no reclassification, no network). Every scan and render writes it too."""

from __future__ import annotations

import sys

from scanner.catalog import read_catalog
from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import AllSourcesFailedError, ExitCode, OutputError
from scanner.layout import CATALOG_JSON, SITE_DIR
from scanner.pipeline import Analysis, load_manifests, site_input
from scanner.site import site_files
from scanner.writer import OutputTransaction, dump_json, recover_interrupted


def run(opts: Config) -> int:
    manifests = load_manifests(opts)
    path = opts.output / CATALOG_JSON
    if not path.exists():
        raise AllSourcesFailedError(f"{path} not found: run `scanner scan`")
    catalog = read_catalog(path)
    assignments = {e.asset.id: e.domains for e in catalog.entries}
    files = site_files(
        site_input(opts.output, manifests, Analysis(catalog, None, assignments, None))
    )
    folder = opts.output / SITE_DIR
    try:
        recover_interrupted(opts.output)
    except OSError as err:
        raise OutputError(f"cannot repair {opts.output}: {err.strerror or err}") from err
    with OutputTransaction() as transaction:
        change = transaction.stage_tree(folder, files)
        transaction.commit()
    index = (folder / "index.html").resolve()
    if opts.json:
        sys.stdout.write(
            dump_json({"site": str(folder), "index": index.as_uri(), "changed": change.changed})
        )
    console = stderr_console()
    state = "written" if change.changed else "up to date"
    console.print(f"site {state}: {len(files)} files; open {index.as_uri()}", highlight=False)
    return int(ExitCode.OK)
