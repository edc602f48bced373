"""Parsed manifests kept between scans give what parsing gives, and parsing still runs (and
still fails) whenever the bytes are new."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import ManifestError
from scanner.labels import load_tune_exemplars
from scanner.manifest_cache import FILE_NAME, ManifestCache
from scanner.practices import load_practices
from scanner.structured import load_manifest_yaml

ROOT = Path(__file__).resolve().parent.parent
PRACTICES = ROOT / "manifests" / "practices"


def test_the_real_manifests_load_the_same_from_the_cache(tmp_path: Path) -> None:
    plain = load_practices(PRACTICES)
    first = ManifestCache.in_workdir(tmp_path)
    assert load_practices(PRACTICES, first.read) == plain
    first.save()
    assert (tmp_path / "cache" / FILE_NAME).is_file()
    second = ManifestCache.in_workdir(tmp_path)
    practices = load_practices(PRACTICES, second.read)
    assert practices == plain
    assert load_tune_exemplars(PRACTICES, practices, second.read) == load_tune_exemplars(
        PRACTICES, plain
    )
    assert second.hits == len(list(PRACTICES.glob("*.yaml")))  # the labels were not kept yet


def test_new_bytes_are_parsed_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("a: 1\nb: [x, 2.5]\n", encoding="utf-8")
    cache = ManifestCache.in_workdir(tmp_path / "work")
    assert cache.read(path) == {"a": 1, "b": ["x", 2.5]}
    cache.save()
    cache = ManifestCache.in_workdir(tmp_path / "work")
    assert cache.read(path) == {"a": 1, "b": ["x", 2.5]}
    path.write_text("a: [unclosed\n", encoding="utf-8")
    with pytest.raises(ManifestError):
        cache.read(path)
    # A document JSON cannot hold as it is (a date) is parsed every time, never kept.
    path.write_text("when: 2026-01-15\n", encoding="utf-8")
    assert cache.read(path) == load_manifest_yaml(path)
    cache.save()
    assert "2026" not in (tmp_path / "work" / "cache" / FILE_NAME).read_text(encoding="utf-8")
