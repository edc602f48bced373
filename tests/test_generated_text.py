"""ignore_generated_description: an opt-in per practice. Discovery describes a code file by its
kind and SDKs ("Claude integration in python (...)"), the same words for unrelated files; with
the setting on, the practice's keyword rules do not match that text and term weighting compares
vectors without it, while other practices classify as before and `explain` says why."""

from __future__ import annotations

import json
from typing import Any

from scanner.classify import classify, explain_asset, verdicts
from scanner.classify_text import scanner_written
from scanner.handlers import code
from scanner.models import Asset
from scanner.practices import Practice
from scanner.similarity import MIN_CATALOG, build_model
from tests.handlers.helpers import file_input
from tests.test_classify import asset, domains_of, practice_data

AGENT_SDK = """from claude_agent_sdk import ClaudeSDKClient, ClaudeAgentOptions


async def run(prompt: str) -> None:
    async with ClaudeSDKClient(options=ClaudeAgentOptions()) as client:
        await client.query(prompt)
"""


def parsed(path: str, text: str) -> Asset:
    """An asset as the code handler finds it (real tree-sitter parse), description included."""
    result = code.parse(file_input(path, text, repo="agents"))
    assert result is not None and result.asset is not None
    return result.asset


# Ordinary application code that happens to call the Agent SDK, and a harness named as one.
INVOICE = parsed("billing/invoice.py", AGENT_SDK)
LOOP = parsed("harness/loop_runner.py", AGENT_SDK)


def harness_practice(practice_id: str = "backend", **classification: Any) -> Practice:
    """The test practice with a `harnesses` domain: the Agent SDK signal alone (+5) stays below
    the threshold of 6; one more piece of evidence puts an asset in."""
    data = practice_data(**classification)
    data["id"] = practice_id
    data["plugin"] = f"proagent-{practice_id}"
    data["domains"].append(
        {
            "id": "harnesses",
            "title": "Agent harnesses",
            "summary": "Software that runs agents unattended.",
            "threshold": 6,
            "rules": {
                "keywords": [
                    {"terms": ["claude agent sdk"], "weight": 4},
                    {"terms": ["harness"], "weight": 3, "fields": ["name", "path"]},
                ],
                "signals": [{"field": "claude_sdks", "values": ["*"], "weight": 5}],
            },
        }
    )
    return Practice.model_validate(data)


def test_the_code_handler_descriptions_are_recognised_as_the_scanners() -> None:
    assert INVOICE.description == "Claude integration in python (Claude Agent SDK (Python))"
    assert scanner_written(INVOICE)
    bare = {"name": "web", "dependencies": {"fastify": "^5"}}
    assert scanner_written(parsed("web/package.json", json.dumps(bare)))
    # A package's own description is the upstream's words, and so is anything a person wrote,
    # even in the same words.
    own = {"name": "web", "description": "Fastify API", "dependencies": {"fastify": "^5"}}
    assert not scanner_written(parsed("web/package.json", json.dumps(own)))
    assert not scanner_written(asset("docs/x.md", description=INVOICE.description))


def test_off_by_default_the_scanners_description_counts() -> None:
    assert harness_practice().classification.ignore_generated_description is False
    result = classify([INVOICE, LOOP], [harness_practice()])
    # signal 5 + "claude agent sdk" in the description 4.
    assert domains_of(result, INVOICE.id) == {"harnesses": 9}
    assert domains_of(result, LOOP.id)["harnesses"] > 9


def test_on_the_description_is_not_matched_and_explain_says_why() -> None:
    practices = [harness_practice(ignore_generated_description=True)]
    result = classify([INVOICE, LOOP], practices)
    assert INVOICE.id not in result  # the signal's 5 alone
    # signal 5 + "harness" in the path 3 x 0.5.
    assert domains_of(result, LOOP.id) == {"harnesses": 6.5}
    outcomes = explain_asset(INVOICE, practices, None, {a.id: a for a in (INVOICE, LOOP)})
    mine = [o for o in outcomes if o.domain == "harnesses"]
    (note,) = [o for o in mine if o.rule == "description"]
    assert not note.fired and "is the scanner's, not the source's" in note.detail
    assert not any(o.fired and o.rule == 'keyword "claude agent sdk"' for o in mine)
    (verdict,) = [v for v in verdicts(outcomes, practices) if v.domain == "harnesses"]
    assert (verdict.own, verdict.assigned) == (5, False)


def test_other_practices_classify_as_before() -> None:
    practices = [
        harness_practice(ignore_generated_description=True),
        harness_practice("platform"),
    ]
    result = classify([INVOICE, LOOP], practices)
    assert {(a.practice, a.domain, a.score) for a in result[INVOICE.id]} == {
        ("platform", "harnesses", 9)
    }
    alone = classify([INVOICE, LOOP], [harness_practice("platform")])
    platform = [a for a in result[LOOP.id] if a.practice == "platform"]
    assert tuple(platform) == alone[LOOP.id]


def similarity_catalog() -> list[Asset]:
    """The two code files, plus markdown filler that keeps common words common."""
    filler = [
        asset(f"docs/filler-{i}.md", name=f"filler {i}", description=f"Notes about topic {i}.")
        for i in range(MIN_CATALOG)
    ]
    return [INVOICE, LOOP, *filler]


def similarity_practice(**classification: Any) -> Practice:
    data = harness_practice(**classification).model_dump(mode="json")
    data["classification"]["similarity"] = {"exemplar_weight": 6, "definition_weight": 0}
    # Only the exemplar can put an asset in: no rule of its own, a threshold it can reach.
    data["domains"][-1]["rules"] = {}
    data["domains"][-1]["threshold"] = 3
    return Practice.model_validate(data)


def test_on_term_weighting_leaves_the_scanners_words_out_of_both_vectors() -> None:
    assets = similarity_catalog()
    exemplars = {("backend", "harnesses"): (LOOP.id,)}
    off = build_model(assets, [similarity_practice()], exemplars)
    on = build_model(assets, [similarity_practice(ignore_generated_description=True)], exemplars)
    # Off: the shared boilerplate (claude, integration, python, sdk, ...) makes the two files
    # near copies; on, only their own names and paths are compared: they share the extension.
    assert off.exemplar_scores(INVOICE.id)[LOOP.id] > 0.6
    assert "integration" in off.exemplar_terms(INVOICE.id, LOOP.id)
    assert not off.upstream and not off.own_vectors
    assert on.upstream and set(on.own_vectors) == {INVOICE.id, LOOP.id}
    assert on.exemplar_scores(INVOICE.id) == off.exemplar_scores(INVOICE.id)
    assert on.exemplar_scores(INVOICE.id, own=True)[LOOP.id] < 0.6
    assert on.exemplar_terms(INVOICE.id, LOOP.id, own=True) == ("py",)
    before = classify(assets, [similarity_practice()], None, exemplars)
    assert "harnesses" in domains_of(before, INVOICE.id)
    after = classify(
        assets, [similarity_practice(ignore_generated_description=True)], None, exemplars
    )
    assert INVOICE.id not in after


def test_the_shortcut_gives_what_comparing_every_vector_again_gives() -> None:
    # A note about harness loops meets the code exemplar through its own words; filler meets it
    # not at all; the code files have vectors of their own.
    note = asset("docs/loops.md", name="harness loop runner", description="Python harness.")
    assets = [note, *similarity_catalog()]
    exemplars = {("backend", "harnesses"): (LOOP.id, note.id), ("backend", "mcp"): (INVOICE.id,)}
    model = build_model(assets, [similarity_practice(ignore_generated_description=True)], exemplars)
    assert set(model.upstream_keys) == {("backend", "harnesses"), ("backend", "mcp")}
    for one in assets:
        plain = model.exemplar_scores(one.id)
        nearest = model.nearest_by_domain(one.id, plain)
        direct = model.nearest_by_domain(one.id, model.exemplar_scores(one.id, own=True))
        assert model.upstream_nearest(one.id, plain, nearest) == direct
        definitions = model.definition_scores(one.id)
        again = model.definition_scores(one.id, own=True)
        assert model.upstream_definitions(one.id, definitions) == again
