"""`scanner sync` end to end through scanner.cli.main: exit codes, stderr table, --json."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.git.lock import workdir_lock
from tests.gitrepo import GitRepo, git

RepoFactory = Callable[..., GitRepo]
RESULT_KEYS = {"name", "url", "ref", "commit", "commit_date", "status", "reason"}


def manifest(tmp_path: Path, entries: dict[str, str]) -> Path:
    lines = ["schema_version: 1", "repositories:"]
    for name, url in entries.items():
        lines += [f"  - name: {name}", f"    url: {json.dumps(url)}"]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_sync(sources: Path, workdir: Path, *extra: str) -> int:
    return main(["sync", "--sources", str(sources), "--workdir", str(workdir), *extra])


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path / "workdir"


@pytest.fixture
def good(repo_factory: RepoFactory) -> dict[str, str]:
    return {name: repo_factory(name, {"README.md": name}).url for name in ("one", "two")}


def test_all_ok_exit_0_and_json_shape(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_sync(manifest(tmp_path, good), workdir, "--json") == 0

    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert out == json.dumps(summary, sort_keys=True, indent=2) + "\n"
    assert set(summary) == {"repositories", "counts"}
    assert summary["counts"] == {"ok": 2, "failed": 0}
    assert [r["name"] for r in summary["repositories"]] == ["one", "two"]
    for repo in summary["repositories"]:
        assert set(repo) == RESULT_KEYS
        assert repo["status"] == "ok"
        assert len(repo["commit"]) == 40
        assert repo["commit_date"] == "2026-01-15T12:00:00+00:00"
        assert repo["url"] == good[repo["name"]]
        assert repo["ref"] is None
    assert "one" in err and "two" in err  # the table is on stderr
    assert git(workdir / "repos/one", "cat-file", "blob", "HEAD:README.md") == "one"


def test_without_json_stdout_stays_empty(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_sync(manifest(tmp_path, good), workdir) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "Source repositories" in err


def test_some_failed_exit_3(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sources = manifest(tmp_path, {**good, "gone": (tmp_path / "missing").as_uri()})
    assert run_sync(sources, workdir, "--json") == 3

    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["counts"] == {"ok": 2, "failed": 1}
    gone = next(r for r in summary["repositories"] if r["name"] == "gone")
    assert gone["status"] == "failed"
    assert "does not appear to be a git repository" in gone["reason"]
    assert "does not appear to be a git repository" in err


def test_all_failed_exit_4(
    tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = manifest(tmp_path, {"gone": (tmp_path / "missing").as_uri()})
    assert run_sync(sources, workdir, "--json") == 4

    out, err = capsys.readouterr()
    assert json.loads(out)["counts"] == {"ok": 0, "failed": 1}
    assert "every repository failed to sync" in err


def test_bad_manifest_exit_4_and_nothing_cloned(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sources = manifest(tmp_path, {**good, "bad name": good["one"]})
    assert run_sync(sources, workdir, "--json") == 4

    out, err = capsys.readouterr()
    assert out == ""
    assert str(sources) in err
    assert "repositories[2] (name 'bad name'): name:" in err
    assert not workdir.exists()


def test_unsafe_url_refused_by_the_manifest(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pwned = tmp_path / "pwned"
    literal_existed = Path("/tmp/pwned").exists()
    sources = manifest(
        tmp_path,
        {**good, "evil": f"ext::sh -c touch% {pwned}", "evil2": "ext::sh -c touch% /tmp/pwned"},
    )
    assert run_sync(sources, workdir) == 4

    err = capsys.readouterr().err
    assert "'ext::' transport form is refused" in err
    assert not pwned.exists()
    assert Path("/tmp/pwned").exists() == literal_existed
    assert not workdir.exists()


def test_credentials_never_in_output(
    tmp_path: Path,
    workdir: Path,
    good: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    secret_url = f"https://user:s3cret@127.0.0.1:{port}/private.git"
    sources = manifest(tmp_path, {**good, "private": secret_url})
    caplog.set_level(logging.DEBUG)

    assert run_sync(sources, workdir, "--json", "-vv") == 3

    out, err = capsys.readouterr()
    private = next(r for r in json.loads(out)["repositories"] if r["name"] == "private")
    assert private["status"] == "failed"
    assert private["url"] == f"https://***@127.0.0.1:{port}/private.git"
    for text in (out, err, caplog.text):
        assert "s3cret" not in text


def test_locked_workdir_exit_4(
    tmp_path: Path, workdir: Path, good: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with workdir_lock(workdir):
        assert run_sync(manifest(tmp_path, good), workdir) == 4
    assert "another scan is using" in capsys.readouterr().err
    assert not (workdir / "repos").exists()


def test_second_run_updates(
    tmp_path: Path, workdir: Path, repo_factory: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repo_factory("one", {"README.md": "v1"})
    sources = manifest(tmp_path, {"one": repo.url})
    assert run_sync(sources, workdir) == 0
    repo.write({"README.md": "v2"})
    head = repo.commit("v2")
    capsys.readouterr()

    assert run_sync(sources, workdir, "--json") == 0

    (result,) = json.loads(capsys.readouterr().out)["repositories"]
    assert result["commit"] == head
    assert git(workdir / "repos/one", "cat-file", "blob", "HEAD:README.md") == "v2"
