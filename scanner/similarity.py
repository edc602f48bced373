"""Term weighting: how close an asset is to a domain's definition and to its exemplars.

Every asset of the catalog becomes a TF-IDF vector of its words (name, title, description,
tags, headings, path; weighted by field, inverse document frequency over the catalog, L2
normalised, the strongest terms kept). A domain has two references:
- its definition: the words of its title and summary, weighted the same way;
- its exemplars: assets a person vouched for (featured pins, and the `tune` positives of the
  practice's labelled set; held-out labels never). An asset is compared with each exemplar
  but itself, and the nearest one counts.

For practices that set ignore_generated_description, assets whose description the scanner
wrote get a second vector without it (same IDF), and those practices compare through it.

Scores are cosine similarities in [0, 1]; `explain` shows them with the terms that contributed
most. Everything is computed from the catalog and the practice files: same input, same numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scanner.classify_text import scanner_written
from scanner.ids import pin_to_asset_id
from scanner.models import Asset, JsonValue
from scanner.practices import TOKEN_RE, Practice

# How much a word counts, by where it appears: an asset's name and description say what it is;
# a heading lists one of its topics.
FIELD_WEIGHTS: Mapping[str, float] = {
    "name": 2.0,
    "title": 2.0,
    "description": 2.0,
    "tags": 1.5,
    "headings": 0.6,
    "path": 0.8,
}
TOP_TERMS = 48  # terms kept per vector: the long tail costs time and adds noise
COMMON = 0.2  # a word in more than this share of assets carries no topic
# Below this many assets, document frequencies say nothing about which words carry a topic:
# the model stays empty and similarity never fires.
MIN_CATALOG = 50
# Words that say how a text is written, not what it is about.
_STOPWORD_TEXT = """
a an and are as at be by can do does for from has have how in into is it its of on or
that the their this to use used uses using via was what when where which who will with
you your yours md skill skills agent agents command commands reference references pattern
patterns plugin plugins readme claude proactively example examples expert master
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

DomainKey = tuple[str, str]  # (practice id, domain id)
Vector = Mapping[str, float]


def terms(text: str) -> list[str]:
    """The topic words of a text, lower case."""
    return [
        w
        for w in TOKEN_RE.findall(text.lower())
        if len(w) > 1 and not w.isdigit() and w not in STOPWORDS
    ]


def singulars(vocabulary: Iterable[str]) -> dict[str, str]:
    """Plural -> singular, for plurals whose singular is itself a word of the catalog: `queues`
    -> `queue`, `policies` -> `policy`; `cqrs` stays (no `cqr`)."""
    words = set(vocabulary)
    found = {}
    for word in words:
        if word.endswith("ies") and word[:-3] + "y" in words:
            found[word] = word[:-3] + "y"
        elif word.endswith("es") and word[:-2] in words:
            found[word] = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and word[:-1] in words:
            found[word] = word[:-1]
    return found


def _merged(counts: Mapping[str, float], singular: Mapping[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for word, count in counts.items():
        key = singular.get(word, word)
        out[key] = out.get(key, 0.0) + count
    return out


def _strings(value: JsonValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _asset_counts(asset: Asset, *, upstream_only: bool = False) -> dict[str, float]:
    """With upstream_only, a description the scanner wrote is left out (scanner_written)."""
    written = upstream_only and scanner_written(asset)
    fields = {
        "name": [asset.name],
        "title": [asset.title],
        "description": [] if written else [asset.description],
        "tags": [t for key in ("tags", "keywords") for t in _strings(asset.frontmatter.get(key))],
        "headings": list(asset.headings),
        "path": [asset.path],
    }
    counts: dict[str, float] = {}
    for name, texts in fields.items():
        weight = FIELD_WEIGHTS[name]
        seen: Counter[str] = Counter()
        for text in texts:
            seen.update(terms(text))
        for word, n in seen.items():
            # Repetition within a field adds little: log-scaled term frequency.
            counts[word] = counts.get(word, 0.0) + weight * (1.0 + math.log(n))
    return counts


def _normalised(weights: Mapping[str, float], keep: int) -> dict[str, float]:
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in top))
    return {word: w / norm for word, w in top} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def shared_terms(a: Vector, b: Vector, limit: int = 4) -> list[str]:
    """The words that contribute most to cosine(a, b), strongest first."""
    parts = sorted(((a[t] * b[t], t) for t in a if t in b), key=lambda p: (-p[0], p[1]))
    return [t for _, t in parts[:limit]]


@dataclass(frozen=True, slots=True)
class Nearest:
    """The exemplar of a domain closest to an asset."""

    exemplar: str  # asset id
    score: float  # cosine


@dataclass(frozen=True, slots=True)
class SimilarityModel:
    """TF-IDF vectors of the catalog, and each domain's definition and exemplar vectors."""

    vectors: Mapping[str, Vector]  # asset id -> vector
    definitions: Mapping[DomainKey, Vector]
    exemplars: Mapping[DomainKey, tuple[str, ...]]  # asset ids present in the catalog
    # term -> ((exemplar asset id, weight), ...): exemplars are compared through their terms
    postings: Mapping[str, tuple[tuple[str, float], ...]]
    # exemplar asset id -> the domains it is an exemplar of; term -> ((domain, weight), ...) of
    # the definitions: an asset is compared with every domain in one pass over its own terms.
    exemplar_keys: Mapping[str, tuple[DomainKey, ...]] = field(default_factory=dict)
    definition_postings: Mapping[str, tuple[tuple[DomainKey, float], ...]] = field(
        default_factory=dict
    )
    # When some practice sets ignore_generated_description: the vectors of the assets whose
    # description the scanner wrote, without it (same IDF), and the exemplar postings built
    # from those vectors. `own=True` in the methods below compares through them.
    upstream: bool = False
    own_vectors: Mapping[str, Vector] = field(default_factory=dict)
    own_postings: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    own_exemplars: frozenset[str] = frozenset()  # the exemplars that have such a vector
    rewritten_postings: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    # The domains of those practices with such an exemplar.
    upstream_keys: tuple[DomainKey, ...] = ()

    def vector(self, asset_id: str, own: bool = False) -> Vector:
        if own and asset_id in self.own_vectors:
            return self.own_vectors[asset_id]
        return self.vectors.get(asset_id, {})

    def definition_scores(self, asset_id: str, own: bool = False) -> dict[DomainKey, float]:
        """Cosine of an asset with every definition that shares a term with it."""
        scores: dict[DomainKey, float] = {}
        for term, weight in self.vector(asset_id, own).items():
            for key, other_weight in self.definition_postings.get(term, ()):
                scores[key] = scores.get(key, 0.0) + weight * other_weight
        return scores

    def nearest_by_domain(
        self, asset_id: str, scores: Mapping[str, float]
    ) -> dict[DomainKey, Nearest]:
        """`nearest` for every domain at once, from exemplar_scores (same ties: smaller id)."""
        best: dict[DomainKey, tuple[float, str]] = {}
        for exemplar, score in scores.items():
            if score <= 0:
                continue
            for key in self.exemplar_keys.get(exemplar, ()):
                found = best.get(key)
                if found is None or (-score, exemplar) < (-found[0], found[1]):
                    best[key] = (score, exemplar)
        return {key: Nearest(ex, score) for key, (score, ex) in best.items()}

    def upstream_nearest(
        self, asset_id: str, plain: Mapping[str, float], nearest: dict[DomainKey, Nearest]
    ) -> dict[DomainKey, Nearest]:
        """nearest_by_domain over exemplar_scores(asset_id, own=True), as the practices with
        ignore_generated_description read it, from the plain results (`nearest` itself when
        nothing differs): only the asset's own vector or an exemplar's changes a score, and
        only the domains holding such an exemplar are looked at again."""
        if not self.upstream:  # no practice leaves the scanner's descriptions out
            return nearest
        if asset_id in self.own_vectors:
            return self.nearest_by_domain(asset_id, self.exemplar_scores(asset_id, own=True))
        fresh: dict[str, float] = {}
        for term, weight in self.vectors.get(asset_id, {}).items():
            for other, other_weight in self.rewritten_postings.get(term, ()):
                if other != asset_id:
                    fresh[other] = fresh.get(other, 0.0) + weight * other_weight
        if not fresh and self.own_exemplars.isdisjoint(plain):
            return nearest
        found = dict(nearest)
        for key in self.upstream_keys:
            best: tuple[float, str] | None = None
            for exemplar in self.exemplars.get(key, ()):
                mine = exemplar in self.own_exemplars
                score = fresh.get(exemplar, 0.0) if mine else plain.get(exemplar, 0.0)
                if score > 0 and (best is None or (-score, exemplar) < (-best[0], best[1])):
                    best = (score, exemplar)
            if best is None:
                found.pop(key, None)
            else:
                found[key] = Nearest(best[1], best[0])
        return found

    def upstream_definitions(
        self, asset_id: str, plain: dict[DomainKey, float]
    ) -> dict[DomainKey, float]:
        """definition_scores(asset_id, own=True), from the plain ones: the definitions are the
        same, so only an asset with a vector of its own is compared again."""
        if asset_id in self.own_vectors:
            return self.definition_scores(asset_id, own=True)
        return plain

    def definition(self, asset_id: str, key: DomainKey) -> float:
        return cosine(self.vectors.get(asset_id, {}), self.definitions.get(key, {}))

    def definition_terms(self, asset_id: str, key: DomainKey, own: bool = False) -> tuple[str, ...]:
        """The words an asset shares with a domain's definition, strongest first."""
        return tuple(shared_terms(self.vector(asset_id, own), self.definitions.get(key, {})))

    def exemplar_terms(self, asset_id: str, exemplar: str, own: bool = False) -> tuple[str, ...]:
        """The words an asset shares with an exemplar, strongest first."""
        return tuple(shared_terms(self.vector(asset_id, own), self.vector(exemplar, own)))

    def exemplar_scores(self, asset_id: str, own: bool = False) -> dict[str, float]:
        """Cosine of an asset with every exemplar that shares a term with it (itself never)."""
        scores: dict[str, float] = {}
        postings = self.own_postings if own else self.postings
        for term, weight in self.vector(asset_id, own).items():
            for other, other_weight in postings.get(term, ()):
                if other != asset_id:
                    scores[other] = scores.get(other, 0.0) + weight * other_weight
        return scores

    def nearest(
        self, asset_id: str, key: DomainKey, scores: Mapping[str, float] | None = None
    ) -> Nearest | None:
        """The closest exemplar of a domain (ties: the smaller id), or None."""
        found = self.exemplar_scores(asset_id) if scores is None else scores
        best: tuple[float, str] | None = None
        for exemplar in self.exemplars.get(key, ()):
            score = found.get(exemplar, 0.0)
            if score > 0 and (best is None or (-score, exemplar) < (-best[0], best[1])):
                best = (score, exemplar)
        return None if best is None else Nearest(best[1], best[0])


Exemplars = Mapping[DomainKey, Iterable[str]]


def featured_exemplars(practices: Sequence[Practice]) -> dict[DomainKey, tuple[str, ...]]:
    """Each domain's featured pins, as asset ids."""
    return {
        (p.id, d.id): tuple(pin_to_asset_id(pin) for pin in d.featured)
        for p in practices
        for d in p.domains
        if d.featured
    }


def build_model(
    assets: Sequence[Asset], practices: Sequence[Practice], exemplars: Exemplars | None = None
) -> SimilarityModel:
    """The model for one catalog. `exemplars` adds to the featured pins (e.g. tune labels)."""
    if len(assets) < MIN_CATALOG:
        return SimilarityModel(vectors={}, definitions={}, exemplars={}, postings={})
    raw = {asset.id: _asset_counts(asset) for asset in assets}
    singular = singulars(word for found in raw.values() for word in found)
    counts = {asset_id: _merged(found, singular) for asset_id, found in raw.items()}
    total = max(len(counts), 1)
    frequency: Counter[str] = Counter()
    for found in counts.values():
        frequency.update(found.keys())
    limit = COMMON * total
    idf = {
        word: math.log((1 + total) / (1 + n)) + 1.0 for word, n in frequency.items() if n <= limit
    }
    vectors = {
        asset_id: _normalised({w: c * idf[w] for w, c in found.items() if w in idf}, TOP_TERMS)
        for asset_id, found in counts.items()
    }
    opted = {p.id for p in practices if p.classification.ignore_generated_description}
    upstream = bool(opted)
    own_vectors: dict[str, Vector] = {}
    if upstream:
        for asset in assets:
            if scanner_written(asset):
                found = _merged(_asset_counts(asset, upstream_only=True), singular)
                own_vectors[asset.id] = _normalised(
                    {w: c * idf[w] for w, c in found.items() if w in idf}, TOP_TERMS
                )
    definitions: dict[DomainKey, Vector] = {}
    for practice in practices:
        for domain in practice.domains:
            words = Counter(singular.get(w, w) for w in terms(domain.title) + terms(domain.summary))
            definitions[(practice.id, domain.id)] = _normalised(
                {w: (1.0 + math.log(n)) * idf[w] for w, n in words.items() if w in idf}, TOP_TERMS
            )
    chosen: dict[DomainKey, set[str]] = {}
    for source in (featured_exemplars(practices), exemplars or {}):
        for key, ids in source.items():
            chosen.setdefault(key, set()).update(ids)
    present = {key: tuple(sorted(i for i in ids if i in vectors)) for key, ids in chosen.items()}
    postings: dict[str, list[tuple[str, float]]] = {}
    own_postings: dict[str, list[tuple[str, float]]] = {}
    for exemplar in sorted({i for ids in present.values() for i in ids}):
        for term, weight in vectors[exemplar].items():
            postings.setdefault(term, []).append((exemplar, weight))
        if upstream:
            for term, weight in own_vectors.get(exemplar, vectors[exemplar]).items():
                own_postings.setdefault(term, []).append((exemplar, weight))
    keys_of: dict[str, list[DomainKey]] = {}
    for key, ids in sorted(present.items()):
        for exemplar in ids:
            keys_of.setdefault(exemplar, []).append(key)
    definition_postings: dict[str, list[tuple[DomainKey, float]]] = {}
    for key, vector in definitions.items():
        for term, weight in vector.items():
            definition_postings.setdefault(term, []).append((key, weight))
    return SimilarityModel(
        vectors=vectors,
        definitions=definitions,
        exemplars={k: v for k, v in sorted(present.items()) if v},
        postings={t: tuple(p) for t, p in postings.items()},
        exemplar_keys={e: tuple(k) for e, k in keys_of.items()},
        definition_postings={t: tuple(p) for t, p in definition_postings.items()},
        upstream=upstream,
        own_vectors=own_vectors,
        own_postings={t: tuple(p) for t, p in own_postings.items()},
        own_exemplars=frozenset(keys_of.keys() & own_vectors.keys()),
        upstream_keys=tuple(
            sorted(
                key
                for key, ids in present.items()
                if key[0] in opted and any(i in own_vectors for i in ids)
            )
        ),
        rewritten_postings={
            t: kept
            for t, p in own_postings.items()
            if (kept := tuple(e for e in p if e[0] in own_vectors))
        },
    )
