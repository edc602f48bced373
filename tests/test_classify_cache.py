"""The classification cache only saves work: with it, classify returns what it returns without
it, after any edit, including edits that move the corpus-wide IDF or an exemplar's vector."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from scanner.classify import classify
from scanner.classify_cache import FILE_NAME, MEMO_NAME, Classification, ClassifyCache
from scanner.models import Asset
from scanner.practices import Practice, load_practices
from tests.test_similarity import COPY, EXEMPLAR, QUEUE_TEXT, catalog, similarity_practice

ROOT = Path(__file__).resolve().parent.parent
EXEMPLARS = {("backend", "messaging"): (EXEMPLAR,)}


def practices() -> list[Practice]:
    """The test practice with term weighting, and the project's real practice files."""
    real = [p for p in load_practices(ROOT / "manifests" / "practices") if p.id != "backend"]
    return [similarity_practice(), *real]


def cached(workdir: Path, assets: list[Asset]) -> tuple[object, dict[str, int]]:
    store = ClassifyCache.in_workdir(workdir)
    result = classify(assets, practices(), None, EXEMPLARS, store)
    store.save()
    return result, store.stats()


def edited(assets: list[Asset], index: int, **changes: object) -> list[Asset]:
    out = list(assets)
    out[index] = dataclasses.replace(out[index], **changes)  # type: ignore[arg-type]
    return out


def test_a_rescan_reuses_every_outcome_and_returns_the_same(tmp_path: Path) -> None:
    assets = catalog()
    plain = classify(assets, practices(), None, EXEMPLARS)
    assert any(a.domain == "messaging" for a in plain[COPY])  # the model is in play
    first, stats = cached(tmp_path, assets)
    assert first == plain and stats["outcomes_reused"] == 0
    second, stats = cached(tmp_path, assets)
    assert second == plain
    assert stats == {"outcomes_reused": 2 * len(assets), "outcomes_computed": 0}


def test_edits_that_move_the_idf_or_an_exemplar_give_the_uncached_result(tmp_path: Path) -> None:
    assets = catalog()
    cached(tmp_path, assets)
    steps = [
        # A word only the exemplar has: its vector moves, its neighbours' vectors do not.
        edited(assets, 0, description=QUEUE_TEXT + " Zebra crossings."),
        # New words for one asset: their document frequencies (and the IDF) move.
        edited(assets, 2, description="Idempotent consumers of durable queues and brokers."),
        # The exemplar itself changes: every asset near it is compared afresh.
        edited(assets, 0, description="Queues, retries and idempotent API design."),
        # A body-only edit (a new blob, same fields) changes nothing the classifier reads.
        edited(assets, 3, blob_sha="0" * 40),
        # An asset more: the catalog size is in every IDF.
        [*assets, dataclasses.replace(assets[1], path="plugins/c/skills/queues/SKILL.md")],
    ]
    for step in steps:
        result, stats = cached(tmp_path, step)
        assert result == classify(step, practices(), None, EXEMPLARS)
        assert stats["outcomes_computed"] > 0 or step[3].blob_sha == "0" * 40
    assert QUEUE_TEXT in assets[0].description  # the steps did not edit the originals


def test_a_body_only_edit_is_all_hits(tmp_path: Path) -> None:
    assets = catalog()
    cached(tmp_path, assets)
    _, stats = cached(tmp_path, edited(assets, 3, blob_sha="0" * 40, size=12345))
    assert stats["outcomes_computed"] == 0


def test_a_changed_practice_file_recomputes(tmp_path: Path) -> None:
    assets = catalog()
    cached(tmp_path, assets)
    store = ClassifyCache.in_workdir(tmp_path)
    stricter = similarity_practice(exemplar_weight=2)
    result = classify(assets, [stricter], None, EXEMPLARS, store)
    assert result == classify(assets, [stricter], None, EXEMPLARS)
    assert store.stats()["outcomes_reused"] == 0


def test_an_unreadable_or_damaged_cache_is_ignored(tmp_path: Path) -> None:
    assets = catalog()
    plain = classify(assets, practices(), None, EXEMPLARS)
    cached(tmp_path, assets)
    path = tmp_path / "cache" / FILE_NAME
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # cut short: not JSON
    assert cached(tmp_path, assets)[0] == plain
    # Well-formed JSON whose entries are not outcomes: each bad entry is recomputed.
    data = path.read_text().replace('"excluded":[]', '"excluded":[1]')
    path.write_text(data)
    result, stats = cached(tmp_path, assets)
    assert result == plain and stats["outcomes_computed"] > 0


def staged(workdir: Path, assets: list[Asset], **kwargs: object) -> tuple[object, dict[str, int]]:
    """The classify stage as a scan runs it (the whole-result memo over the outcome cache)."""
    stage = Classification(workdir)
    neighbours = kwargs.get("neighbours", {})
    assert isinstance(neighbours, dict)
    result = stage.classify(assets, practices(), neighbours, EXEMPLARS)
    return result, stage.stats()


def test_the_whole_result_is_reused_while_nothing_the_classifier_reads_changes(
    tmp_path: Path,
) -> None:
    assets = catalog()
    plain = classify(assets, practices(), None, EXEMPLARS)
    first, stats = staged(tmp_path, assets)
    assert first == plain and stats["assignments_reused"] == 0
    assert list(first) == list(plain)  # the same order: the output lists them in it
    body_only = edited(assets, 3, blob_sha="0" * 40, size=12345)
    again, stats = staged(tmp_path, body_only)
    assert again == plain and list(again) == list(plain)
    assert stats == {"assignments_reused": 1, "outcomes_reused": 0, "outcomes_computed": 0}
    # A field the classifier reads, a neighbour, or the order: classified again (through the
    # outcome cache), with the result classify gives without any cache.
    retitled = edited(assets, 2, title="Idempotent consumers of durable queues")
    linked = {assets[2].id: (assets[0].id,)}
    for step, links in ((retitled, {}), (assets, linked), (assets[::-1], {})):
        result, stats = staged(tmp_path, step, neighbours=links)
        assert result == classify(step, practices(), links, EXEMPLARS)
        assert stats["assignments_reused"] == 0


def test_a_damaged_whole_result_is_classified_again(tmp_path: Path) -> None:
    assets = catalog()
    plain = classify(assets, practices(), None, EXEMPLARS)
    staged(tmp_path, assets)
    path = tmp_path / "cache" / f"{MEMO_NAME}.json"
    text = path.read_text()
    # A score that is no float, an asset this catalog does not have, or cut short.
    first_score = json.loads(text)["value"][COPY][0][2]
    for damaged in (
        text.replace(f",{first_score},", f',"{first_score}",', 1),
        text.replace(json.dumps(COPY), json.dumps("nowhere::x.md"), 1),
        text[: len(text) // 2],
    ):
        assert damaged != text
        path.write_text(damaged)
        result, stats = staged(tmp_path, assets)
        assert result == plain and stats["assignments_reused"] == 0
        staged(tmp_path, assets)  # written again whole
