"""A plugin's citations link to the file at its content_commit, as the site's pages do."""

from __future__ import annotations

from scanner.catalog import ACTIVE, CatalogEntry
from scanner.models import SyncResult, SyncStatus
from scanner.plugin_view import _citation
from tests.test_classify import asset

OLD = "a" * 40  # the first scanned commit at which the file had its current bytes
NEW = "b" * 40  # the repository's commit in this scan
SOURCE = SyncResult("agents", "https://github.com/acme/agents.git", None, SyncStatus.OK, NEW)
SKILL = asset("skills/cqrs/SKILL.md", name="cqrs", description="CQRS for orders.")


def test_a_citation_links_to_the_commit_where_the_file_got_its_bytes() -> None:
    # The repository moved on (NEW) without touching this file: the link, and so the plugin,
    # stays what the last scan wrote.
    entry = CatalogEntry(SKILL, ACTIVE, content_commit=OLD)
    citation = _citation(entry, {"agents": SOURCE}, featured=False)
    assert citation.url == f"https://github.com/acme/agents/blob/{OLD}/skills/cqrs/SKILL.md"


def test_a_citation_without_a_content_commit_links_to_the_scanned_commit() -> None:
    citation = _citation(CatalogEntry(SKILL, ACTIVE), {"agents": SOURCE}, featured=True)
    assert citation.url == f"https://github.com/acme/agents/blob/{NEW}/skills/cqrs/SKILL.md"
    assert _citation(CatalogEntry(SKILL, ACTIVE), {}, featured=True).url == ""
