"""similarity.exemplar_support_floor: an opt-in per practice. The nearest exemplar from the
support floor up to exemplar_floor adds cosine x weight as support, counted only when a keyword
or path rule of the domain establishes it (never similarity or a code signal alone); off by
default, and `explain` shows the numbers and why support did or did not count."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from scanner.classify import classify, explain_asset, verdicts
from scanner.classify_support import SUPPORT_RULE
from scanner.models import Asset, AssetKind
from scanner.practices import Practice, Similarity
from scanner.similarity import MIN_CATALOG, build_model, cosine
from tests.test_classify import asset, domains_of, practice_data

QUEUES = "Durable queues with dead letter handling, idempotent consumers and retries."
# Shares some of the exemplar's words, not all: near it, not a copy.
NEAR = "Durable queues and retries for the billing service, set up with a broker."


def catalog() -> list[Asset]:
    """An exemplar; an asset near it that names its subject (the keyword "broker"); the same
    text without that word in a code file (only a code signal); and filler for the IDF."""
    return [
        asset("plugins/a/skills/queues/SKILL.md", name="queues", description=QUEUES),
        asset("docs/billing-queues.md", name="billing queues", description=NEAR),
        asset(
            "src/billing_queues.py",
            kind=AssetKind.CODE,
            name="billing queues",
            description=NEAR.replace(", set up with a broker", ""),
        ),
        *(
            asset(f"docs/filler-{i}.md", name=f"filler {i}", description=f"Notes about topic {i}.")
            for i in range(MIN_CATALOG)
        ),
    ]


EXEMPLAR = "agents::plugins/a/skills/queues/SKILL.md"
NAMED = "agents::docs/billing-queues.md"
SIGNAL_ONLY = "agents::src/billing_queues.py"
EXEMPLARS = {("backend", "messaging"): (EXEMPLAR,)}


def nearness(asset_id: str) -> float:
    assets = catalog()
    model = build_model(assets, [support_practice()], EXEMPLARS)
    return cosine(model.vectors[asset_id], model.vectors[EXEMPLAR])


def support_practice(**similarity: Any) -> Practice:
    """A `messaging` domain: "broker" in the description (+3) or the code kind (+3) establish
    it, below its threshold of 5; the exemplar floor sits just above the test asset's cosine,
    so the exemplar alone never establishes it here."""
    settings = {"exemplar_weight": 6, "definition_weight": 0, **similarity}
    data = practice_data(similarity=settings)
    data["domains"].append(
        {
            "id": "messaging",
            "title": "Messaging",
            "summary": "Brokers and queues.",
            "threshold": 5,
            "rules": {
                "keywords": [{"terms": ["broker"], "weight": 3, "fields": ["description"]}],
                "signals": [{"field": "kind", "values": ["code"], "weight": 3}],
            },
        }
    )
    return Practice.model_validate(data)


def floors() -> dict[str, float]:
    """Floors around both test assets' cosines with the exemplar (computed, not assumed)."""
    near = (nearness(NAMED), nearness(SIGNAL_ONLY))
    assert all(0.3 < n < 0.8 for n in near)  # neighbours, not copies
    return {
        "exemplar_floor": round(max(near) + 0.05, 2),
        "exemplar_support_floor": round(min(near) - 0.1, 2),
    }


def test_off_by_default_a_near_exemplar_adds_nothing() -> None:
    assert Similarity().exemplar_support_floor is None
    assets = catalog()
    practice = support_practice(exemplar_floor=floors()["exemplar_floor"])
    result = classify(assets, [practice], None, EXEMPLARS)
    assert "messaging" not in domains_of(result, NAMED)  # broker 3 < 5
    outcomes = explain_asset(assets[1], [practice], None, {a.id: a for a in assets}, EXEMPLARS)
    assert not any(o.rule == SUPPORT_RULE for o in outcomes)


def test_a_near_exemplar_supports_a_domain_the_assets_words_establish() -> None:
    assets = catalog()
    practice = support_practice(**floors())
    result = classify(assets, [practice], None, EXEMPLARS)
    near = nearness(NAMED)
    points = round(near * 6, 2)
    # "broker" 3 + cosine x 6.
    assert domains_of(result, NAMED)["messaging"] == round(3 + points, 2)
    (assignment,) = [a for a in result[NAMED] if a.domain == "messaging"]
    assert any(
        r.startswith(f"{SUPPORT_RULE} {EXEMPLAR} (cosine {near:.2f} x 6:")
        for r in assignment.reasons
    )
    # explain agrees with classify, and the support never establishes on its own.
    by_id = {a.id: a for a in assets}
    outcomes = explain_asset(assets[1], [practice], None, by_id, EXEMPLARS)
    (support,) = [o for o in outcomes if o.domain == "messaging" and o.rule == SUPPORT_RULE]
    assert support.fired and not support.establishes and support.points == points
    assert "it only supports" in support.detail
    (verdict,) = [v for v in verdicts(outcomes, [practice]) if v.domain == "messaging"]
    assert verdict.assigned and verdict.score == domains_of(result, NAMED)["messaging"]


def test_support_does_not_count_beside_a_code_signal_alone() -> None:
    assets = catalog()
    practice = support_practice(**floors())
    assert nearness(SIGNAL_ONLY) >= floors()["exemplar_support_floor"]
    result = classify(assets, [practice], None, EXEMPLARS)
    assert "messaging" not in domains_of(result, SIGNAL_ONLY)  # kind code 3 < 5
    outcomes = explain_asset(assets[2], [practice], None, {a.id: a for a in assets}, EXEMPLARS)
    (support,) = [o for o in outcomes if o.domain == "messaging" and o.rule == SUPPORT_RULE]
    assert not support.fired and support.points == 0
    assert "not counted: no keyword or path rule establishes the domain" in support.detail


def test_an_exemplar_past_the_floor_still_establishes_as_before() -> None:
    assets = catalog()
    near = nearness(NAMED)
    practice = support_practice(exemplar_floor=round(near - 0.05, 2), exemplar_support_floor=0.1)
    result = classify(assets, [practice], None, EXEMPLARS)
    (assignment,) = [a for a in result[NAMED] if a.domain == "messaging"]
    assert any(r.startswith(f"similar to exemplar {EXEMPLAR}") for r in assignment.reasons)
    assert not any(r.startswith(SUPPORT_RULE) for r in assignment.reasons)


def test_the_support_floor_sits_below_the_exemplar_floor() -> None:
    with pytest.raises(ValidationError, match="below exemplar_floor"):
        Similarity(exemplar_floor=0.6, exemplar_support_floor=0.6)
