"""The garbage collector around a stage that allocates much over a large heap of results.

A full collection walks every object alive, and the scan's results (the catalog, the graph,
the discovery) are hundreds of thousands of objects that live until the scan ends: a stage
that builds many short-lived ones (a 5 MB JSON document, the site's pages) set off full
collections that mostly walk those results again, about 0.1 s each. Inside `results_kept`
the objects alive at its start are left out of collections (`gc.freeze`); garbage made
inside it is collected as usual, and at its end everything is handed back (`gc.unfreeze`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def results_kept() -> Iterator[None]:
    """Collections inside this block skip the objects alive at its start. Not nested: the
    end unfreezes every frozen object."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
