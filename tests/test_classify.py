"""The classifier: rules fire on word boundaries and explain themselves; thresholds, negative
rules, supporting fields, graph context (two passes), exclusions; featured pins change
nothing. Fixtures are assets written here, scored against a small practice."""

from __future__ import annotations

from typing import Any

from scanner.classify import (
    classify,
    explain_asset,
    neighbours_from_edges,
    verdicts,
)
from scanner.classify_text import asset_text, tokens
from scanner.models import Asset, AssetKind, JsonValue
from scanner.practices import Practice

FIELD_WEIGHTS = {
    "name": 1.0,
    "title": 1.0,
    "description": 1.0,
    "tags": 1.0,
    "headings": 0.5,
    "path": 0.5,
}


def practice_data(**classification: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "id": "backend",
        "plugin": "proagent-backend",
        "title": "Backend",
        "description": "Backend for tests.",
        "version": "0.1.0",
        "version_policy": "Bump on change.",
        "classification": {
            "threshold": 4,
            "context_weight": 0.5,
            "context_max": 3,
            "field_weights": FIELD_WEIGHTS,
            "exclude_paths": ["gen/plugins/**"],
            # Rules alone here; term weighting has its own tests (tests/test_similarity.py).
            "similarity": {"exemplar_weight": 0, "definition_weight": 0},
            **classification,
        },
        "domains": [
            {
                "id": "api-design",
                "title": "API design",
                "summary": "REST and GraphQL.",
                "rules": {
                    "keywords": [
                        {"terms": ["rest api", "graphql"], "weight": 4},
                        {"terms": ["api", "rest"], "weight": 2},
                    ]
                },
            },
            {
                "id": "cqrs",
                "title": "CQRS",
                "summary": "Commands and queries.",
                "featured": ["pinned/docs/unrelated.md"],
                "rules": {
                    "keywords": [{"terms": ["cqrs", "event sourc*"], "weight": 4}],
                    "paths": [{"pattern": "*/plugins/cqrs-*/**", "weight": 2}],
                },
            },
            {
                "id": "caching",
                "title": "Caching",
                "summary": "Caches.",
                "threshold": 6,
                "rules": {
                    "keywords": [
                        {"terms": ["cache", "caching"], "weight": 3},
                        {"terms": ["turborepo"], "weight": -6, "fields": ["name", "description"]},
                    ],
                    "signals": [{"field": "frameworks", "values": ["Redis"], "weight": 4}],
                },
            },
            {
                "id": "mcp",
                "title": "MCP",
                "summary": "MCP servers.",
                "rules": {
                    "keywords": [
                        {"terms": ["mcp"], "weight": 2},
                        {"terms": ["performance optimization"], "weight": 1},
                    ],
                    "signals": [{"field": "kind", "values": ["mcp-server"], "weight": 5}],
                },
            },
        ],
    }


def practice(**classification: Any) -> Practice:
    return Practice.model_validate(practice_data(**classification))


def asset(
    path: str,
    *,
    repo: str = "agents",
    kind: AssetKind = AssetKind.SKILL,
    name: str = "",
    title: str = "",
    description: str = "",
    headings: tuple[str, ...] = (),
    frontmatter: dict[str, JsonValue] | None = None,
    details: dict[str, JsonValue] | None = None,
) -> Asset:
    return Asset(
        repo=repo,
        path=path,
        kind=kind,
        found_by=kind.value,
        blob_sha="0" * 40,
        size=1,
        language="markdown",
        name=name,
        title=title,
        description=description,
        frontmatter=frontmatter or {},
        headings=headings,
        details=details or {},
    )


def domains_of(result: dict[str, Any], asset_id: str) -> dict[str, float]:
    return {a.domain: a.score for a in result.get(asset_id, ())}


def test_keyword_rules_fire_and_explain_themselves() -> None:
    skill = asset(
        "plugins/x/skills/cqrs-basics/SKILL.md",
        name="cqrs-basics",
        description="Event sourcing and CQRS for order services.",
    )
    (assignment,) = classify([skill], [practice()])[skill.id]
    assert (assignment.practice, assignment.domain) == ("backend", "cqrs")
    # "cqrs": name 1 + description 1 + path 0.5 = 2.5, capped at 2 -> 8; "event sourc*": 4.
    assert assignment.score == 12
    assert assignment.reasons == (
        'keyword "cqrs" in name, description, path (+8)',
        'keyword "event sourc*" in description (+4)',
    )


def test_words_match_on_boundaries_and_plurals() -> None:
    assert tokens("cached_property, Node.js; N+1") == ("cached", "property", "node", "js", "n", "1")
    quiet = asset(
        "docs/money.md",
        name="interest-rates",
        description="Restore the cached_property of an interesting interest.",
    )
    assert classify([quiet], [practice()]) == {}
    plural = asset("docs/apis.md", name="apis", description="Designing APIs.")
    assert domains_of(classify([plural], [practice()]), plural.id) == {"api-design": 4}


def test_longer_phrases_claim_their_words_first() -> None:
    doc = asset("docs/x.md", name="guide", description="A REST API guide.")
    outcomes = explain_asset(doc, [practice()], None, {})
    fired = {o.rule: o for o in outcomes if o.domain == "api-design" and o.fired}
    assert set(fired) == {'keyword "rest api"'}
    shadowed = next(o for o in outcomes if o.rule == 'keyword "rest"' and o.domain == "api-design")
    assert not shadowed.fired and shadowed.detail == "only inside longer terms"


def test_threshold_is_inclusive_and_per_domain() -> None:
    at = asset("docs/a.md", name="a", description="The GraphQL schema.")  # 4 >= 4
    below = asset("docs/b.md", name="b", description="An API for things.")  # 2 < 4
    cache = asset("docs/c.md", name="c", description="Caching with a cache in front.")  # 3+3=6
    weak = asset("docs/d.md", name="d", description="Caching helps.")  # 3 < 6
    result = classify([at, below, cache, weak], [practice()])
    assert domains_of(result, at.id) == {"api-design": 4}
    assert below.id not in result
    assert domains_of(result, cache.id) == {"caching": 6}
    assert weak.id not in result


def test_an_asset_in_two_domains_and_one_in_none() -> None:
    both = asset(
        "plugins/cqrs-kit/skills/api/SKILL.md",
        name="cqrs-rest-api",
        description="A REST API over a CQRS core.",
    )
    none = asset("docs/recipes.md", name="recipes", description="Soup and bread.")
    result = classify([both, none], [practice()])
    assert set(domains_of(result, both.id)) == {"api-design", "cqrs"}
    assert [a.domain for a in result[both.id]] == sorted(
        domains_of(result, both.id), key=lambda d: -domains_of(result, both.id)[d]
    )
    assert none.id not in result
    explained = verdicts(explain_asset(none, [practice()], None, {}), [practice()])
    assert [v.domain for v in explained] == ["api-design", "cqrs", "caching", "mcp"]
    assert not any(v.assigned for v in explained)


def test_path_rules_and_signals() -> None:
    by_path = asset("plugins/cqrs-kit/agents/helper.md", name="helper", description="CQRS.")
    code = asset(
        "src/cache.py",
        kind=AssetKind.CODE,
        name="cache.py",
        description="Backend service",
        details={"frameworks": ["FastAPI", "Redis"]},
    )
    server = asset("src/server.py", kind=AssetKind.MCP_SERVER, name="server.py")
    result = classify([by_path, code, server], [practice()])
    cqrs = next(a for a in result[by_path.id] if a.domain == "cqrs")
    assert 'path "*/plugins/cqrs-*/**" (+2)' in cqrs.reasons
    caching = next(a for a in result[code.id] if a.domain == "caching")
    assert "signal frameworks has Redis (+4)" in caching.reasons
    assert domains_of(result, server.id) == {"mcp": 5}


def test_negative_rules_count_against_a_domain() -> None:
    build = asset(
        "skills/turborepo-caching/SKILL.md",
        name="turborepo-caching",
        description="Turborepo remote caching for builds.",
    )
    outcomes = explain_asset(build, [practice()], None, {})
    negative = next(o for o in outcomes if o.rule == 'keyword "turborepo"')
    assert negative.fired and negative.points == -12
    assert build.id not in classify([build], [practice()])


def test_headings_support_but_never_establish_a_domain() -> None:
    only_headings = asset(
        "docs/h.md", name="notes", headings=("GraphQL", "REST API", "GraphQL schema design")
    )
    verdict = next(
        v
        for v in verdicts(explain_asset(only_headings, [practice()], None, {}), [practice()])
        if v.domain == "api-design"
    )
    assert verdict.own >= 4 and not verdict.established and not verdict.assigned
    assert only_headings.id not in classify([only_headings], [practice()])
    supported = asset("docs/s.md", name="notes", description="An API.", headings=("GraphQL",))
    assert domains_of(classify([supported], [practice()]), supported.id) == {"api-design": 4}


def test_tags_from_front_matter_are_matched() -> None:
    tagged = asset("docs/t.md", name="t", frontmatter={"tags": ["cqrs", "other"]})
    assert domains_of(classify([tagged], [practice()]), tagged.id) == {"cqrs": 4}
    assert asset_text(tagged).fields["tags"] == (("cqrs",), ("other",))


def test_context_leans_with_a_capped_fraction_of_a_neighbour_in_the_domain() -> None:
    skill = asset(
        "plugins/x/skills/cqrs/SKILL.md", name="cqrs", description="CQRS and event sourcing."
    )
    ref = asset("plugins/x/skills/guide/references/read.md", name="read", headings=("CQRS",))
    ref_with_words = asset("docs/ref.md", name="ref", description="Uses event sourcing lightly.")
    weak = asset("docs/weak.md", name="w", description="A cache.")  # caching 3 < 6
    neighbours = {ref_with_words.id: (skill.id,), weak.id: (skill.id,), ref.id: (skill.id,)}
    result = classify([skill, ref, ref_with_words, weak], [practice()], neighbours)
    # ref_with_words: own 4 (threshold 4 already met) + context min(12 x 0.5, 3) = 3.
    (assignment,) = result[ref_with_words.id]
    assert assignment.score == 7
    assert assignment.reasons[-1] == f"context linked with {skill.id} (12 x 0.5, capped) (+3)"
    # Context never creates membership: headings-only evidence is not established.
    assert ref.id not in result
    # A neighbour lends only to its own domains.
    assert weak.id not in result


def test_context_is_computed_from_own_scores_only() -> None:
    source = asset("a/source.md", name="s", description="CQRS with event sourcing, CQRS.")
    middle = asset("a/middle.md", name="m", description="Some CQRS.")  # own 4
    weak_middle = asset("a/wm.md", name="wm", description="an event sourced log")  # own 4
    practice_high = practice(threshold=6)
    neighbours = {middle.id: (source.id,), weak_middle.id: (middle.id,)}
    result = classify([source, middle, weak_middle], [practice_high], neighbours)
    # middle reaches 6 only with context (4 + 3)...
    assert domains_of(result, middle.id) == {"cqrs": 7}
    # ...so it lends nothing: its own score (4) is below the threshold.
    assert weak_middle.id not in result


def test_context_kinds_limit_who_lends() -> None:
    manifest = asset(
        "p/.claude-plugin/plugin.json",
        kind=AssetKind.PLUGIN_MANIFEST,
        name="cqrs-kit",
        description="CQRS and event sourcing kit.",
    )
    member = asset("p/skills/x/SKILL.md", name="x", description="A little CQRS.")
    result = classify([manifest, member], [practice(threshold=6)], {member.id: (manifest.id,)})
    assert member.id not in result
    widened = practice(threshold=6, context_kinds=["plugin-manifest"])
    assert member.id in classify([manifest, member], [widened], {member.id: (manifest.id,)})


def test_excluded_paths_are_never_classified_and_say_so() -> None:
    generated = asset(
        "plugins/proagent-backend/skills/x/SKILL.md", repo="gen", name="cqrs", description="CQRS"
    )
    assert classify([generated], [practice()]) == {}
    outcomes = explain_asset(generated, [practice()], None, {})
    assert {o.rule for o in outcomes} == {"excluded"}
    assert all(o.detail == 'by "gen/plugins/**"' for o in outcomes)


def test_explain_lists_every_rule_and_sums_to_the_classifier_score() -> None:
    skill = asset("s/SKILL.md", name="cqrs", description="CQRS for a REST API, cached.")
    outcomes = explain_asset(skill, [practice()], None, {})
    rules = [o.rule for o in outcomes if o.domain == "cqrs"]
    assert rules == [
        'keyword "cqrs"',
        'keyword "event sourc*"',
        'path "*/plugins/cqrs-*/**"',
        "similar to exemplar",
        "definition",
        "context",
    ]
    result = {a.domain: a.score for a in classify([skill], [practice()])[skill.id]}
    summed = {v.domain: v.score for v in verdicts(outcomes, [practice()]) if v.assigned}
    assert summed == result


def test_featured_pins_change_nothing_while_similarity_is_off() -> None:
    """With term weighting off, pins are not read; with it on they are exemplars for other
    assets, never for themselves (tests/test_similarity.py)."""
    pinned = asset("docs/unrelated.md", repo="pinned", name="unrelated", description="Soup.")
    other = asset("docs/x.md", name="x", description="CQRS")
    data = practice_data()
    for domain in data["domains"]:
        domain.pop("featured", None)
    unpinned = Practice.model_validate(data)
    assert classify([pinned, other], [practice()]) == classify([pinned, other], [unpinned])
    assert pinned.id not in classify([pinned, other], [practice()])


def test_results_are_deterministic() -> None:
    assets = [
        asset(f"docs/{i}.md", name=f"n{i}", description="CQRS REST API with a cache, caching")
        for i in range(5)
    ]
    first = classify(assets, [practice()])
    second = classify(list(reversed(assets)), [practice()])
    assert first == second
    assert list(first) == [a.id for a in assets]


def test_neighbours_from_edges_default_to_incoming_links() -> None:
    edges = [("a::s", "a::r"), ("a::r", "a::x"), ("a::s", "missing"), ("a::s", "a::s")]
    ids = ["a::s", "a::r", "a::x"]
    assert neighbours_from_edges(edges, ids) == {"a::r": ("a::s",), "a::x": ("a::r",)}
    both = neighbours_from_edges(edges, ids, incoming_only=False)
    assert both == {"a::r": ("a::s", "a::x"), "a::s": ("a::r",), "a::x": ("a::r",)}


def test_keyword_decay_gives_diminishing_returns_and_says_so() -> None:
    """A generalist that names many terms of a domain once each does not add up to a main
    subject: the n-th strongest term counts decay**(n-1)."""
    listing = asset("docs/list.md", name="generalist", description="REST API, GraphQL and rest.")
    plain = domains_of(classify([listing], [practice()]), listing.id)
    decayed = classify([listing], [practice(keyword_decay=0.5)])
    # rest api 4 + graphql 4 + rest 2 = 10 plainly; 4 + 2 + 0.5 with decay 0.5.
    assert plain["api-design"] == 10
    assert domains_of(decayed, listing.id)["api-design"] == 6.5
    outcomes = explain_asset(listing, [practice(keyword_decay=0.5)], None, {})
    details = [o.detail for o in outcomes if o.domain == "api-design" and o.fired]
    assert "in description, term 2 of 3: 4 x 0.5" in details
    assert "in description, term 3 of 3: 2 x 0.25" in details
