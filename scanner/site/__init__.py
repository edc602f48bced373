"""The browsable catalog: a static site under output/site/ (no server, no CDN).

`site_files` returns every file of the site, relative to its folder; the render stage writes
them with the rest of the output (atomically, through scanner.writer). Every harvested string
reaches the HTML through Jinja2 with autoescape, and the search script sets only textContent."""

from __future__ import annotations

from scanner.site.model import DATA_FILE, asset_page, practice_page
from scanner.site.pages import SiteInput, site_files

__all__ = ["DATA_FILE", "SiteInput", "asset_page", "practice_page", "site_files"]
