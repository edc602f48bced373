"""runner_up_ratio: an opt-in per practice. Within the practice an asset keeps a domain only when
its score is at least ratio x its best domain score there; the best always stays, practices
without the setting classify as before, and `explain` says why a domain was dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from scanner.catalog import ACTIVE, CatalogEntry
from scanner.classify import classify, explain_asset, verdicts
from scanner.cli import main
from scanner.models import JsonObject, JsonValue
from scanner.practices import Practice
from scanner.writer import dump_json
from tests.test_classify import asset, domains_of, practice, practice_data

# cqrs 10 (keyword "cqrs" in name, description, path: 8; path "*/plugins/cqrs-*/**": 2) and
# api-design 9 ("rest api" in name, description: 8; "api" in path: 1).
BOTH = asset(
    "plugins/cqrs-kit/skills/api/SKILL.md",
    name="cqrs-rest-api",
    description="A REST API over a CQRS core.",
)
# cqrs 8 alone.
ONE = asset("docs/m.md", name="cqrs-notes", description="CQRS with a cache.")


def other_practice(**classification: Any) -> Practice:
    data = practice_data(**classification)
    data["id"] = "platform"
    data["plugin"] = "proagent-platform"
    return Practice.model_validate(data)


def test_off_by_default_keeps_every_domain_that_passes() -> None:
    assert practice().classification.runner_up_ratio is None
    assert domains_of(classify([BOTH], [practice()]), BOTH.id) == {"cqrs": 10, "api-design": 9}


def test_a_domain_below_ratio_x_best_is_dropped_and_at_it_is_kept() -> None:
    # 9 >= 0.9 x 10 (inclusive); 9 < 0.95 x 10.
    kept = classify([BOTH], [practice(runner_up_ratio=0.9)])
    assert domains_of(kept, BOTH.id) == {"cqrs": 10, "api-design": 9}
    dropped = classify([BOTH], [practice(runner_up_ratio=0.95)])
    assert domains_of(dropped, BOTH.id) == {"cqrs": 10}
    # The dropped domain takes nothing else with it: the best keeps its reasons.
    assert dropped[BOTH.id] == tuple(a for a in kept[BOTH.id] if a.domain == "cqrs")


def test_the_best_domain_always_stays() -> None:
    result = classify([ONE, BOTH], [practice(runner_up_ratio=1)])
    assert domains_of(result, ONE.id) == {"cqrs": 8}
    assert domains_of(result, BOTH.id) == {"cqrs": 10}


def test_the_ratio_acts_within_its_own_practice_only() -> None:
    practices = [practice(runner_up_ratio=0.95), other_practice()]
    result = classify([BOTH], practices)
    by_practice = {(a.practice, a.domain) for a in result[BOTH.id]}
    assert by_practice == {("backend", "cqrs"), ("platform", "cqrs"), ("platform", "api-design")}
    # The other practice's assignments are exactly what it gets on its own.
    alone = classify([BOTH], [other_practice()])
    assert tuple(a for a in result[BOTH.id] if a.practice == "platform") == alone[BOTH.id]


def test_explain_verdicts_say_why_with_the_numbers() -> None:
    practices = [practice(runner_up_ratio=0.95), other_practice()]
    summary = verdicts(explain_asset(BOTH, practices, None, {}), practices)
    state = {(v.practice, v.domain): (v.assigned, v.runner_up) for v in summary}
    assert state[("backend", "cqrs")] == (True, "")
    assert state[("backend", "api-design")] == (False, "below 0.95 x best cqrs 10")
    assert state[("platform", "api-design")] == (True, "")
    # A domain that never passed its threshold is not "dropped": it is simply out.
    assert state[("backend", "caching")] == (False, "")
    # Verdicts and the classifier agree on every domain.
    assigned = {(v.practice, v.domain) for v in summary if v.assigned}
    result = classify([BOTH], practices)
    assert assigned == {(a.practice, a.domain) for a in result[BOTH.id]}
    as_json = {(v.practice, v.domain): v.to_json() for v in summary}
    assert as_json[("backend", "api-design")]["runner_up"] == "below 0.95 x best cqrs 10"
    assert "runner_up" not in as_json[("platform", "api-design")]


@pytest.mark.parametrize("ratio", [0, -0.5, 1.5])
def test_the_ratio_must_be_a_fraction(ratio: float) -> None:
    with pytest.raises(pydantic.ValidationError, match="runner_up_ratio"):
        practice(runner_up_ratio=ratio)


def test_scanner_explain_prints_the_drop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    practices = tmp_path / "manifests" / "practices"
    practices.mkdir(parents=True)
    data = practice_data(runner_up_ratio=0.95)
    (practices / "backend.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    catalog = tmp_path / "output" / "catalog"
    catalog.mkdir(parents=True)
    entries: list[JsonValue] = [CatalogEntry(a, ACTIVE).to_json() for a in (BOTH, ONE)]
    document: JsonObject = {"schema_version": 1, "assets": entries}
    (catalog / "catalog.json").write_text(dump_json(document), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["explain", BOTH.id, "--output", "output"]) == 0
    text = capsys.readouterr().out
    assert "backend / api-design: out  score 9 " in text
    assert "dropped by runner_up_ratio: below 0.95 x best cqrs 10" in text
    assert "backend / cqrs: IN  score 10 " in text
    assert main(["explain", BOTH.id, "--json", "--output", "output"]) == 0
    domains = {d["domain"]: d for d in json.loads(capsys.readouterr().out)["domains"]}
    assert domains["api-design"]["assigned"] is False
    assert domains["api-design"]["runner_up"] == "below 0.95 x best cqrs 10"
