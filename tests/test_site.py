"""The static site: harvested text is escaped, output is deterministic, pages are unique, and
`scanner site` writes what a scan writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scanner.catalog import Catalog, CatalogEntry
from scanner.cli import main
from scanner.models import Asset, AssetKind, DomainAssignment, SyncResult, SyncStatus
from scanner.practices import load_practices
from scanner.site import SiteInput, asset_page, site_files
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _catalog() -> Catalog:
    source = SyncResult(
        name="evil",
        url="https://github.com/acme/evil.git",
        ref=None,
        status=SyncStatus.OK,
        commit="a" * 40,
    )
    asset = Asset(
        repo="evil",
        path="skills/x/SKILL.md",
        kind=AssetKind.SKILL,
        found_by="skill",
        blob_sha="b" * 40,
        size=10,
        language="markdown",
        name="x",
        title=HOSTILE,
        description=HOSTILE,
        frontmatter={HOSTILE: HOSTILE, "tags": [HOSTILE]},
        headings=(HOSTILE,),
    )
    domain = DomainAssignment("backend", "api-design", 3.0, (HOSTILE,))
    return Catalog((source,), (CatalogEntry(asset, "active", (domain,)),), ())


def _site() -> dict[str, str]:
    practices = load_practices(ROOT / "manifests" / "practices")
    return site_files(SiteInput(_catalog(), None, practices, {}, None))


def test_harvested_text_is_escaped_in_every_page_and_inert_in_the_data() -> None:
    files = _site()
    page = files[asset_page("evil::skills/x/SKILL.md")]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    for name, text in files.items():
        if name.endswith(".html"):
            assert "<script>alert" not in text and "<img src=x" not in text, name
    data = files["data/catalog.js"]
    assert "<" not in data  # \u003c: no way to close a script element even when inlined
    # The permanent link goes to the file at the scanned commit.
    assert f'href="https://github.com/acme/evil/blob/{"a" * 40}/skills/x/SKILL.md"' in page


def test_same_input_same_bytes_and_unique_pages() -> None:
    assert _site() == _site()
    pages = {asset_page(f"r::{p}") for p in ("a b.md", "a-b.md", "a/b.md", ".hidden.md")}
    assert len(pages) == 4
    assert all("/." not in p and not p.split("/")[-1].startswith(("_", ".")) for p in pages)


def test_scanner_site_writes_what_a_scan_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _demo_module().build(tmp_path / "demo")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    common = ["--sources", "examples/sources.yaml", "--output", str(out)]
    assert main(["scan", *common, "--workdir", str(tmp_path / "work")]) == 0
    scanned = {p: p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()}
    assert out / "site" / "index.html" in scanned
    shutil.rmtree(out / "site")
    capsys.readouterr()
    assert main(["site", *common, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["changed"] is True and summary["index"].startswith("file://")
    assert {p: p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()} == scanned
    assert main(["site", *common, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False
    # The completion marker was taken away and written again: the output is still whole.
    assert main(["verify-output", *common]) == 0
