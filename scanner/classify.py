"""The classify stage: which practice domains each asset belongs to, and why.

Rules come from the practice files (scanner.practices):
- keywords and phrases, matched on word boundaries (plurals included) in an asset's name,
  title, description, tags, headings and path. Within a field the leftmost, longest term claims
  its words, so "GraphQL schema design" is not also "schema design". A term scores its weight
  times the summed weights of the fields it appears in, capped: a subject named in the name and
  the description outweighs one named in a single heading;
- globs over `<repo>/<path>`, and code signals from discovery (frameworks, MCP and Claude SDKs,
  the asset's kind and language). Negative weights count against a domain.

An asset's own score in a domain is the sum of the rules that fire; only rules that fire
outside the supporting fields (headings) can establish a domain. Graph context comes second:
the strongest neighbour of a content kind that is itself in the domain by its own content adds
a capped fraction of its score, computed in two passes so that context never feeds on context.
An asset is in a domain when the domain is established, its own score is positive, and own
score plus context reaches the domain's threshold.

Term weighting comes third (scanner.similarity): the nearest exemplar of a domain (featured
pins and tune labels, never the asset itself) adds cosine x weight and can establish the
domain; the domain's definition adds cosine x weight and only supports it. A practice with
ignore_generated_description leaves a description the scanner wrote out of rules and similarity.

Last, a practice may set runner_up_ratio: of the domains an asset reaches in that practice, it
keeps those scoring at least ratio x its best one there (side topics of an asset that belongs
to the practice fall away; the best always stays).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from scanner.classify_outcome import RuleOutcome, format_points
from scanner.classify_outcome import points_of as _points
from scanner.classify_support import exemplar_support, gate_support
from scanner.classify_text import UPSTREAM_NOTE, AssetText, asset_text, asset_texts, tokens
from scanner.models import Asset, DomainAssignment, JsonObject
from scanner.practices import ANY_VALUE, Practice
from scanner.rules import (
    CompiledDomain,
    CompiledPath,
    CompiledPractice,
    CompiledSignal,
    compile_practices,
    exclusion,
    field_factor,
    may_match,
    runner_up_drops,
)
from scanner.similarity import Exemplars, Nearest, SimilarityModel, build_model

__all__ = [
    "RuleOutcome",
    "asset_text",
    "classify",
    "explain_asset",
    "format_points",
    "neighbours_from_edges",
    "tokens",
    "verdicts",
]


DomainKey = tuple[str, str]  # (practice id, domain id)


@dataclass(frozen=True, slots=True)
class DomainVerdict:
    """The sum of an asset's rule outcomes in one domain."""

    practice: str
    domain: str
    own: float
    context: float
    threshold: float
    excluded: bool
    established: bool  # some rule fired outside the supporting fields
    # Why the practice's runner_up_ratio drops a domain that passed its threshold, e.g.
    # "below 0.6 x best agent-harnesses 12.4"; empty when it is kept or the ratio is off.
    runner_up: str = ""

    @property
    def score(self) -> float:
        return _points(self.own + self.context)

    @property
    def passes(self) -> bool:
        """In the domain before the runner-up ratio is applied."""
        return (
            not self.excluded and self.established and self.own > 0 and self.score >= self.threshold
        )

    @property
    def assigned(self) -> bool:
        return self.passes and not self.runner_up

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "domain": self.domain,
            "own": _points(self.own),
            "context": _points(self.context),
            "score": self.score,
            "threshold": self.threshold,
            "excluded": self.excluded,
            "established": self.established,
            "assigned": self.assigned,
            # Only present when the ratio drops the domain: other practices' output is unchanged.
            **({"runner_up": self.runner_up} if self.runner_up else {}),
        }


def _keyword_outcomes(
    practice: CompiledPractice, domain: CompiledDomain, text: AssetText, *, fired_only: bool = False
) -> list[RuleOutcome]:
    """Keyword outcomes of one domain, in rule order. Longer terms claim their words first, so
    "performance optimization" in a heading does not also score "performance" there. A term
    scores its weight times the summed weights of the fields it appears in, capped at
    field_cap: a subject named in the name and the description is a main subject; one named
    only in a heading is a side topic."""
    if fired_only and not may_match(text, domain):
        return []
    fields_of: dict[int, list[str]] = {}  # keyword index -> fields it claimed words in
    shadowed: set[int] = set()
    for field, sequences in text.fields.items():
        positions = text.positions[field]
        if not positions:
            continue
        per_sequence: dict[int, list[tuple[range, int]]] = {}
        candidates = set(domain.prefix_only)
        # Only the words that start some term of the domain (a set intersection, not a loop).
        for word in positions.keys() & domain.first_words:
            candidates.update(domain.by_first_word[word])
        sorted_words = text.sorted_fields.get(field, ())
        for index in sorted(candidates):
            rule = domain.keywords[index]
            if rule.fields and field not in rule.fields:
                continue
            for seq_index, span in rule.occurrences(sequences, positions, sorted_words):
                per_sequence.setdefault(seq_index, []).append((span, index))
        for found in per_sequence.values():
            # Leftmost-longest: "graphql schema design" is a GraphQL schema, so the phrase
            # "graphql schema" claims its words before "schema design" can.
            spans = sorted(found, key=lambda item: (item[0].start, -len(item[0]), item[1]))
            taken: set[int] = set()
            for span, index in spans:
                if taken.isdisjoint(span):
                    taken.update(span)
                    claimed = fields_of.setdefault(index, [])
                    if field not in claimed:
                        claimed.append(field)
                else:
                    shadowed.add(index)
    raw: dict[int, float] = {}
    for index, claimed in fields_of.items():
        factor = min(field_factor(claimed, practice.field_weights), practice.field_cap)
        raw[index] = _points(domain.keywords[index].weight * factor)
    # Diminishing returns: the strongest positive term counts fully, the next decay times, ...
    positive = sorted((i for i, p in raw.items() if p > 0), key=lambda i: (-raw[i], i))
    rank = {index: n for n, index in enumerate(positive)}
    outcomes = []
    # Rule order; with fired_only, only the keywords that matched.
    indices = sorted(fields_of) if fired_only else range(len(domain.keywords))
    for index in indices:
        rule = domain.keywords[index]
        label = f'keyword "{rule.term}"'
        matched = fields_of.get(index, [])
        if not matched:
            detail = "only inside longer terms" if index in shadowed else ""
            outcomes.append(RuleOutcome(domain.practice, domain.id, label, False, 0.0, detail))
            continue
        points = raw[index]
        detail = f"in {', '.join(matched)}"
        if index in rank and rank[index] > 0 and practice.keyword_decay < 1:
            scale = practice.keyword_decay ** rank[index]
            detail += f", term {rank[index] + 1} of {len(positive)}: {points:g} x {scale:.3g}"
            points = _points(points * scale)
        establishes = points > 0 and any(f not in practice.supporting_fields for f in matched)
        outcomes.append(
            RuleOutcome(domain.practice, domain.id, label, points != 0, points, detail, establishes)
        )
    return outcomes


def _path_outcome(domain: CompiledDomain, rule: CompiledPath, text: AssetText) -> RuleOutcome:
    label = f'path "{rule.pattern}"'
    if rule.spec.match_file(text.location):
        points = _points(rule.weight)
        return RuleOutcome(domain.practice, domain.id, label, True, points, "", points > 0)
    return RuleOutcome(domain.practice, domain.id, label, False, 0.0)


def _signal_outcome(domain: CompiledDomain, rule: CompiledSignal, text: AssetText) -> RuleOutcome:
    label = f"signal {rule.field}"
    present = text.signals.get(rule.field, ())
    if ANY_VALUE in rule.values:
        found = list(present)
    else:
        found = [v for v in present if v.lower() in rule.values]
    if not found:
        return RuleOutcome(domain.practice, domain.id, label, False, 0.0)
    points = _points(rule.weight)
    return RuleOutcome(
        domain.practice, domain.id, label, True, points, f"has {', '.join(found)}", points > 0
    )


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the similarity model says about one asset (computed once per asset)."""

    asset_id: str
    model: SimilarityModel
    nearest: Mapping[DomainKey, Nearest]  # the closest exemplar of each domain that has one
    definitions: Mapping[DomainKey, float]  # cosine with each definition sharing a term
    own_nearest: Mapping[DomainKey, Nearest]  # the same two without the scanner's descriptions
    own_definitions: Mapping[DomainKey, float]  # (for ignore_generated_description)


def _evidence(asset: Asset, model: SimilarityModel) -> _Evidence:
    scores = model.exemplar_scores(asset.id)
    nearest = model.nearest_by_domain(asset.id, scores)
    definitions = model.definition_scores(asset.id)
    own = model.upstream_nearest(asset.id, scores, nearest)
    own_definitions = model.upstream_definitions(asset.id, definitions)
    return _Evidence(asset.id, model, nearest, definitions, own, own_definitions)


def _similarity_outcomes(
    practice: CompiledPractice,
    domain: CompiledDomain,
    evidence: _Evidence,
    *,
    fired_only: bool = False,
) -> list[RuleOutcome]:
    """The nearest exemplar (can establish the domain) and the definition (supports it), each
    as cosine x weight from its floor, with the words that matched. `fired_only`: leave out
    the ones that did not fire (classify asks for no more; explain shows all)."""
    settings = practice.similarity
    key = (practice.id, domain.id)
    own = practice.ignore_generated_description
    out = []
    label = "similar to exemplar"
    nearest = None
    if settings.exemplar_weight > 0:
        nearest = (evidence.own_nearest if own else evidence.nearest).get(key)
    if nearest is None:
        if not fired_only:
            out.append(RuleOutcome(practice.id, domain.id, label, False, 0.0, ""))
    elif nearest.score >= settings.exemplar_floor:
        points = _points(nearest.score * settings.exemplar_weight)
        words = evidence.model.exemplar_terms(evidence.asset_id, nearest.exemplar, own)
        detail = (
            f"{nearest.exemplar} (cosine {nearest.score:.2f} x {settings.exemplar_weight:g}: "
            f"{', '.join(words)})"
        )
        out.append(RuleOutcome(practice.id, domain.id, label, True, points, detail, True))
    elif support := exemplar_support(
        practice.id,
        domain.id,
        settings,
        nearest,
        evidence.model,
        evidence.asset_id,
        upstream_only=own,
    ):
        out.append(support)  # from the support floor: counts only with the asset's own words
    elif not fired_only:
        detail = (
            f"nearest {nearest.exemplar} at cosine {nearest.score:.2f}, "
            f"below {settings.exemplar_floor:g}"
        )
        out.append(RuleOutcome(practice.id, domain.id, label, False, 0.0, detail))
    label = "definition"
    score = 0.0
    if settings.definition_weight > 0:
        score = (evidence.own_definitions if own else evidence.definitions).get(key, 0.0)
    if score >= settings.definition_floor:
        points = _points(score * settings.definition_weight)
        terms = evidence.model.definition_terms(evidence.asset_id, key, own)
        detail = f"cosine {score:.2f} x {settings.definition_weight:g}: {', '.join(terms)}"
        out.append(RuleOutcome(practice.id, domain.id, label, True, points, detail, False))
    elif not fired_only:
        detail = f"cosine {score:.2f}, below {settings.definition_floor:g}" if score else ""
        out.append(RuleOutcome(practice.id, domain.id, label, False, 0.0, detail))
    return out


def _rule_outcomes(
    practice: CompiledPractice, domain: CompiledDomain, text: AssetText, *, fired_only: bool
) -> list[RuleOutcome]:
    """The keyword, path and signal outcomes of one domain, in rule order (with fired_only,
    keyword rules that did not fire are not even described)."""
    outcomes = _keyword_outcomes(practice, domain, text, fired_only=fired_only)
    outcomes += [_path_outcome(domain, r, text) for r in domain.paths]
    outcomes += [_signal_outcome(domain, r, text) for r in domain.signals]
    return outcomes


def _total(outcomes: Iterable[RuleOutcome]) -> float:
    return _points(sum(o.points for o in outcomes if o.fired))


@dataclass(frozen=True, slots=True)
class RuleResult:
    """An asset's rule outcomes that depend on nothing but the asset and the practices: the
    practices whose excludes match it, and the fired keyword, path and signal outcomes of each
    domain, in rule order (scanner.classify_cache keeps them between scans)."""

    excluded: frozenset[str]
    fired: Mapping[DomainKey, tuple[RuleOutcome, ...]]


def rule_result(asset: Asset, practices: Sequence[CompiledPractice]) -> RuleResult:
    text, upstream = asset_texts(asset, any(p.ignore_generated_description for p in practices))
    excluded: set[str] = set()
    fired: dict[DomainKey, tuple[RuleOutcome, ...]] = {}
    for practice in practices:
        if exclusion(practice, text) is not None:
            excluded.add(practice.id)
            continue
        seen = upstream if practice.ignore_generated_description else text
        for domain in practice.domains:
            outcomes = _rule_outcomes(practice, domain, seen, fired_only=True)
            found = tuple(o for o in outcomes if o.fired)
            if found:
                fired[(practice.id, domain.id)] = found
    return RuleResult(frozenset(excluded), fired)


def similarity_result(
    asset: Asset, practices: Sequence[CompiledPractice], model: SimilarityModel
) -> dict[DomainKey, tuple[RuleOutcome, ...]]:
    """The fired similarity outcomes of every domain: they depend on the asset's vector and
    on the exemplars and definitions that share its terms (scanner.classify_cache)."""
    evidence = _evidence(asset, model)
    fired: dict[DomainKey, tuple[RuleOutcome, ...]] = {}
    for practice in practices:
        for domain in practice.domains:
            found = tuple(_similarity_outcomes(practice, domain, evidence, fired_only=True))
            if found:
                fired[(practice.id, domain.id)] = found
    return fired


class OutcomeSource(Protocol):
    """Where _own_scores gets an asset's two kinds of outcomes (computed, or from a cache)."""

    def rules(self, asset: Asset) -> RuleResult: ...

    def similarity(self, asset: Asset) -> Mapping[DomainKey, tuple[RuleOutcome, ...]]: ...


@dataclass(frozen=True, slots=True)
class Computed:
    """Outcomes computed afresh."""

    practices: Sequence[CompiledPractice]
    model: SimilarityModel

    def rules(self, asset: Asset) -> RuleResult:
        return rule_result(asset, self.practices)

    def similarity(self, asset: Asset) -> Mapping[DomainKey, tuple[RuleOutcome, ...]]:
        return similarity_result(asset, self.practices, self.model)


def _own_scores(
    asset: Asset, practices: Sequence[CompiledPractice], source: OutcomeSource
) -> dict[DomainKey, tuple[float, list[RuleOutcome]]]:
    """Pass one: each domain's score from the asset's own content, for the domains where some
    rule establishes it (excluded practices absent). Outcomes in rule order: keywords, paths,
    signals, then similarity."""
    rules = source.rules(asset)
    similar = source.similarity(asset)
    scores: dict[DomainKey, tuple[float, list[RuleOutcome]]] = {}
    # Only the domains where something fired (the order of the keys does not matter).
    for key in rules.fired.keys() | similar.keys():
        if key[0] in rules.excluded:
            continue
        found = gate_support([*rules.fired.get(key, ()), *similar.get(key, ())])
        fired = [o for o in found if o.fired]
        if any(o.establishes for o in fired):
            scores[key] = (_total(fired), fired)
    return scores


class OutcomeCache(Protocol):
    """A store of outcomes between scans (scanner.classify_cache.ClassifyCache)."""

    def bind(
        self, practices: Sequence[Practice], computed: Computed, assets: Sequence[Asset]
    ) -> OutcomeSource: ...


# What a neighbour can lend: its kind and its own-content score per domain (pass one).
Lenders = Mapping[str, tuple[str, Mapping[DomainKey, float]]]


def _lender(
    asset: Asset, practices: Sequence[CompiledPractice], model: SimilarityModel
) -> tuple[str, dict[DomainKey, float]]:
    scores = _own_scores(asset, practices, Computed(practices, model))
    return asset.kind.value, {key: score for key, (score, _) in scores.items()}


def _context_outcome(
    asset_id: str,
    practice: CompiledPractice,
    domain: CompiledDomain,
    neighbours: Mapping[str, Sequence[str]],
    lenders: Lenders,
) -> RuleOutcome:
    """Pass two: the strongest neighbour of a context kind that is itself in the domain by its
    own content (never by context: lenders hold pass-one scores only)."""
    key = (practice.id, domain.id)
    best: tuple[float, str] | None = None
    for other in neighbours.get(asset_id, ()):
        if other == asset_id or other not in lenders:
            continue
        kind, scores = lenders[other]
        if kind not in practice.context_kinds:
            continue
        score = scores.get(key, 0.0)
        if score >= domain.threshold and (best is None or (-score, other) < (-best[0], best[1])):
            best = (score, other)
    if best is None or practice.context_weight == 0 or practice.context_max == 0:
        return RuleOutcome(practice.id, domain.id, "context", False, 0.0)
    raw = _points(best[0] * practice.context_weight)
    points = min(raw, practice.context_max)
    capped = ", capped" if points < raw else ""
    detail = f"linked with {best[1]} ({best[0]:g} x {practice.context_weight:g}{capped})"
    return RuleOutcome(practice.id, domain.id, "context", True, points, detail)


def _reason_order(outcome: RuleOutcome) -> tuple[float, str]:
    return (-outcome.points, outcome.reason)


def classify(
    assets: Sequence[Asset],
    practices: Sequence[Practice],
    neighbours: Mapping[str, Sequence[str]] | None = None,
    exemplars: Exemplars | None = None,
    cache: OutcomeCache | None = None,
) -> dict[str, tuple[DomainAssignment, ...]]:
    """Every asset's domains, keyed by asset id; assets in no domain are absent. `neighbours`
    maps an asset id to the ids of the assets whose own scores may lend it context (see
    neighbours_from_edges: by default, the assets that link to it). `exemplars` adds to each
    domain's featured pins (scanner.labels.tune_exemplars). `cache` (scanner.classify_cache)
    keeps each asset's outcomes between scans; the result is the same with or without it."""
    compiled = compile_practices(practices)
    links = neighbours or {}
    model = build_model(assets, practices, exemplars)
    computed = Computed(compiled, model)
    source: OutcomeSource = computed if cache is None else cache.bind(practices, computed, assets)
    own = {asset.id: _own_scores(asset, compiled, source) for asset in assets}
    lenders = {
        asset.id: (asset.kind.value, {key: score for key, (score, _) in own[asset.id].items()})
        for asset in assets
    }
    result: dict[str, tuple[DomainAssignment, ...]] = {}
    domains = {(p.id, d.id): (p, d) for p in compiled for d in p.domains}
    ratios = {p.id: p.runner_up_ratio for p in compiled}
    for asset in assets:
        assignments: list[DomainAssignment] = []
        # The domains where the asset scored (assignments are sorted below).
        for key, (score, fired) in own[asset.id].items():
            if score <= 0:
                continue
            practice, domain = domains[key]
            context = _context_outcome(asset.id, practice, domain, links, lenders)
            reasons = [*fired, context] if context.fired else list(fired)
            total = _points(score + context.points)
            if total < domain.threshold:
                continue
            assignments.append(
                DomainAssignment(
                    practice=practice.id,
                    domain=domain.id,
                    score=total,
                    reasons=tuple(o.reason for o in sorted(reasons, key=_reason_order)),
                )
            )
        drops = runner_up_drops({(a.practice, a.domain): a.score for a in assignments}, ratios)
        assignments = [a for a in assignments if (a.practice, a.domain) not in drops]
        if assignments:
            result[asset.id] = tuple(
                sorted(assignments, key=lambda a: (a.practice, -a.score, a.domain))
            )
    return result


def explain_asset(
    asset: Asset,
    practices: Sequence[Practice],
    neighbours: Mapping[str, Sequence[str]] | None,
    assets_by_id: Mapping[str, Asset],
    exemplars: Exemplars | None = None,
) -> list[RuleOutcome]:
    """Every rule's outcome for one asset, fired or not, per practice and domain (practices
    sorted by id, domains and rules in file order, then the similarity and context rules). An
    excluded practice yields one `excluded` outcome per domain."""
    compiled = compile_practices(practices)
    links = neighbours or {}
    text, upstream = asset_texts(asset, any(p.ignore_generated_description for p in compiled))
    model = build_model(sorted(assets_by_id.values(), key=lambda a: a.id), practices, exemplars)
    evidence = _evidence(asset, model)
    lenders: dict[str, tuple[str, dict[DomainKey, float]]] = {}
    for other_id in links.get(asset.id, ()):
        other = assets_by_id.get(other_id)
        if other is not None and other_id != asset.id:
            lenders[other_id] = _lender(other, compiled, model)
    outcomes: list[RuleOutcome] = []
    for practice in compiled:
        excluded_by = exclusion(practice, text)
        for domain in practice.domains:
            if excluded_by is not None:
                outcomes.append(
                    RuleOutcome(
                        practice.id, domain.id, "excluded", True, 0.0, f'by "{excluded_by}"'
                    )
                )
                continue
            seen = upstream if practice.ignore_generated_description else text
            if seen is not text:
                why = f'"{asset.description}" {UPSTREAM_NOTE}'
                outcomes.append(RuleOutcome(practice.id, domain.id, "description", False, 0, why))
            found = _rule_outcomes(practice, domain, seen, fired_only=False)
            outcomes += gate_support(found + _similarity_outcomes(practice, domain, evidence))
            outcomes.append(_context_outcome(asset.id, practice, domain, links, lenders))
    return outcomes


def verdicts(outcomes: Sequence[RuleOutcome], practices: Sequence[Practice]) -> list[DomainVerdict]:
    """Sum explain_asset's outcomes per domain, in the same order, with each threshold."""
    thresholds = {
        (practice.id, domain.id): practice.threshold_of(domain)
        for practice in practices
        for domain in practice.domains
    }
    order: list[DomainKey] = []
    grouped: dict[DomainKey, list[RuleOutcome]] = {}
    for outcome in outcomes:
        key = (outcome.practice, outcome.domain)
        if key not in grouped:
            order.append(key)
            grouped[key] = []
        grouped[key].append(outcome)
    result: list[DomainVerdict] = []
    for key in order:
        group = grouped[key]
        own = _total(o for o in group if o.rule != "context")
        context = _total(o for o in group if o.rule == "context")
        result.append(
            DomainVerdict(
                practice=key[0],
                domain=key[1],
                own=own,
                context=context,
                threshold=thresholds.get(key, 0.0),
                excluded=any(o.rule == "excluded" for o in group),
                established=any(o.establishes for o in group),
            )
        )
    ratios = {p.id: p.classification.runner_up_ratio for p in practices}
    drops = runner_up_drops({(v.practice, v.domain): v.score for v in result if v.passes}, ratios)
    return [replace(v, runner_up=drops.get((v.practice, v.domain), "")) for v in result]


def neighbours_from_edges(
    edges: Iterable[tuple[str, str]], asset_ids: Iterable[str], *, incoming_only: bool = True
) -> dict[str, tuple[str, ...]]:
    """A neighbour map from (source, target) pairs between known assets. By default an asset's
    neighbours are the assets that link to it ("linked from a skill in a domain"): a skill
    citing its reference is evidence about the reference, while a "see also" link from an
    asset to another topic says little about the asset itself. With incoming_only=False,
    links in both directions count."""
    known = set(asset_ids)
    links: dict[str, set[str]] = {}
    for source, target in edges:
        if source in known and target in known and source != target:
            links.setdefault(target, set()).add(source)
            if not incoming_only:
                links.setdefault(source, set()).add(target)
    return {asset_id: tuple(sorted(ids)) for asset_id, ids in sorted(links.items())}
