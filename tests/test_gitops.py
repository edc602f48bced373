"""gitops against real git repositories on disk (file:// URLs); no mocked git."""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.errors import LockedError
from scanner.gitops import (
    BlobReader,
    BlobUnavailableError,
    CheckoutError,
    list_tracked_files,
    redact_url,
    ref_problem,
    sync_sources,
    url_problem,
    workdir_lock,
)
from scanner.models import SourceSpec, SyncResult, SyncStatus
from tests.gitrepo import GitRepo, git

RepoFactory = Callable[..., GitRepo]
FIXTURE_DATE = "2026-01-15T12:00:00+00:00"


def sync(
    specs: list[SourceSpec], workdir: Path, *, timeout: float = 30, jobs: int = 4
) -> tuple[tuple[SyncResult, ...], list[tuple[str, str]]]:
    calls: list[tuple[str, str]] = []
    results = sync_sources(
        specs,
        workdir,
        timeout=timeout,
        jobs=jobs,
        on_progress=lambda name, action: calls.append((name, action)),
    )
    return results, calls


def by_name(results: tuple[SyncResult, ...]) -> dict[str, SyncResult]:
    return {r.name: r for r in results}


def closed_port() -> int:
    """A local TCP port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path / "workdir"


@pytest.fixture
def alpha(repo_factory: RepoFactory) -> GitRepo:
    return repo_factory("alpha", {"README.md": "# Alpha\n", "skills/x/SKILL.md": "x\n"})


# --- clone, update, refs ---------------------------------------------------------------------


def test_clone_records_commit_date_and_checkout(alpha: GitRepo, workdir: Path) -> None:
    results, calls = sync([SourceSpec(name="alpha", url=alpha.url, exclude=("x/**",))], workdir)

    (result,) = results
    assert result.status is SyncStatus.OK, result.reason
    assert result.commit == alpha.head()
    assert result.commit_date == FIXTURE_DATE
    assert result.checkout == workdir / "repos" / "alpha"
    assert result.exclude == ("x/**",)
    assert (result.checkout / "skills/x/SKILL.md").read_text() == "x\n"
    assert git(result.checkout, "rev-parse", "HEAD") == alpha.head()
    assert calls == [("alpha", "cloned")]
    assert [p.name for p in (workdir / "repos").iterdir()] == ["alpha"]


def test_update_sees_new_commit_without_recloning(alpha: GitRepo, workdir: Path) -> None:
    spec = SourceSpec(name="alpha", url=alpha.url)
    sync([spec], workdir)
    checkout = workdir / "repos" / "alpha"
    marker = checkout / ".git" / "scanner-test-marker"
    marker.write_text("first clone\n")
    (checkout / "untracked.txt").write_text("junk\n")
    (checkout / "README.md").write_text("local edit\n")

    alpha.write({"new.md": "new\n"})
    second = alpha.commit("second", date="2026-02-01T08:30:00+02:00")
    results, calls = sync([spec], workdir)

    (result,) = results
    assert result.ok, result.reason
    assert result.commit == second
    assert result.commit_date == "2026-02-01T08:30:00+02:00"
    assert calls == [("alpha", "updated")]
    assert marker.exists(), "the checkout was cloned again instead of updated"
    assert (checkout / "new.md").exists()
    assert not (checkout / "untracked.txt").exists()
    assert (checkout / "README.md").read_text() == "# Alpha\n"


def test_relative_workdir(alpha: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = SourceSpec(name="alpha", url=alpha.url)
    _, first = sync([spec], Path("wd"))
    (result,), second = sync([spec], Path("wd"))
    assert (first, second) == ([("alpha", "cloned")], [("alpha", "updated")])
    assert result.checkout is not None
    assert result.checkout.resolve() == (tmp_path / "wd/repos/alpha").resolve()


def test_pinned_sha_checks_out_that_commit(alpha: GitRepo, workdir: Path) -> None:
    first = alpha.head()
    alpha.write({"later.md": "later\n"})
    alpha.commit("later")

    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url, ref=first)], workdir)

    assert result.ok, result.reason
    assert result.commit == first
    assert not (workdir / "repos/alpha/later.md").exists()


def test_sha_not_in_the_repository_fails(alpha: GitRepo, workdir: Path) -> None:
    missing = "0123456789abcdef0123456789abcdef01234567"
    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url, ref=missing)], workdir)

    assert result.status is SyncStatus.FAILED
    assert missing in result.reason
    assert "not reachable" in result.reason
    assert list((workdir / "repos").iterdir()) == []


def test_branch_and_tag_refs(alpha: GitRepo, workdir: Path) -> None:
    main_head = alpha.head()
    git(alpha.path, "tag", "-a", "v1.0", "-m", "release")
    git(alpha.path, "checkout", "-q", "-b", "dev")
    alpha.write({"dev-only.md": "dev\n"})
    dev_head = alpha.commit("dev work")
    git(alpha.path, "checkout", "-q", "main")

    results, _ = sync(
        [
            SourceSpec(name="dev", url=alpha.url, ref="dev"),
            SourceSpec(name="tagged", url=alpha.url, ref="v1.0"),
            SourceSpec(name="default", url=alpha.url),
        ],
        workdir,
    )

    got = by_name(results)
    assert got["dev"].commit == dev_head
    assert (workdir / "repos/dev/dev-only.md").exists()
    assert got["tagged"].commit == main_head  # the annotated tag, peeled to its commit
    assert got["default"].commit == main_head
    assert not (workdir / "repos/default/dev-only.md").exists()


def test_unknown_branch_fails_with_a_hint(alpha: GitRepo, workdir: Path) -> None:
    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url, ref="nope")], workdir)
    assert not result.ok
    assert "has no ref 'nope'" in result.reason


# --- failures -----------------------------------------------------------------------------------


def test_unreachable_repository_among_good_ones(
    repo_factory: RepoFactory, workdir: Path, tmp_path: Path
) -> None:
    good = [repo_factory(n, {"a.md": n}) for n in ("one", "two")]
    specs = [
        SourceSpec(name="two", url=good[1].url),
        SourceSpec(name="gone", url=(tmp_path / "does-not-exist").as_uri()),
        SourceSpec(name="one", url=good[0].url),
    ]

    results, calls = sync(specs, workdir, jobs=3)

    assert [r.name for r in results] == ["gone", "one", "two"]
    got = by_name(results)
    assert got["one"].ok and got["two"].ok
    assert got["gone"].status is SyncStatus.FAILED
    assert "does not appear to be a git repository" in got["gone"].reason
    assert got["gone"].checkout is None and got["gone"].commit == ""
    assert sorted(calls) == [("gone", "failed"), ("one", "cloned"), ("two", "cloned")]
    assert sorted(p.name for p in (workdir / "repos").iterdir()) == ["one", "two"]


def test_failed_update_keeps_the_previous_checkout(alpha: GitRepo, workdir: Path) -> None:
    spec = SourceSpec(name="alpha", url=alpha.url)
    (first,), _ = sync([spec], workdir)
    shutil.rmtree(alpha.path)

    (result,), calls = sync([spec], workdir)

    assert result.status is SyncStatus.FAILED
    assert "does not appear to be a git repository" in result.reason
    assert result.reason.endswith("(the previous checkout is kept)")
    assert calls == [("alpha", "failed")]
    checkout = workdir / "repos/alpha"
    assert git(checkout, "rev-parse", "HEAD") == first.commit
    assert (checkout / "README.md").read_text() == "# Alpha\n"


def test_missing_blob_upstream_is_a_failure_not_a_crash(alpha: GitRepo, workdir: Path) -> None:
    # Like the Auto-Claude mirror: the remote lacks one blob of its own head commit.
    blob = git(alpha.path, "rev-parse", "HEAD:README.md")
    (alpha.path / ".git/objects" / blob[:2] / blob[2:]).unlink()

    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url)], workdir)

    assert result.status is SyncStatus.FAILED
    assert "checkout failed" in result.reason
    assert "promisor remote" in result.reason
    assert list((workdir / "repos").iterdir()) == []  # no checkout, no leftover


def test_timeout_kills_a_hanging_fetch(workdir: Path) -> None:
    # A server that accepts connections and never answers.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/silent.git"
        (result,), _ = sync([SourceSpec(name="silent", url=url)], workdir, timeout=1)
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    assert result.status is SyncStatus.FAILED
    assert "timed out after 1s" in result.reason


@pytest.mark.parametrize(
    "url",
    ["ext::sh -c touch% /tmp/pwned", "fd::17", "-uhttps://example.com/x.git", "ftp://h/x.git"],
)
def test_gitops_refuses_unsafe_urls_itself(url: str, workdir: Path) -> None:
    (result,), calls = sync([SourceSpec(name="evil", url=url)], workdir)
    assert result.status is SyncStatus.FAILED
    assert result.reason.startswith("refused URL")
    assert calls == [("evil", "failed")]
    assert list((workdir / "repos").iterdir()) == []


def test_ext_transport_runs_nothing(workdir: Path, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    (result,), _ = sync([SourceSpec(name="evil", url=f"ext::sh -c touch% {pwned}")], workdir)
    assert not result.ok
    assert not pwned.exists()


def test_credentials_never_leak(workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://user:s3cret@127.0.0.1:{closed_port()}/private.git"
    (result,), _ = sync([SourceSpec(name="private", url=url)], workdir)

    assert result.status is SyncStatus.FAILED
    assert result.url == f"http://***@127.0.0.1:{url.rsplit(':', 1)[1]}"
    assert "s3cret" not in repr(result)
    assert "user:" not in result.reason
    assert "s3cret" not in caplog.text
    assert "127.0.0.1" in result.reason  # still says where it tried


# --- repair ---------------------------------------------------------------------------------------


def test_leftover_temporary_directory_is_removed(alpha: GitRepo, workdir: Path) -> None:
    leftover = workdir / "repos" / ".tmp-alpha-k1ll3d"
    (leftover / ".git").mkdir(parents=True)
    (leftover / "half.md").write_text("half\n")

    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url)], workdir)

    assert result.ok
    assert not leftover.exists()
    assert [p.name for p in (workdir / "repos").iterdir()] == ["alpha"]


def _corrupt(checkout: Path, how: str) -> None:
    if how == "not-a-repository":
        shutil.rmtree(checkout / ".git")
    elif how == "empty-git-dir":
        shutil.rmtree(checkout / ".git")
        (checkout / ".git").mkdir()
    elif how == "garbage-head":
        (checkout / ".git/HEAD").write_text("garbage\n")
    elif how == "no-objects":
        shutil.rmtree(checkout / ".git/objects")
        (checkout / ".git/objects/pack").mkdir(parents=True)
        (checkout / ".git/objects/info").mkdir()
    elif how == "a-file":
        shutil.rmtree(checkout)
        checkout.write_text("not a directory\n")
    elif how == "stale-index-lock":
        (checkout / ".git/index.lock").write_text("")


@pytest.mark.parametrize(
    ("how", "action"),
    [
        ("not-a-repository", "cloned"),
        ("empty-git-dir", "cloned"),
        ("garbage-head", "cloned"),
        ("a-file", "cloned"),
        ("stale-index-lock", "cloned"),
        ("no-objects", "updated"),  # a partial clone fetches what it lacks from its promisor
    ],
)
def test_corrupt_checkout_is_repaired(
    alpha: GitRepo, tmp_path: Path, how: str, action: str
) -> None:
    # The work directory sits inside another project's repository: git must never reach it.
    project = GitRepo(tmp_path / "project")
    project.write({"keep.md": "project file\n"})
    project_head = project.commit("project")
    workdir = project.path / ".scanner"
    spec = SourceSpec(name="alpha", url=alpha.url)
    sync([spec], workdir)
    checkout = workdir / "repos/alpha"
    _corrupt(checkout, how)

    (result,), calls = sync([spec], workdir)

    assert result.ok, result.reason
    assert calls == [("alpha", action)]
    assert git(checkout, "rev-parse", "HEAD") == alpha.head()
    git(checkout, "fsck", "--no-progress")
    assert (checkout / "README.md").read_text() == "# Alpha\n"
    assert project.head() == project_head
    assert git(project.path, "status", "--porcelain") == "?? .scanner/"
    assert [p.name for p in (workdir / "repos").iterdir()] == ["alpha"]


def test_origin_url_change_clones_the_new_repository(
    alpha: GitRepo, repo_factory: RepoFactory, workdir: Path
) -> None:
    beta = repo_factory("beta", {"BETA.md": "beta\n"})
    sync([SourceSpec(name="alpha", url=alpha.url)], workdir)

    (result,), calls = sync([SourceSpec(name="alpha", url=beta.url)], workdir)

    assert result.ok
    assert result.commit == beta.head()
    assert calls == [("alpha", "cloned")]
    assert (workdir / "repos/alpha/BETA.md").exists()
    assert not (workdir / "repos/alpha/README.md").exists()


# --- reading a checkout ---------------------------------------------------------------------------


BINARY = bytes(range(256)) * 40 + b"\r\n\x00end"


@pytest.fixture
def checkout(repo_factory: RepoFactory, workdir: Path) -> Path:
    repo = repo_factory(
        "files",
        {
            "README.md": "# Files\n",
            "bin/run.sh": "#!/bin/sh\necho hi\n",
            "data.bin": BINARY,
            "odd name\nwith newline.md": "odd\n",
            "ünïcode/ß.md": "unicode\n",
        },
    )
    (repo.path / "bin/run.sh").chmod(0o755)
    repo.symlink("link.md", "README.md")
    repo.commit("more")
    (result,), _ = sync([SourceSpec(name="files", url=repo.url)], workdir)
    assert result.checkout is not None, result.reason
    return result.checkout


def test_list_tracked_files_modes_and_blob_shas(checkout: Path) -> None:
    files = {f.path: f for f in list_tracked_files(checkout)}

    assert set(files) == {
        "README.md",
        "bin/run.sh",
        "data.bin",
        "link.md",
        "odd name\nwith newline.md",
        "ünïcode/ß.md",
    }
    assert files["link.md"].mode == "120000" and files["link.md"].is_symlink
    assert files["bin/run.sh"].mode == "100755"
    assert files["README.md"].mode == "100644"
    assert files["link.md"].blob_sha == git(checkout, "rev-parse", "HEAD:link.md")
    for path, tracked in files.items():
        if not tracked.is_symlink:
            assert tracked.blob_sha == git(checkout, "hash-object", "--", path), path


def test_list_tracked_files_outside_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(CheckoutError, match="cannot list the files"):
        list_tracked_files(tmp_path / "plain")


def test_blob_reader_reads_exact_bytes(checkout: Path) -> None:
    files = {f.path: f for f in list_tracked_files(checkout)}
    with BlobReader(checkout) as reader:
        for path, tracked in files.items():
            data = reader.read(tracked.blob_sha)
            assert reader.size(tracked.blob_sha) == len(data)
            if not tracked.is_symlink:
                assert data == (checkout / path).read_bytes(), path
        assert reader.read(files["data.bin"].blob_sha) == BINARY
        assert reader.read(files["link.md"].blob_sha) == b"README.md"


def test_blob_reader_errors(checkout: Path) -> None:
    readme = next(f for f in list_tracked_files(checkout) if f.path == "README.md")
    tree = git(checkout, "rev-parse", "HEAD^{tree}")
    with BlobReader(checkout) as reader:
        with pytest.raises(BlobUnavailableError, match="cannot be read"):
            reader.read("f" * 40)
        with pytest.raises(BlobUnavailableError, match="cannot be read"):
            reader.size("f" * 40)
        with pytest.raises(BlobUnavailableError, match="not a blob SHA"):
            reader.read("HEAD:README.md")
        with pytest.raises(BlobUnavailableError, match="not a blob"):
            reader.read(tree)
        # the persistent cat-file process is still in step after the errors
        assert reader.read(readme.blob_sha) == b"# Files\n"


# --- lock, URLs -----------------------------------------------------------------------------------


def test_workdir_lock_is_exclusive(workdir: Path) -> None:
    with workdir_lock(workdir) as lock_file:
        assert lock_file == workdir / ".lock"
        with pytest.raises(LockedError, match="another scan is using"), workdir_lock(workdir):
            pass  # pragma: no cover
        started = time.monotonic()
        with (
            pytest.raises(LockedError, match=r"\.lock"),
            workdir_lock(workdir, timeout=0.3),
        ):
            pass  # pragma: no cover
        assert time.monotonic() - started >= 0.3  # it waited before giving up
    with workdir_lock(workdir):
        pass  # released: free again


@pytest.fixture
def _no_fd_leak() -> Iterator[None]:
    fds = Path("/proc/self/fd")
    before = len(list(fds.iterdir()))
    yield
    assert len(list(fds.iterdir())) <= before


@pytest.mark.usefixtures("_no_fd_leak")
def test_workdir_lock_releases_its_descriptor(workdir: Path) -> None:
    for _ in range(5):
        with workdir_lock(workdir):
            pass


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:s3cret@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("https://ghp_token@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("https://u:p@ss@host/x", "https://***@host/x"),
        ("https://github.com/o/r.git", "https://github.com/o/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r.git",
        "http://host:8080/r",
        "ssh://git@host/r.git",
        "git://host/r.git",
        "file:///srv/r.git",
        "git@github.com:o/r.git",
        "host.example:r.git",
    ],
)
def test_acceptable_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "fd::3",
        "-oProxyCommand=x",
        "ssh://-oProxyCommand=x/r",
        "ftp://host/r",
        "/srv/r.git",
        "file://otherhost/r",
        "https://host",
        "https://host/r\nx",
    ],
)
def test_refused_urls(url: str) -> None:
    assert url_problem(url)


@pytest.mark.parametrize("ref", ["main", "v1.0", "feature/x-y", "20240101", "a" * 40, "b" * 64])
def test_acceptable_refs(ref: str) -> None:
    assert ref_problem(ref) is None
