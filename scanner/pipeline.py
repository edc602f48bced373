"""The stages in order: sync, discover, graph, classify, catalog, render, report.

Each stage is a function from frozen records to frozen records; this module only passes one
stage's result to the next and collects timings. `scan` runs all of them; `render` runs the
ones after the catalog again, from the catalog already in the output folder."""

from __future__ import annotations

import dataclasses
import logging
import resource
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scanner import report
from scanner.catalog import (
    Baseline,
    Catalog,
    Enrichment,
    assemble_catalog,
    current_entries,
    load_baseline,
    read_catalog,
)
from scanner.catalog.carryover import annotations_for, content_commits_for, first_seen_for
from scanner.catalog.identity import match_baseline
from scanner.classify import classify, neighbours_from_edges
from scanner.classify_cache import Classification
from scanner.config import Config
from scanner.discover import Discovery, discover_all, freshness
from scanner.discover.cache import ExtractionCache
from scanner.errors import AllSourcesFailedError, ScannerError
from scanner.git import lock, store
from scanner.graph import (
    GraphResult,
    build_graph,
    graph_files,
    load_graph_export,
)
from scanner.graph.memo import GraphMemo
from scanner.labels import load_tune_exemplars
from scanner.layout import CATALOG_JSON, GRAPH_JSON, SITE_DIR
from scanner.manifest_cache import ManifestCache
from scanner.marketplace import Marketplace, load_marketplace
from scanner.models import DomainAssignment, JsonObject, JsonValue, ScanIssue, SyncResult
from scanner.output_state import output_lock, refuse_symlinks
from scanner.plugin_view import PluginView, build_view
from scanner.practice_catalog import gaps, practice_catalog_files
from scanner.practices import (
    Practice,
    all_featured_pins,
    load_practices,
)
from scanner.progress import NoProgress, ScanProgress
from scanner.publishing import PUBLISHING_FILE, Publishing, judge, load_publishing, publishing_json
from scanner.redaction import redact_discovery, redact_sources
from scanner.redaction_memo import RedactionMemo
from scanner.render import RenderResult, catalog_files, plugin_paths, render_outputs
from scanner.render_memo import RenderMemo
from scanner.report_file import read_report
from scanner.site import SiteInput, site_files
from scanner.sources import load_sources
from scanner.stage_memo import StageMemo
from scanner.structured import load_manifest_yaml
from scanner.validate import catalog_issues

log = logging.getLogger("scanner")

# How a scan's report names its baseline (committed in reports/: no paths, no clock).
SCAN_BASELINE = "the catalog this scan replaced (catalog/catalog.json as the previous scan left it)"
FIRST_SCAN = "the first scan of this output folder"


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
    """Times each stage, and tells the progress display when one starts and ends."""

    def __init__(self, progress: ScanProgress | None = None) -> None:
        self.stages: dict[str, StageStats] = {}
        self.progress: ScanProgress = progress or NoProgress()

    @contextmanager
    def stage(
        self,
        name: str,
        counters: Callable[[], Mapping[str, int]] | None = None,
        *,
        steps: int | None = None,
    ) -> Iterator[None]:
        started = time.perf_counter()
        self.progress.stage_started(name, steps)
        yield
        self.progress.stage_finished(name)
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
    # None when manifests/ has no publishing.yaml: every practice ships, no router.
    publishing: Publishing | None
    # (practice, domain) -> the tune labels' assets: the classifier's exemplars
    exemplars: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


def load_manifests(config: Config, read: Callable[[Path], object] | None = None) -> Manifests:
    """The practices, and the marketplace manifest beside their folder. `read` parses the YAML
    of the practices and labelled sets (scanner.manifest_cache); by default, every time."""
    practices_dir, marketplace = freshness.manifest_paths(config)
    parse = read or load_manifest_yaml
    practices = load_practices(practices_dir, parse)
    policy = practices_dir.parent / PUBLISHING_FILE
    publishing = load_publishing(policy) if policy.exists() else None
    exemplars = load_tune_exemplars(practices_dir, practices, parse)
    return Manifests(tuple(practices), load_marketplace(marketplace), publishing, exemplars)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the stages after discovery computed, ready to render."""

    catalog: Catalog
    graph: GraphResult | None
    assignments: Mapping[str, tuple[DomainAssignment, ...]]
    diff: report.ScanDiff | None
    # Each asset's classification context: the assets that refer to it.
    neighbours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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
    config: Config,
    manifests: Manifests,
    sources: Sequence[SyncResult],
    discovery: Discovery,
    baseline: Baseline,
    timer: _Timer,
) -> Analysis:
    current = current_entries(sources, discovery, baseline)
    assets = current.assets
    structure = GraphMemo.in_workdir(config.workdir)
    with timer.stage("graph", structure.stats):
        ranks = StageMemo.in_workdir(config.workdir, "ranks")
        graph = build_graph(
            assets,
            discovery.repo_files,
            known_repos=[s.name for s in sources],
            ranks_memo=ranks,
            memo=structure,
        )
        ranks.save()
        structure.save()
    stage = Classification(config.workdir)
    with timer.stage("classify", stage.stats):
        neighbours = _linked_from(graph, [a.id for a in assets])
        assignments = stage.classify(assets, manifests.practices, neighbours, manifests.exemplars)
    with timer.stage("catalog"):
        old = baseline.catalog
        pairing = match_baseline(
            old, assets, current.sources, config.workdir, timeout=config.timeout
        )
        enrichment = Enrichment(
            domains=assignments,
            ranks=graph.ranks,
            duplicate_of=graph.duplicate_of,
            bundles=graph.bundles,
            first_seen=first_seen_for(old, assets, current.sources, pairing),
            annotations=annotations_for(old, assets, pairing),
            content_commits=content_commits_for(old, assets, current.sources),
        )
        extra: list[ScanIssue] = [*graph.issues, *catalog_issues(assets, discovery.repo_files)]
        catalog = assemble_catalog(current, discovery, enrichment, extra)
        diff = replace(
            report.diff_catalogs(old, catalog, pairing, all_featured_pins(manifests.practices)),
            baseline=SCAN_BASELINE if old is not None else FIRST_SCAN,
        )
    return Analysis(catalog, graph, assignments, diff, neighbours)


def site_input(output: Path, manifests: Manifests, analysis: Analysis) -> SiteInput:
    """The site's input: the graph and diff of this run, or, when this run has none (render,
    or a rescan that found nothing and so left the report alone), those already in output/."""
    catalog = analysis.catalog
    if analysis.graph is not None:
        graph: Any = analysis.graph.graph
    else:
        try:
            graph, _ = load_graph_export(output)
        except ScannerError:
            graph = None  # no graph export yet: pages list no references
    diff = analysis.diff
    report_doc = (
        diff.to_json() if diff is not None and not diff.catalog_unchanged else read_report(output)
    )
    return SiteInput(
        catalog=catalog,
        graph=graph,
        practices=manifests.practices,
        gaps=gaps(manifests.practices, catalog.entries, analysis.assignments, catalog.issues),
        diff=report_doc,
    )


def render_analysis(
    output: Path,
    manifests: Manifests,
    analysis: Analysis,
    *,
    check: bool,
    memo: RenderMemo | None = None,
) -> RenderResult:
    """Every output file; with a `memo`, the expensive ones whose inputs did not change are
    taken from the output folder (scanner.render_memo)."""
    catalog = analysis.catalog
    ranks = {e.asset.id: e.rank for e in catalog.entries}
    first_seen: dict[str, Mapping[str, JsonValue]] = {
        e.asset.id: e.first_seen for e in catalog.entries
    }

    views: dict[str, PluginView] = {}

    def make_view(practice: Practice, version: str) -> PluginView:
        # Built once per practice: judging a plugin and rendering it (at whichever version)
        # read the same view, and the version is only carried.
        if practice.id not in views:
            views[practice.id] = build_view(
                practice,
                practice.version,
                catalog.entries,
                analysis.assignments,
                ranks,
                catalog.sources,
                first_seen,
                plugin_paths(practice),
            )
        return dataclasses.replace(views[practice.id], version=version)

    # A plugin ships only above the publishing threshold, judged on what it would cite.
    policy = manifests.publishing
    verdicts = (
        [judge(make_view(p, p.version), policy.threshold) for p in manifests.practices]
        if policy is not None
        else []
    )
    withheld_ids = {v.practice for v in verdicts if not v.published}
    shipped = tuple(p for p in manifests.practices if p.id not in withheld_ids)
    single = catalog_files(catalog)
    single.update(
        practice_catalog_files(
            manifests.practices,
            catalog.entries,
            analysis.assignments,
            catalog.issues,
            catalog.sources,
            publishing=publishing_json(verdicts, policy.threshold) if policy else None,
        )
    )
    if analysis.graph is not None:
        single.update(graph_files(analysis.graph, memo))
    if analysis.diff is not None:
        withheld = tuple((v.plugin, tuple(v.reasons)) for v in verdicts if not v.published)
        single.update(report.report_files(dataclasses.replace(analysis.diff, withheld=withheld)))
    return render_outputs(
        output,
        practices=shipped,
        marketplace=manifests.marketplace,
        make_view=make_view,
        single_files=single,
        check=check,
        router=policy.router if policy else None,
        folders={SITE_DIR: site_files(site_input(output, manifests, analysis), memo)},
        memo=memo,
    )


REASON_CHARS = 200  # of one repository's failure, in a listing of several


def failure_listing(sources: Sequence[SyncResult]) -> str:
    """One line per failed repository (git's multi-line messages folded, long ones cut), so
    that ten failures read as ten lines, not one line of 1,500 characters."""
    lines = []
    for source in sources:
        if source.ok:
            continue
        reason = " ".join(source.reason.split()) or "no reason given"
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 1].rstrip() + "…"
        lines.append(f"  - {source.name}: {reason}")
    return "\n".join(lines)


def run_scan(
    config: Config,
    *,
    offline: bool,
    remote: Mapping[str, str | None] | None = None,
    progress: ScanProgress | None = None,
    inputs: str = "",
) -> ScanOutcome:
    """Every stage. `remote`: the commits `freshness.check_before_scan` just saw upstream,
    which spare the fetch of clones that have them; `inputs`: the digest of the local inputs
    it took (else taken here, before they are read). A finished scan is recorded for the next
    one's no-op check. `progress` hears of each stage and repository as they go."""
    specs = load_sources(config.sources)  # a bad manifest stops here: nothing is cloned
    inputs = inputs or freshness.inputs_digest(
        config.sources, freshness.scan_inputs(config), config.output
    )
    parsed = ManifestCache.in_workdir(config.workdir)
    manifests = load_manifests(config, parsed.read)
    parsed.save()
    timer = _Timer(progress)
    shown = timer.progress
    with lock.workdir_lock(config.workdir), output_lock(config.output):
        refuse_symlinks(config.output)  # before anything in it is read or written
        freshness.forget(config.workdir)  # a scan stopped half-way leaves no record behind
        with timer.stage("sync", steps=len(specs)):
            if offline:
                sources = store.inspect_clones(specs, config.workdir)
            else:
                sources = store.sync_sources(
                    specs,
                    config.workdir,
                    timeout=config.timeout,
                    jobs=config.effective_jobs,
                    known=remote or {},
                    on_progress=lambda name, action: shown.step("sync", name, action, done=True),
                )
        sources = redact_sources(tuple(sources))
        if not any(s.ok for s in sources):
            raise AllSourcesFailedError(
                f"every repository failed, nothing written:\n{failure_listing(sources)}"
            )
        discovery: Discovery | None = None

        def discover_counters() -> Mapping[str, int]:
            return discovery.stats() if discovery is not None else {}

        with (
            timer.stage("discover", discover_counters, steps=sum(1 for s in sources if s.ok)),
            ExtractionCache.in_workdir(config.workdir) as cache,
        ):
            clean = RedactionMemo.in_workdir(config.workdir)
            discovery = redact_discovery(
                discover_all(
                    sources,
                    jobs=config.effective_jobs,
                    cache=cache,
                    on_progress=lambda repo, action, done: shown.step(
                        "discover", repo, action, done=done
                    ),
                ),
                clean,
            )
            clean.save()
        baseline = load_baseline(config.output / CATALOG_JSON)
        analysis = analyse(config, manifests, sources, discovery, baseline, timer)
        # Still under the lock: a second scan must not read the baseline, or write, while
        # this one is writing.
        memo = RenderMemo.in_workdir(config.workdir, config.output)
        with timer.stage("render", memo.stats):
            rendered = render_analysis(config.output, manifests, analysis, check=False, memo=memo)
            memo.save()
        freshness.record(config.workdir, sources, inputs, config.output)
    return ScanOutcome(tuple(sources), discovery, analysis, rendered, dict(timer.stages))


def _graph_neighbours(output: Path, ids: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Classification context from the graph export a scan wrote; none without one."""
    if not (output / GRAPH_JSON).exists():
        return {}
    graph, _ = load_graph_export(output)
    edges = ((u, v) for u, v in graph.edges if u in ids and v in ids)
    return {k: tuple(v) for k, v in neighbours_from_edges(edges, ids).items()}


def reload_analysis(
    output: Path,
    practices: Sequence[Practice],
    exemplars: Mapping[tuple[str, str], tuple[str, ...]] | None = None,
) -> Analysis:
    """The catalog in the output folder, reclassified with the current rules (`scanner render`
    regenerates from it without syncing; `catalog`, `explain` and `eval` read it). `exemplars`:
    the tune labels (scanner.labels.load_tune_exemplars)."""
    path = output / CATALOG_JSON
    if not path.exists():
        raise ScannerError(f"{path} not found: run `scanner scan` first")
    catalog = read_catalog(path)
    ids = {e.asset.id for e in catalog.entries}
    neighbours = _graph_neighbours(output, ids)
    assets = [e.asset for e in catalog.entries]
    assignments = classify(assets, practices, neighbours, exemplars)
    entries = tuple(replace(e, domains=assignments.get(e.asset.id, ())) for e in catalog.entries)
    return Analysis(
        Catalog(catalog.sources, entries, catalog.issues), None, assignments, None, neighbours
    )
