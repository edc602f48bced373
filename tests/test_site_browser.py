"""The catalog site in a real browser: headless Chromium from the distribution's packages,
driven by selenium. `make test` installs chromium and chromium-driver when it may
(scripts/ensure_chromium.py); without them the test skips and says why, except on CI as root
with apt-get, where a missing browser is a failure."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)


def _found(candidates: tuple[str, ...]) -> str | None:
    return next((path for path in candidates if os.access(path, os.X_OK)), None)


def _must_run() -> bool:
    """On CI as root with apt-get, make test installed the browser: it must be there."""
    on_ci = os.environ.get("CI", "").lower() == "true"
    return on_ci and os.geteuid() == 0 and shutil.which("apt-get") is not None


@pytest.fixture
def driver(tmp_path: Path) -> Any:
    browser, chromedriver = _found(BROWSERS), _found(DRIVERS)
    if browser is None or chromedriver is None:
        reason = (
            "headless Chromium is not installed (chromium and chromium-driver from apt; "
            "`make test` installs them as root or on CI)"
        )
        if _must_run():
            pytest.fail(f"{reason}, yet this is CI as root: scripts/ensure_chromium.py failed")
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    session = webdriver.Chrome(service=Service(chromedriver), options=options)
    session.set_page_load_timeout(30)
    yield session
    session.quit()


@pytest.fixture
def demo_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo scanned into tmp_path/out; returns the output folder."""
    built = _demo_module().build(tmp_path / "demo")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    args = ["scan", "--sources", "examples/sources.yaml", "--output", str(out)]
    assert main([*args, "--workdir", str(tmp_path / "work")]) == 0
    return out


def _ready(session: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(session, 10).until(
        lambda s: s.execute_script("return document.body.dataset.ready === 'true'")
    )


def _facet_counts(session: Any, facet: str) -> dict[str, int]:
    from selenium.webdriver.common.by import By

    counts: dict[str, int] = {}
    for box in session.find_elements(By.CSS_SELECTOR, f"input[data-facet='{facet}']"):
        row = box.find_element(By.XPATH, "..")
        counts[box.get_attribute("value")] = int(row.find_element(By.CLASS_NAME, "count").text)
    return counts


def _shown(session: Any) -> int:
    from selenium.webdriver.common.by import By

    element = session.find_element(By.ID, "result-count")
    shown = int(element.get_attribute("data-shown"))
    assert element.text.startswith(f"{shown} of ")
    return shown


def _text(asset: dict[str, Any]) -> str:
    """What the search page searches in, from catalog.json."""
    title = asset["title"] or asset["name"] or asset["path"]
    domains = [f"{d['practice']}/{d['domain']}" for d in asset["domains"]]
    parts = [asset["id"], title, asset["name"], asset["description"], asset["kind"], *domains]
    return " ".join(parts).lower()


def test_site_search_facets_and_references_in_chromium(
    demo_site: Path, driver: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    catalog = json.loads((demo_site / "catalog/catalog.json").read_text(encoding="utf-8"))
    assets = catalog["assets"]
    counts = catalog["counts"]
    graph = json.loads((demo_site / "catalog/graph.json").read_text(encoding="utf-8"))
    ids = {a["id"] for a in assets}

    driver.get((demo_site / "site/index.html").as_uri())
    _ready(driver)
    # Before any filter: every asset, and facet counts that are catalog.json's counts.
    assert _shown(driver) == counts["assets"] == len(assets)
    by_repo = {repo: sum(kinds.values()) for repo, kinds in counts["by_repository"].items()}
    assert _facet_counts(driver, "repo") == by_repo
    assert _facet_counts(driver, "kind") == counts["by_kind"]
    practices = Counter(p for a in assets for p in {d["practice"] for d in a["domains"]})
    assert _facet_counts(driver, "practice") == dict(practices)

    # Search: a word that some assets have and others have not.
    term = "cache"
    hits = [a for a in assets if term in _text(a)]
    assert 0 < len(hits) < len(assets)
    driver.find_element(By.ID, "search").send_keys(term)
    assert _shown(driver) == len(hits)

    # A facet on top of the search: the repository with the most hits.
    repo = Counter(a["repo"] for a in hits).most_common(1)[0][0]
    driver.find_element(By.CSS_SELECTOR, f"input[data-facet='repo'][value='{repo}']").click()
    narrowed = [a for a in hits if a["repo"] == repo]
    assert _shown(driver) == len(narrowed)
    assert _facet_counts(driver, "kind") == {
        kind: sum(1 for a in narrowed if a["kind"] == kind) for kind in counts["by_kind"]
    }
    listed = [e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, ".result")]
    assert listed == sorted(a["id"] for a in narrowed)
    assert "repo=" in driver.current_url  # the view can be linked
    index_png = tmp_path / "site-index.png"
    assert driver.save_screenshot(str(index_png))

    # Open an asset that refers to another asset, then follow that reference.
    edges = [
        e
        for e in graph["edges"]
        if e["status"] == "resolved"
        and e["source"] in ids
        and e["target"] in ids
        and e["source"] != e["target"]
    ]
    assert edges
    source, target = edges[0]["source"], edges[0]["target"]
    driver.find_element(By.ID, "clear").click()
    driver.find_element(By.ID, "search").send_keys(source)
    results = driver.find_elements(By.CSS_SELECTOR, ".result")
    assert [r.get_attribute("data-id") for r in results] == [source]
    results[0].find_element(By.CLASS_NAME, "result-title").click()
    assert driver.find_element(By.ID, "asset-id").text == source
    outgoing = driver.find_elements(By.CSS_SELECTOR, "#refs-out a.ref-link")
    assert target in [link.text for link in outgoing]
    next(link for link in outgoing if link.text == target).click()
    assert driver.find_element(By.ID, "asset-id").text == target
    # ... and the target lists the source among the assets that refer to it.
    incoming = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#refs-in a.ref-link")]
    assert source in incoming
    asset_png = tmp_path / "site-asset.png"
    assert driver.save_screenshot(str(asset_png))
    for png in (index_png, asset_png):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshots: {index_png} {asset_png}")
