"""The classifier's rules, compiled once per run: the practices' keyword, path and signal rules
in a form that is quick to apply to an AssetText (scanner.classify_text). scanner.classify
scores assets with them."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pathspec

from scanner.classify_text import AssetText
from scanner.practices import Practice, Similarity, term_tokens

# --- rules, compiled once per run -------------------------------------------------------------


def _same_word(word: str, wanted: str, prefix: bool) -> bool:
    """`wanted` itself, its plural (`api` -> `apis`, `cache` -> `caches`), or with `prefix`
    any word it starts."""
    if prefix:
        return word.startswith(wanted)
    return word == wanted or word in (wanted + "s", wanted + "es")


@dataclass(frozen=True, slots=True)
class CompiledKeyword:
    term: str
    words: tuple[str, ...]
    prefix: bool  # the last word is a prefix (`term*`)
    weight: float
    fields: tuple[str, ...]

    def occurrences(
        self,
        sequences: tuple[tuple[str, ...], ...],
        positions: Mapping[str, tuple[tuple[int, int], ...]],
        sorted_words: tuple[str, ...] = (),
    ) -> list[tuple[int, range]]:
        """Where the term occurs in a field: (sequence index, word span). The last word may be
        plural, or with `*` any word it starts (found in `sorted_words`, the field's words in
        order, by bisection)."""
        first = self.words[0]
        n = len(self.words)
        if n == 1:
            if self.prefix:
                words = list(starting_with(sorted_words or sorted(positions), first))
            else:
                words = [w for w in (first, first + "s", first + "es") if w in positions]
            return [(s, range(p, p + 1)) for w in words for s, p in positions[w]]
        found = []
        for seq_index, start in positions.get(first, ()):
            seq = sequences[seq_index]
            if (
                start + n <= len(seq)
                and seq[start + 1 : start + n - 1] == self.words[1:-1]
                and _same_word(seq[start + n - 1], self.words[-1], self.prefix)
            ):
                found.append((seq_index, range(start, start + n)))
        return found


@dataclass(frozen=True, slots=True)
class CompiledPath:
    pattern: str
    spec: pathspec.GitIgnoreSpec
    weight: float


@dataclass(frozen=True, slots=True)
class CompiledSignal:
    field: str
    values: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class CompiledDomain:
    practice: str
    id: str
    threshold: float
    keywords: tuple[CompiledKeyword, ...]
    paths: tuple[CompiledPath, ...]
    signals: tuple[CompiledSignal, ...]
    # Which keywords can start at a given word (plural forms included), and the one-word
    # prefix terms that could start anywhere: a field is searched only for terms it can hold.
    by_first_word: Mapping[str, tuple[int, ...]]
    prefix_only: tuple[int, ...]
    first_words: frozenset[str] = frozenset()  # the keys of by_first_word
    prefixes: tuple[str, ...] = ()  # the words the prefix_only terms start with


def keyword_index(
    keywords: Sequence[CompiledKeyword],
) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    starts: dict[str, list[int]] = {}
    prefix_only = []
    for index, keyword in enumerate(keywords):
        first = keyword.words[0]
        if len(keyword.words) > 1:
            keys = [first]
        elif keyword.prefix:
            prefix_only.append(index)
            continue
        else:
            keys = [first, first + "s", first + "es"]
        for key in keys:
            starts.setdefault(key, []).append(index)
    return {k: tuple(v) for k, v in starts.items()}, tuple(prefix_only)


@dataclass(frozen=True, slots=True)
class CompiledPractice:
    id: str
    field_weights: Mapping[str, float]
    field_cap: float
    keyword_decay: float
    runner_up_ratio: float | None
    ignore_generated_description: bool
    supporting_fields: frozenset[str]
    excludes: tuple[CompiledPath, ...]
    context_weight: float
    context_max: float
    context_kinds: frozenset[str]
    similarity: Similarity
    domains: tuple[CompiledDomain, ...]


def spec(pattern: str) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def compile_practices(practices: Sequence[Practice]) -> tuple[CompiledPractice, ...]:
    compiled = []
    for practice in sorted(practices, key=lambda p: p.id):
        domains = []
        for domain in practice.domains:
            rules = domain.rules
            keywords = tuple(
                CompiledKeyword(
                    term=term,
                    words=term_tokens(term),
                    prefix=term.endswith("*"),
                    weight=rule.weight,
                    fields=tuple(rule.fields),
                )
                for rule in rules.keywords
                for term in rule.terms
            )
            paths = tuple(CompiledPath(r.pattern, spec(r.pattern), r.weight) for r in rules.paths)
            signals = tuple(
                CompiledSignal(r.field, tuple(v.lower() for v in r.values), r.weight)
                for r in rules.signals
            )
            by_first_word, prefix_only = keyword_index(keywords)
            domains.append(
                CompiledDomain(
                    practice.id,
                    domain.id,
                    practice.threshold_of(domain),
                    keywords,
                    paths,
                    signals,
                    by_first_word,
                    prefix_only,
                    frozenset(by_first_word),
                    tuple(keywords[i].words[0] for i in prefix_only),
                )
            )
        settings = practice.classification
        compiled.append(
            CompiledPractice(
                id=practice.id,
                field_weights={str(k): v for k, v in settings.field_weights.items()},
                field_cap=settings.field_cap,
                keyword_decay=settings.keyword_decay,
                runner_up_ratio=settings.runner_up_ratio,
                ignore_generated_description=settings.ignore_generated_description,
                supporting_fields=frozenset(settings.supporting_fields),
                excludes=tuple(CompiledPath(p, spec(p), 0.0) for p in settings.exclude_paths),
                context_weight=settings.context_weight,
                context_max=settings.context_max,
                context_kinds=frozenset(settings.context_kinds),
                similarity=settings.similarity,
                domains=tuple(domains),
            )
        )
    return tuple(compiled)


def exclusion(practice: CompiledPractice, text: AssetText) -> str | None:
    for rule in practice.excludes:
        if rule.spec.match_file(text.location):
            return rule.pattern
    return None


def field_factor(fields: Sequence[str], weights: Mapping[str, float]) -> float:
    """Summed field weights, except that name and title both label the asset (a skill's title
    repeats its name): together they count once."""
    label = max((weights.get(f, 0.0) for f in fields if f in ("name", "title")), default=0.0)
    return label + sum(weights.get(f, 0.0) for f in fields if f not in ("name", "title"))


def starting_with(sorted_words: Sequence[str], prefix: str) -> Iterator[str]:
    """The words of a sorted sequence that start with `prefix`."""
    at = bisect.bisect_left(sorted_words, prefix)
    while at < len(sorted_words) and sorted_words[at].startswith(prefix):
        yield sorted_words[at]
        at += 1


def may_match(text: AssetText, domain: CompiledDomain) -> bool:
    """False when no keyword of `domain` can occur in `text`: the domain is skipped without
    looking at its rules (prefix terms found by bisection in the sorted words)."""
    if not domain.first_words.isdisjoint(text.words):
        return True
    for prefix in domain.prefixes:
        at = bisect.bisect_left(text.words, prefix)
        if at < len(text.words) and text.words[at].startswith(prefix):
            return True
    return False


def runner_up_drops(
    scores: Mapping[tuple[str, str], float], ratios: Mapping[str, float | None]
) -> dict[tuple[str, str], str]:
    """The domains an asset loses to its practice's runner_up_ratio, with why. `scores` holds
    the domains that passed their thresholds; the best of each practice is always kept (ties
    too), and a practice whose ratio is None keeps everything."""
    best: dict[str, tuple[float, str]] = {}
    for (practice, domain), score in scores.items():
        if ratios.get(practice) is None:
            continue
        current = best.get(practice)
        if current is None or (-score, domain) < (-current[0], current[1]):
            best[practice] = (score, domain)
    drops = {}
    for key, score in scores.items():
        ratio = ratios.get(key[0])
        if ratio is None:
            continue
        top, top_domain = best[key[0]]
        if score < round(ratio * top, 2):
            drops[key] = f"below {ratio:g} x best {top_domain} {top:g}"
    return drops
