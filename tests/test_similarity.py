"""Term weighting: TF-IDF vectors of the catalog, the nearest exemplar (featured pins and tune
labels, never the asset itself) and the domain's definition, as classifier evidence that
`explain` shows with its numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scanner.classify import classify, explain_asset
from scanner.labels import load_labels, tune_exemplars
from scanner.models import Asset, AssetKind
from scanner.practices import Practice
from scanner.similarity import MIN_CATALOG, build_model, cosine, singulars
from tests.test_classify import asset, practice_data

QUEUE_TEXT = "Durable queues with dead letter handling, idempotent consumers and retries."


def similarity_practice(**similarity: Any) -> Practice:
    """The test practice with a `messaging` domain that has a definition and no rule at all."""
    data = practice_data(similarity={"exemplar_weight": 6, "definition_weight": 5, **similarity})
    data["domains"].append(
        {
            "id": "messaging",
            "title": "Messaging",
            "summary": "Brokers, durable queues, dead letter queues and idempotent consumers.",
            "threshold": 5,
        }
    )
    return Practice.model_validate(data)


def catalog() -> list[Asset]:
    """An exemplar, a copy of it elsewhere, a neighbour of the definition, and filler that
    makes common words common."""
    return [
        asset("plugins/a/skills/queues/SKILL.md", name="queues", description=QUEUE_TEXT),
        asset("plugins/b/skills/queues/SKILL.md", name="queues", description=QUEUE_TEXT),
        asset("docs/consumers.md", name="consumers", description="Idempotent consumers."),
        *(
            asset(f"docs/filler-{i}.md", name=f"filler {i}", description=f"Notes about topic {i}.")
            for i in range(MIN_CATALOG)
        ),
    ]


EXEMPLAR = "agents::plugins/a/skills/queues/SKILL.md"
COPY = "agents::plugins/b/skills/queues/SKILL.md"


def test_a_copy_of_an_exemplar_joins_a_domain_that_has_no_rules() -> None:
    assets = catalog()
    exemplars = {("backend", "messaging"): (EXEMPLAR,)}
    result = classify(assets, [similarity_practice()], None, exemplars)
    (assignment,) = [a for a in result[COPY] if a.domain == "messaging"]
    # cosine 1 x 6 from the exemplar, plus the definition's support.
    assert assignment.score > 6
    assert any(
        r.startswith(f"similar to exemplar {EXEMPLAR} (cosine 1.00 x 6") for r in assignment.reasons
    )
    # The exemplar is never its own evidence: alone, it stays out; labelled together, each
    # copy vouches for the other.
    assert "messaging" not in {a.domain for a in result.get(EXEMPLAR, ())}
    both = classify(
        assets, [similarity_practice()], None, {("backend", "messaging"): (EXEMPLAR, COPY)}
    )
    (own,) = [a for a in both[EXEMPLAR] if a.domain == "messaging"]
    assert any(f"similar to exemplar {COPY}" in r for r in own.reasons)


def test_the_definition_supports_but_never_establishes() -> None:
    assets = catalog()
    result = classify(assets, [similarity_practice()], None, {})
    assert "messaging" not in {a.domain for a in result.get(COPY, ())}
    outcomes = explain_asset(assets[1], [similarity_practice()], None, {a.id: a for a in assets})
    (definition,) = [o for o in outcomes if o.domain == "messaging" and o.rule == "definition"]
    assert definition.fired and not definition.establishes
    assert definition.detail.startswith("cosine ") and "x 5:" in definition.detail
    assert "queue" in definition.detail  # the matching words are named


def test_explain_says_why_an_exemplar_was_not_close_enough() -> None:
    assets = catalog()
    consumers = next(a for a in assets if a.id == "agents::docs/consumers.md")
    outcomes = explain_asset(
        consumers,
        [similarity_practice(exemplar_floor=0.99)],
        None,
        {a.id: a for a in assets},
        {("backend", "messaging"): (EXEMPLAR,)},
    )
    (nearest,) = [o for o in outcomes if o.domain == "messaging" and o.rule.startswith("similar")]
    assert not nearest.fired
    assert (
        nearest.detail.startswith(f"nearest {EXEMPLAR} at cosine 0.")
        and "below 0.99" in nearest.detail
    )


def test_featured_pins_are_exemplars() -> None:
    data = similarity_practice().model_dump(mode="json")
    data["domains"][-1]["featured"] = ["agents/plugins/a/skills/queues/SKILL.md"]
    pinned = Practice.model_validate(data)
    result = classify(catalog(), [pinned])
    assert "messaging" in {a.domain for a in result[COPY]}


def test_plurals_merge_only_into_words_the_catalog_has() -> None:
    assert singulars(["queues", "queue", "cqrs", "policies", "policy", "class"]) == {
        "queues": "queue",
        "policies": "policy",
    }


def test_vectors_are_normalised_and_deterministic() -> None:
    assets = catalog()
    model = build_model(assets, [similarity_practice()])
    again = build_model(list(reversed(assets)), [similarity_practice()])
    assert model.vectors == again.vectors
    for vector in model.vectors.values():
        assert abs(cosine(vector, vector) - 1) < 1e-9 or not vector


def test_only_tune_labels_are_exemplars(tmp_path: Path) -> None:
    path = tmp_path / "labels-backend.yaml"
    labels: list[dict[str, Any]] = [
        {"asset": EXEMPLAR, "domains": ["messaging"], "split": "tune"},
        {"asset": COPY, "domains": ["messaging"], "split": "heldout"},
        {"asset": "agents::docs/consumers.md", "domains": [], "split": "tune"},
    ]
    path.write_text(
        yaml.safe_dump({"schema_version": 2, "practice": "backend", "labels": labels}),
        encoding="utf-8",
    )
    loaded = load_labels(path, [similarity_practice()])
    assert tune_exemplars([loaded]) == {("backend", "messaging"): (EXEMPLAR,)}


def test_code_assets_have_vectors_too() -> None:
    code = asset(
        "src/worker.py", kind=AssetKind.CODE, name="worker.py", description="A queue worker."
    )
    model = build_model([*catalog(), code], [similarity_practice()])
    assert "worker" in model.vectors[code.id]


def test_a_catalog_too_small_to_weigh_terms_gets_no_similarity() -> None:
    small = catalog()[: MIN_CATALOG - 1]
    model = build_model(small, [similarity_practice()], {("backend", "messaging"): (EXEMPLAR,)})
    assert model.vectors == {} and model.nearest(COPY, ("backend", "messaging")) is None
