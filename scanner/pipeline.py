"""The stages in order: sync, discover, graph, classify, catalog, render, report.

Each stage is a function from frozen records to frozen records; this module only passes one
stage's result to the next and collects timings. `scan` runs all of them; `render` runs the
ones after the catalog again, from the catalog already in the output folder."""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitops, report
from scanner.cache import ExtractionCache
from scanner.catalog import (
    Baseline,
    Catalog,
    CatalogEntry,
    Enrichment,
    build_catalog,
    catalog_from_document,
    current_entries,
    load_baseline,
)
from scanner.classify import classify, neighbours_from_edges
from scanner.config import Config
from scanner.discover import Discovery, discover_all
from scanner.errors import AllSourcesFailedError, ScannerError
from scanner.graph import (
    GraphResult,
    build_graph,
    graph_files,
    load_graph_export,
)
from scanner.layout import CATALOG_JSON
from scanner.marketplace import DEFAULT_MARKETPLACE, Marketplace, load_marketplace
from scanner.models import DomainAssignment, JsonObject, JsonValue, ScanIssue, SyncResult
from scanner.plugin_view import PluginView, build_view
from scanner.practice_catalog import practice_catalog_files
from scanner.practices import (
    Practice,
    all_featured_pins,
    load_practices,
    resolve_practices_dir,
)
from scanner.render import RenderResult, catalog_files, plugin_paths, render_outputs
from scanner.sources import load_sources
from scanner.validate import catalog_issues

log = logging.getLogger("scanner")


@dataclass(frozen=True, slots=True)
class StageStats:
    seconds: float
    peak_rss_mib: float
    counters: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> JsonObject:
        return {
            "seconds": round(self.seconds, 3),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            **dict(self.counters),
        }


class _Timer:
    def __init__(self) -> None:
        self.stages: dict[str, StageStats] = {}

    @contextmanager
    def stage(
        self, name: str, counters: Callable[[], Mapping[str, int]] | None = None
    ) -> Iterator[None]:
        started = time.perf_counter()
        yield
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.stages[name] = StageStats(
            time.perf_counter() - started,
            max(usage, children) / 1024,  # Linux reports KiB
            dict(counters()) if counters else {},
        )


@dataclass(frozen=True, slots=True)
class Manifests:
    practices: tuple[Practice, ...]
    marketplace: Marketplace


def load_manifests(opts: Config) -> Manifests:
    """The practices, and the marketplace manifest beside their folder."""
    practices_dir = resolve_practices_dir(opts.sources)
    practices = load_practices(practices_dir)
    marketplace = load_marketplace(practices_dir.parent / DEFAULT_MARKETPLACE.name)
    return Manifests(tuple(practices), marketplace)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the stages after discovery computed, ready to render."""

    catalog: Catalog
    graph: GraphResult | None
    assignments: Mapping[str, tuple[DomainAssignment, ...]]
    diff: report.ScanDiff | None


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    sources: tuple[SyncResult, ...]
    discovery: Discovery
    analysis: Analysis
    rendered: RenderResult
    stages: Mapping[str, StageStats]

    @property
    def catalog(self) -> Catalog:
        return self.analysis.catalog


def _linked_from(graph: GraphResult, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Context for the classifier: the assets that refer to each asset (an asset linked from a
    skill in a domain leans to that domain; what an asset links to says less about it)."""
    edges = ((r.source, r.target) for r in graph.relationships if r.resolved)
    return {k: tuple(v) for k, v in neighbours_from_edges(edges, ids).items()}


def analyse(
    opts: Config,
    manifests: Manifests,
    sources: Sequence[SyncResult],
    discovery: Discovery,
    baseline: Baseline,
    timer: _Timer,
) -> Analysis:
    entries, kept_sources, _ = current_entries(sources, discovery, baseline)
    assets = [e.asset for e in entries]
    with timer.stage("graph"):
        graph = build_graph(assets, discovery.repo_files, known_repos=[s.name for s in sources])
    with timer.stage("classify"):
        assignments = classify(
            assets, manifests.practices, _linked_from(graph, [a.id for a in assets])
        )
    with timer.stage("catalog"):
        current_sources: JsonObject = {"sources": [s.to_json() for s in kept_sources]}
        renames = report.detect_renames(
            baseline.document, current_sources, opts.workdir, timeout=opts.timeout
        )
        enrichment = Enrichment(
            domains=assignments,
            ranks=graph.ranks,
            duplicate_of=graph.duplicate_of,
            bundles=graph.bundles,
            first_seen=report.first_seen_for(
                baseline.document, assets, kept_sources, renames.renames
            ),
            annotations=report.annotations_for(baseline.document, assets, renames.renames),
        )
        extra: list[ScanIssue] = [*graph.issues, *catalog_issues(assets, discovery.repo_files)]
        catalog = build_catalog(sources, discovery, baseline, enrichment, extra)
        diff = report.diff_catalogs(
            baseline.document,
            catalog.to_json(),
            renames.renames,
            all_featured_pins(manifests.practices),
            history_unavailable=renames.unavailable,
        )
    return Analysis(catalog, graph, assignments, diff)


def render_analysis(
    output: Path, manifests: Manifests, analysis: Analysis, *, check: bool
) -> RenderResult:
    catalog = analysis.catalog
    single = catalog_files(catalog)
    single.update(
        practice_catalog_files(
            manifests.practices,
            catalog.entries,
            analysis.assignments,
            catalog.issues,
            catalog.sources,
        )
    )
    if analysis.graph is not None:
        single.update(graph_files(analysis.graph))
    if analysis.diff is not None:
        single.update(report.report_files(analysis.diff))
    ranks = {e.asset.id: e.rank for e in catalog.entries}
    first_seen: dict[str, Mapping[str, JsonValue]] = {
        e.asset.id: e.first_seen for e in catalog.entries
    }

    def make_view(practice: Practice, version: str) -> PluginView:
        return build_view(
            practice,
            version,
            catalog.entries,
            analysis.assignments,
            ranks,
            catalog.sources,
            first_seen,
            plugin_paths(practice),
        )

    return render_outputs(
        output,
        practices=manifests.practices,
        marketplace=manifests.marketplace,
        make_view=make_view,
        single_files=single,
        check=check,
    )


def run_scan(opts: Config, *, offline: bool) -> ScanOutcome:
    specs = load_sources(opts.sources)  # a bad manifest stops here: nothing is cloned
    manifests = load_manifests(opts)
    timer = _Timer()
    with gitops.workdir_lock(opts.workdir):
        with timer.stage("sync"):
            if offline:
                sources = gitops.inspect_checkouts(specs, opts.workdir)
            else:
                sources = gitops.sync_sources(
                    specs, opts.workdir, timeout=opts.timeout, jobs=opts.effective_jobs
                )
        if not any(s.ok for s in sources):
            reasons = "; ".join(f"{s.name}: {s.reason}" for s in sources)
            raise AllSourcesFailedError(f"every repository failed, nothing written ({reasons})")
        discovery: Discovery | None = None

        def discover_counters() -> Mapping[str, int]:
            return discovery.stats() if discovery is not None else {}

        with (
            timer.stage("discover", discover_counters),
            ExtractionCache(opts.workdir / "cache") as cache,
        ):
            discovery = discover_all(sources, jobs=opts.effective_jobs, cache=cache)
        baseline = load_baseline(opts.output / CATALOG_JSON)
        analysis = analyse(opts, manifests, sources, discovery, baseline, timer)
        # Still under the lock: a second scan must not read the baseline, or write, while
        # this one is writing.
        with timer.stage("render"):
            rendered = render_analysis(opts.output, manifests, analysis, check=False)
    return ScanOutcome(tuple(sources), discovery, analysis, rendered, dict(timer.stages))


def reload_analysis(output: Path, manifests: Manifests) -> Analysis:
    """The catalog in the output folder, reclassified with the current rules (`scanner render`
    regenerates from it without syncing)."""
    baseline = load_baseline(output / CATALOG_JSON)
    if baseline.document is None:
        raise AllSourcesFailedError(f"{output / CATALOG_JSON} not found: run `scanner scan` first")
    catalog = catalog_from_document(baseline.document)
    try:
        graph, _ = load_graph_export(output)
    except ScannerError:
        neighbours: dict[str, tuple[str, ...]] = {}  # no graph export: classify without context
    else:
        ids = {e.asset.id for e in catalog.entries}
        edges = ((u, v) for u, v in graph.edges if u in ids and v in ids)
        neighbours = {k: tuple(v) for k, v in neighbours_from_edges(edges, ids).items()}
    assignments = classify([e.asset for e in catalog.entries], manifests.practices, neighbours)
    entries = tuple(
        CatalogEntry(
            e.asset,
            e.status,
            assignments.get(e.asset.id, ()),
            e.rank,
            e.duplicate_of,
            e.bundle,
            e.first_seen,
            e.annotations,
        )
        for e in catalog.entries
    )
    return Analysis(Catalog(catalog.sources, entries, catalog.issues), None, assignments, None)
