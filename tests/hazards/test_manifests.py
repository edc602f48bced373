"""Hostile sources manifests, end to end through `scanner scan`: a bad entry stops the scan
before anything is cloned or written (exit 4, the file and the problem named), nothing in it
reaches git as an option or a command, and credentials in a URL are never printed.
(tests/test_sources.py covers each rule of the loader.)"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import GitRepo
from tests.hazards.harness import scan, skill, snapshot

PASSWORD = "Sup3r-S3cret-Pa55"


@pytest.fixture
def good(repo_factory: Callable[..., GitRepo]) -> GitRepo:
    return repo_factory("good", {"skills/a/SKILL.md": skill("a")})


MARKER = "<marker>"  # replaced by a path under tmp_path: what a command would create


def _case(name: str, entries: dict[str, Any], expected: str) -> Any:
    return pytest.param(entries, expected, id=name)


HOSTILE = [
    _case(
        "unknown-key",
        {"x": {"url": "https://h.invalid/x.git", "branch": "main"}},
        "unknown key 'branch'",
    ),
    _case("duplicate-name", {"GOOD": "https://h.invalid/x.git"}, "duplicate name"),
    _case("dash-url", {"x": f"--upload-pack=touch {MARKER}"}, "must not start with '-'"),
    _case("ext-transport", {"x": f"ext::sh -c touch% {MARKER}"}, "'ext::' transport form"),
    _case("fd-transport", {"x": "fd::3"}, "'fd::' transport form is refused"),
    _case("other-transport", {"x": f"helper::{MARKER}"}, "transport form is refused"),
    _case("ftp-scheme", {"x": "ftp://h.invalid/x.git"}, "scheme 'ftp' is not allowed"),
    _case("file-host", {"x": "file://attacker.invalid/x.git"}, "file:///absolute/path"),
    _case("dash-host", {"x": "ssh://-oProxyCommand=touch/x"}, "must not start with '-'"),
    _case(
        "credentials",
        {"x": {"url": f"https://bot:{PASSWORD}@h.invalid/x.git", "extra": 1}},
        "unknown key 'extra'",
    ),
    _case(
        "include-climbs",
        {"x": {"url": "https://h.invalid/x.git", "include": ["../other/**"]}},
        "climbs out of the repository",
    ),
    _case(
        "exclude-absolute",
        {"x": {"url": "https://h.invalid/x.git", "exclude": ["/etc/**"]}},
        "is absolute",
    ),
    _case("ref-option", {"x": {"url": "https://h.invalid/x.git", "ref": "--output=/x"}}, "ref"),
]


def _with_marker(value: Any, marker: Path) -> Any:
    if isinstance(value, str):
        return value.replace(MARKER, str(marker))
    if isinstance(value, dict):
        return {k: _with_marker(v, marker) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_marker(v, marker) for v in value]
    return value


@pytest.mark.parametrize(("entries", "expected"), HOSTILE)
def test_a_hostile_manifest_stops_the_scan_before_anything_happens(
    tmp_path: Path, good: GitRepo, entries: dict[str, Any], expected: str
) -> None:
    marker = tmp_path / "pwned"
    run = scan(tmp_path, {"good": good.url, **_with_marker(entries, marker)})
    assert run.code == 4, run.stderr
    assert "invalid manifest" in run.stderr
    assert expected in run.stderr, run.stderr
    assert not run.work.exists()  # nothing cloned: not even the work directory
    assert snapshot(run.out) == {}  # nothing written
    assert not list(tmp_path.glob("pwned*"))
    assert PASSWORD not in run.everything()


def test_credentials_in_a_url_are_never_printed_or_written(
    tmp_path: Path, good: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"https://bot:{PASSWORD}@127.0.0.1:{port}/private.git"
    caplog.set_level(logging.DEBUG, logger="scanner")
    run = scan(tmp_path, {"good": good.url, "private": url}, extra=("--json", "-vv"))
    assert run.code == 3, run.stderr
    private = run.source("private")
    assert private["status"] == "failed"
    assert private["url"] == f"https://***@127.0.0.1:{port}/private.git"
    assert run.source("good")["status"] == "ok"
    assert "good::skills/a/SKILL.md" in run.assets
    assert PASSWORD not in run.everything()
    assert PASSWORD not in caplog.text
