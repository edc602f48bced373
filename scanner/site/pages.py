"""The pages of the static site, rendered from the records of scanner.site.model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2

from scanner.cache_file import code_digest, digest
from scanner.catalog import Catalog
from scanner.layout import SITE_DIR
from scanner.models import JsonObject, JsonValue
from scanner.practices import Practice
from scanner.render_memo import RenderMemo
from scanner.site.model import (
    DATA_FILE,
    AssetPage,
    asset_pages,
    data_script,
    domain_titles,
    issue_rows,
    practice_views,
    search_records,
)

STATIC_FILES = ("site.css", "site.js")

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("scanner.site", "templates"),
    undefined=jinja2.StrictUndefined,
    autoescape=True,  # every harvested string is data, never markup
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _facet_link(root: str, **facets: str) -> str:
    """A link to the search page with facets applied (the page reads its state from the hash)."""
    return f"{root}index.html#{urlencode(sorted(facets.items()))}"


_ENV.globals["facet_link"] = _facet_link


@dataclass(frozen=True, slots=True)
class SiteInput:
    """What the site is made of: the catalog, the reference graph (a networkx DiGraph built by
    the scan or loaded from graph.json; None renders no references), the practices, the gaps
    document (gaps.json) and the diff report (scan-diff.json; None before any diff)."""

    catalog: Catalog
    graph: Any
    practices: Sequence[Practice]
    gaps: JsonObject
    diff: Mapping[str, JsonValue] | None


def _page(name: str, root: str, **context: object) -> str:
    text = _ENV.get_template(name).render(root=root, **context)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _static(name: str) -> str:
    return resources.files("scanner.site").joinpath("static", name).read_text(encoding="utf-8")


def _root_of(path: str) -> str:
    return "../" * path.count("/")


def site_files(site: SiteInput, memo: RenderMemo | None = None) -> dict[str, str]:
    """Every file of the site, relative to output/site/; the same input gives the same bytes.
    With a `memo`, an asset page whose inputs are those of the last scan is not rendered
    again (scanner.render_memo)."""
    catalog = site.catalog
    practices = sorted(site.practices, key=lambda p: p.id)
    pages = asset_pages(catalog, practices, site.graph)
    by_id = {p.entry.asset.id: p.path for p in pages}
    views = practice_views(catalog, practices, site.gaps)
    counts = catalog.counts()
    common: dict[str, object] = {
        "sources": catalog.sources,
        "counts": counts,
        "has_diff": site.diff is not None,
    }
    files: dict[str, str] = {
        ".nojekyll": "",  # GitHub Pages: serve the files as they are
        DATA_FILE: data_script(search_records(pages), practices, catalog),
        "index.html": _page("index.html.j2", "", page="index", **common),
        "all.html": _page("all.html.j2", "", page="all", assets=pages, **common),
        "practices.html": _page(
            "practices.html.j2", "", page="practices", practices=views, gaps=site.gaps, **common
        ),
        "issues.html": _page(
            "issues.html.j2", "", page="issues", rows=issue_rows(catalog.issues, by_id), **common
        ),
    }
    files["diff.html"] = _page(
        "diff.html.j2", "", page="diff", diff=site.diff, pages=by_id, **common
    )
    for name in STATIC_FILES:
        files[f"static/{name}"] = _static(name)
    for view in views:
        files[view.path] = _page(
            "practice.html.j2",
            _root_of(view.path),
            page="practices",
            view=view,
            pages=by_id,
            **common,
        )
    titles = domain_titles(practices)
    # What every asset page reads besides its own record (the footer, the domain titles).
    shared = digest(
        _code(),
        repr(titles),
        repr(counts.get("assets")),
        repr(common["has_diff"]),
        str(len(catalog.sources)),
    )
    for page in pages:

        def render(page: AssetPage = page) -> str:
            return _page(
                "asset.html.j2",
                _root_of(page.path),
                page="asset",
                asset=page,
                pages=by_id,
                titles=titles,
                **common,
            )

        if memo is None:
            files[page.path] = render()
            continue
        entry = page.entry
        linked = [(i, by_id.get(i)) for i in (entry.duplicate_of, *entry.bundle)]
        # Of its source the page shows the URL (the commit is page.commit).
        url = page.source.url if page.source is not None else None
        record = replace(page, domain_titles={}, source=None)
        inputs = digest(shared, repr(record), repr(url), repr(linked))
        files[page.path] = memo.text(f"{SITE_DIR}/{page.path}", inputs, render)
    return files


@cache
def _code() -> str:
    """The templates and the code that turn an asset page's record into HTML."""
    folder = Path(__file__).parent
    return code_digest(
        [Path(__file__), *sorted((folder / "templates").glob("*.j2"))], ["Jinja2", "MarkupSafe"]
    )
