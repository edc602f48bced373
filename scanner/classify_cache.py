"""Each asset's classification outcomes kept in the work directory, so a rescan classifies
only what changed. A cache only saves work: the result is the one classify computes without it.

Above them, the whole stage's result (`<workdir>/cache/assignments.json`, a scanner.stage_memo):
every asset's domains, keyed by every asset's rules key (all the classifier reads of it, in
catalog order), the neighbour map, the exemplars, the practices and the code. An edit to what
the classifier does not read (a body, a blob) leaves that key as it was, and the stage costs
the key and one small read; anything else classifies through the two layers below.

Two layers, each keyed by exactly what its outcomes are computed from:
- rules (keyword, path and signal outcomes, and the practices whose excludes match): the
  asset's text fields and signals, the practice files and the classifier's code;
- similarity (nearest exemplar, definition): the asset's id and TF-IDF vector, and for each of
  its terms the exemplars and definitions that share it, besides the practices and the code.
  The corpus-wide inverse document frequencies enter through the vectors, so an edit that moves
  some word's IDF re-scores exactly the assets whose vectors (or whose terms' exemplars) move.

The file (`<workdir>/cache/classify.json`) holds the entries the last scan used; it is rewritten
only when a scan computed something new or stopped using an entry. A file that cannot be read
or decoded is ignored and replaced."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import scanner
from scanner.cache_file import code_digest, digest, load_entries, save_cache
from scanner.classify import (
    Computed,
    DomainKey,
    OutcomeSource,
    RuleOutcome,
    RuleResult,
    classify,
)
from scanner.models import Asset, DomainAssignment, JsonValue
from scanner.practices import Practice
from scanner.similarity import SimilarityModel
from scanner.stage_memo import StageMemo

log = logging.getLogger("scanner")
_T = TypeVar("_T")

FILE_NAME = "classify.json"
MEMO_NAME = "assignments"  # the whole stage's result: <workdir>/cache/assignments.json
_FORMAT = 1
# The modules whose code decides an asset's outcomes.
_CODE = (
    "classify.py",
    "classify_cache.py",
    "classify_outcome.py",
    "classify_support.py",
    "classify_text.py",
    "handlers/code.py",  # which descriptions the scanner wrote (ignore_generated_description)
    "ids.py",
    "models.py",
    "practices.py",
    "rules.py",
    "similarity.py",
)
_SIGNAL_DETAILS = ("frameworks", "mcp_sdks", "claude_sdks")


@cache
def classifier_digest() -> str:
    """The classifier's code: what every cached outcome was computed by."""
    package = Path(scanner.__file__).parent
    return code_digest([package / name for name in _CODE])


def practices_digest(practices: Sequence[Practice]) -> str:
    data = [p.model_dump(mode="json") for p in practices]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{classifier_digest()}\0{text}".encode()).hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def rules_key(asset: Asset, practices: str) -> str:
    """What scanner.classify_text reads of an asset (a superset is fine: it only costs hits)."""
    fields: JsonValue = [
        asset.repo,
        asset.path,
        asset.name,
        asset.title,
        asset.description,
        list(asset.headings),
        asset.kind.value,
        asset.language,
        asset.frontmatter.get("tags"),
        asset.frontmatter.get("keywords"),
        asset.frontmatter.get("category"),
        [asset.details.get(key) for key in _SIGNAL_DETAILS],
    ]
    return _sha(f"rules\0{practices}\0{json.dumps(fields, sort_keys=True)}")


def _term_digests(model: SimilarityModel) -> dict[str, str]:
    """Per term, a digest of the exemplars and definitions that carry it, with their weights."""
    terms = set(model.postings) | set(model.definition_postings)
    return {
        term: _sha(repr((model.postings.get(term), model.definition_postings.get(term))))
        for term in terms
    }


def similarity_keys(
    model: SimilarityModel, assets: Sequence[Asset], practices: str
) -> dict[str, str]:
    """Each asset's similarity key: its vector, and what its terms meet in the model (the
    exemplars sharing a term, their domains, the definitions sharing a term)."""
    per_term = _term_digests(model)
    base = _sha(repr(sorted(model.exemplar_keys.items())))
    # With ignore_generated_description, the outcomes also read the vectors without the
    # scanner's descriptions and the exemplar postings built from them.
    own_terms = {t: _sha(repr(p)) for t, p in model.own_postings.items()} if model.upstream else {}
    keys: dict[str, str] = {}
    for asset in assets:
        vector = sorted(model.vectors.get(asset.id, {}).items())
        met = [per_term.get(term, "") for term, _ in vector]
        key = f"similarity\0{practices}\0{base}\0{asset.id}\0{vector!r}\0{met!r}"
        if model.upstream:
            own = sorted(model.vector(asset.id, own=True).items())
            key += f"\0{own!r}\0{[own_terms.get(term, '') for term, _ in own]!r}"
        keys[asset.id] = _sha(key)
    return keys


# --- the stored form ----------------------------------------------------------------------------


def _outcome_json(outcome: RuleOutcome) -> list[JsonValue]:
    return [
        outcome.practice,
        outcome.domain,
        outcome.rule,
        outcome.points,
        outcome.detail,
        outcome.establishes,
    ]


def _outcome(item: object) -> RuleOutcome:
    if not isinstance(item, list) or len(item) != 6:
        raise ValueError("not an outcome")
    practice, domain, rule, points, detail, establishes = item
    if not (
        isinstance(practice, str)
        and isinstance(domain, str)
        and isinstance(rule, str)
        and isinstance(points, int | float)
        and isinstance(detail, str)
        and isinstance(establishes, bool)
    ):
        raise ValueError("not an outcome")
    return RuleOutcome(practice, domain, rule, True, float(points), detail, establishes)


def _grouped(items: object) -> dict[DomainKey, tuple[RuleOutcome, ...]]:
    if not isinstance(items, list):
        raise ValueError("not a list of outcomes")
    grouped: dict[DomainKey, list[RuleOutcome]] = {}
    for item in items:
        outcome = _outcome(item)
        grouped.setdefault((outcome.practice, outcome.domain), []).append(outcome)
    return {key: tuple(found) for key, found in grouped.items()}


def _flat(fired: Mapping[DomainKey, Sequence[RuleOutcome]]) -> list[JsonValue]:
    return [_outcome_json(o) for found in fired.values() for o in found]


def _rules_json(result: RuleResult) -> JsonValue:
    excluded: list[JsonValue] = [*sorted(result.excluded)]
    return {"excluded": excluded, "fired": _flat(result.fired)}


def _rules(payload: object) -> RuleResult:
    if not isinstance(payload, dict):
        raise ValueError("not a rules entry")
    excluded = payload.get("excluded")
    if not isinstance(excluded, list) or not all(isinstance(p, str) for p in excluded):
        raise ValueError("not a rules entry")
    return RuleResult(frozenset(excluded), _grouped(payload.get("fired")))


class ClassifyCache:
    """The outcomes of the last scan, and those of this one as classify asks for them."""

    def __init__(self, path: Path | None, stored: Mapping[str, JsonValue] | None = None) -> None:
        self.path = path
        self._stored: dict[str, JsonValue] = dict(stored or {})
        self._used: dict[str, JsonValue] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def in_workdir(cls, workdir: Path) -> ClassifyCache:
        path = workdir / "cache" / FILE_NAME
        return cls(path, load_entries(path, _FORMAT, "classification cache"))

    def bind(
        self, practices: Sequence[Practice], computed: Computed, assets: Sequence[Asset]
    ) -> OutcomeSource:
        return _Bound(self, practices_digest(practices), computed, assets)

    def lookup(self, key: str) -> JsonValue | None:
        found = self._stored.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def store(self, key: str, value: JsonValue) -> None:
        self._used[key] = value

    def save(self) -> None:
        """Keep what this scan used; write only when that differs from what is stored."""
        if self.path is None or self._used.keys() == self._stored.keys():
            return
        entries: dict[str, JsonValue] = dict(self._used)
        if save_cache(self.path, _FORMAT, "classification cache", {"entries": entries}):
            self._stored = dict(self._used)

    def stats(self) -> dict[str, int]:
        return {"outcomes_reused": self.hits, "outcomes_computed": self.misses}


class _Bound:
    """The cache seen by one classify call: its practices, model and assets."""

    def __init__(
        self, store: ClassifyCache, practices: str, computed: Computed, assets: Sequence[Asset]
    ) -> None:
        self.store = store
        self.practices = practices
        self.computed = computed
        self.similar = similarity_keys(computed.model, assets, practices)

    def _cached(
        self,
        key: str,
        decode: Callable[[object], _T],
        compute: Callable[[], _T],
        encode: Callable[[_T], JsonValue],
        what: str,
    ) -> _T:
        """The stored outcome under `key` when it decodes, else `compute()` (stored for the
        next scan); a bad entry is a warning and a recomputation."""
        found = self.store.lookup(key)
        if found is not None:
            try:
                result = decode(found)
            except ValueError:
                log.warning("classification cache: a bad %s", what)
            else:
                self.store.hits += 1
                return result
        self.store.misses += 1
        result = compute()
        self.store.store(key, encode(result))
        return result

    def rules(self, asset: Asset) -> RuleResult:
        return self._cached(
            rules_key(asset, self.practices),
            _rules,
            lambda: self.computed.rules(asset),
            _rules_json,
            f"rules entry for {asset.id}",
        )

    def similarity(self, asset: Asset) -> Mapping[DomainKey, tuple[RuleOutcome, ...]]:
        key = (
            self.similar.get(asset.id)
            or similarity_keys(self.computed.model, [asset], self.practices)[asset.id]
        )
        return self._cached(
            key,
            _grouped,
            lambda: self.computed.similarity(asset),
            _flat,
            f"similarity entry for {asset.id}",
        )


# --- the whole stage ----------------------------------------------------------------------------

Assignments = dict[str, tuple[DomainAssignment, ...]]


def assignments_key(
    practices: str,
    assets: Sequence[Asset],
    neighbours: Mapping[str, Sequence[str]],
    exemplars: Mapping[DomainKey, Collection[str]],
) -> str:
    """What classify's result is a function of: each asset's rules key (its id, kind and every
    field the rules and the term weighting read, in catalog order: the model's vocabulary and
    document frequencies are built from exactly these), the neighbours that may lend context,
    the exemplars, and `practices` (practices_digest: the practice files and the code)."""
    chosen = sorted((key, sorted(set(ids))) for key, ids in exemplars.items())
    links = sorted((asset_id, sorted(ids)) for asset_id, ids in neighbours.items())
    return digest(
        "assignments",
        practices,
        "\n".join(rules_key(asset, practices) for asset in assets),
        repr(links),
        repr(chosen),
    )


def _assignments_json(result: Assignments) -> JsonValue:
    return {
        asset_id: [[a.practice, a.domain, a.score, list(a.reasons)] for a in found]
        for asset_id, found in result.items()
    }


def _assignment(item: object) -> DomainAssignment:
    if not isinstance(item, list) or len(item) != 4:
        raise ValueError("not an assignment")
    practice, domain, score, reasons = item
    if not (
        isinstance(practice, str)
        and isinstance(domain, str)
        and type(score) is float  # as classify computes it: 3.0 and 3 print differently
        and isinstance(reasons, list)
        and all(isinstance(r, str) for r in reasons)
    ):
        raise ValueError("not an assignment")
    return DomainAssignment(practice, domain, score, tuple(reasons))


def _assignments(value: JsonValue, ids: Collection[str]) -> Assignments | None:
    """The stored result, when it has the shape classify returns (ids of this catalog, each
    with at least one domain); else None."""
    if not isinstance(value, dict):
        return None
    result: Assignments = {}
    try:
        for asset_id, items in value.items():
            if asset_id not in ids or not isinstance(items, list) or not items:
                raise ValueError("not an asset's assignments")
            result[asset_id] = tuple(_assignment(item) for item in items)
    except ValueError:
        log.warning("classification memo: a bad entry; classifying again")
        return None
    return result


class Classification:
    """The classify stage with what the work directory keeps: the whole result when its key
    is unchanged, else classify with the per-asset outcomes (ClassifyCache)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.outcomes: ClassifyCache | None = None
        self.reused = 0

    def classify(
        self,
        assets: Sequence[Asset],
        practices: Sequence[Practice],
        neighbours: Mapping[str, Sequence[str]],
        exemplars: Mapping[DomainKey, Collection[str]],
    ) -> Assignments:
        memo = StageMemo.in_workdir(self.workdir, MEMO_NAME)
        key = assignments_key(practices_digest(practices), assets, neighbours, exemplars)
        found = _assignments(memo.get(key), {asset.id for asset in assets})
        if found is not None:
            self.reused = 1
            return found
        self.outcomes = ClassifyCache.in_workdir(self.workdir)
        result = classify(assets, practices, neighbours, exemplars, self.outcomes)
        self.outcomes.save()
        memo.put(key, _assignments_json(result))
        memo.save()
        return result

    def stats(self) -> dict[str, int]:
        found = self.outcomes.stats() if self.outcomes is not None else {}
        return {
            "assignments_reused": self.reused,
            "outcomes_reused": found.get("outcomes_reused", 0),
            "outcomes_computed": found.get("outcomes_computed", 0),
        }
