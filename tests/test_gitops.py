"""scanner.git against real git repositories on disk (file:// URLs); no mocked git."""

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
from scanner.git.history import commit_exists, renames_between
from scanner.git.lock import workdir_lock
from scanner.git.plumbing import (
    BLOB_MISSING,
    BlobReader,
    BlobUnavailableError,
    CloneError,
    ensure_blobs,
    list_tree,
    missing_objects,
    read_blobs,
)
from scanner.git.safety import redact_url, ref_problem, url_problem
from scanner.git.store import inspect_clones, remote_commits, sync_sources
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


def paths(clone: Path, rev: str = "HEAD") -> set[str]:
    return set(git(clone, "ls-tree", "-r", "--name-only", rev).splitlines())


def show(clone: Path, spec: str) -> str:
    """A file of the clone's HEAD (git fetches the blob from the promisor if need be)."""
    return git(clone, "cat-file", "blob", spec)


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


def test_clone_is_bare_blobless_and_records_commit_date(alpha: GitRepo, workdir: Path) -> None:
    results, calls = sync([SourceSpec(name="alpha", url=alpha.url, exclude=("x/**",))], workdir)

    (result,) = results
    assert result.status is SyncStatus.OK, result.reason
    assert result.commit == alpha.head()
    assert result.commit_date == FIXTURE_DATE
    clone = workdir / "repos" / "alpha"
    assert result.checkout == clone
    assert result.exclude == ("x/**",)
    # No working tree and no index: nothing was ever checked out.
    assert git(clone, "rev-parse", "--is-bare-repository") == "true"
    assert not (clone / "index").exists() and not (clone / "skills").exists()
    assert git(clone, "config", "remote.origin.partialclonefilter") == "blob:none"
    # Blobless: the blobs of the commit are not there until someone asks for them.
    assert len(missing_objects(clone, result.commit) or ()) == 2
    assert git(clone, "rev-parse", "HEAD") == alpha.head()
    assert paths(clone) == {"README.md", "skills/x/SKILL.md"}
    assert calls == [("alpha", "cloned")]
    assert [p.name for p in (workdir / "repos").iterdir()] == ["alpha"]


def test_update_sees_new_commit_without_recloning(alpha: GitRepo, workdir: Path) -> None:
    spec = SourceSpec(name="alpha", url=alpha.url)
    sync([spec], workdir)
    clone = workdir / "repos" / "alpha"
    marker = clone / "scanner-test-marker"
    marker.write_text("first clone\n")

    alpha.write({"new.md": "new\n"})
    second = alpha.commit("second", date="2026-02-01T08:30:00+02:00")
    results, calls = sync([spec], workdir)

    (result,) = results
    assert result.ok, result.reason
    assert result.commit == second
    assert result.commit_date == "2026-02-01T08:30:00+02:00"
    assert calls == [("alpha", "updated")]
    assert marker.exists(), "the clone was made again instead of updated"
    assert "new.md" in paths(clone)
    assert git(clone, "rev-parse", "HEAD") == second


def test_relative_workdir(alpha: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = SourceSpec(name="alpha", url=alpha.url)
    _, first = sync([spec], Path("wd"))
    (result,), second = sync([spec], Path("wd"))
    assert (first, second) == ([("alpha", "cloned")], [("alpha", "updated")])
    assert result.checkout is not None
    assert result.checkout.resolve() == (tmp_path / "wd/repos/alpha").resolve()


def test_pinned_sha_settles_on_that_commit(alpha: GitRepo, workdir: Path) -> None:
    first = alpha.head()
    alpha.write({"later.md": "later\n"})
    alpha.commit("later")

    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url, ref=first)], workdir)

    assert result.ok, result.reason
    assert result.commit == first
    assert "later.md" not in paths(workdir / "repos/alpha")


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
    assert "dev-only.md" in paths(workdir / "repos/dev")
    assert got["tagged"].commit == main_head  # the annotated tag, peeled to its commit
    assert got["default"].commit == main_head
    assert "dev-only.md" not in paths(workdir / "repos/default")


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


def test_failed_update_keeps_the_previous_clone(alpha: GitRepo, workdir: Path) -> None:
    spec = SourceSpec(name="alpha", url=alpha.url)
    (first,), _ = sync([spec], workdir)
    shutil.rmtree(alpha.path)

    (result,), calls = sync([spec], workdir)

    assert result.status is SyncStatus.FAILED
    assert "does not appear to be a git repository" in result.reason
    assert result.reason.endswith("(the previous checkout is kept)")
    assert calls == [("alpha", "failed")]
    assert git(workdir / "repos/alpha", "rev-parse", "HEAD") == first.commit


def test_missing_blob_upstream_does_not_fail_the_sync(alpha: GitRepo, workdir: Path) -> None:
    # Like the Auto-Claude mirror: the remote lacks one blob of its own head commit. Nothing is
    # checked out, so the sync does not need it; discovery reports it (test_discover_objectstore).
    blob = git(alpha.path, "rev-parse", "HEAD:README.md")
    (alpha.path / ".git/objects" / blob[:2] / blob[2:]).unlink()

    (result,), _ = sync([SourceSpec(name="alpha", url=alpha.url)], workdir)

    assert result.ok, result.reason
    clone = workdir / "repos/alpha"
    skill = git(clone, "rev-parse", "HEAD:skills/x/SKILL.md")
    assert ensure_blobs(clone, result.commit, [blob, skill]).keys() == {blob}
    assert show(clone, "HEAD:skills/x/SKILL.md") == "x"


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
def test_sync_refuses_unsafe_urls_itself(url: str, workdir: Path) -> None:
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


def _corrupt(clone: Path, how: str, tmp_path: Path) -> None:
    if how == "not-a-repository":
        shutil.rmtree(clone)
        clone.mkdir()
        (clone / "junk.txt").write_text("junk\n")
    elif how == "old-style-checkout":
        shutil.rmtree(clone)
        (clone / ".git").mkdir(parents=True)
        (clone / "README.md").write_text("stale\n")
    elif how == "garbage-head":
        (clone / "HEAD").write_text("garbage\n")
    elif how == "garbage-config":
        (clone / "config").write_text("[[[ not a config\n")
    elif how == "foreign-config":
        # A setting this scanner never writes (here one that would run a program): not trusted.
        with (clone / "config").open("a") as config:
            config.write(f"[core]\n\tfsmonitor = touch {tmp_path / 'fsmonitor-ran'}\n")
    elif how == "alternates":
        (clone / "objects/info/alternates").write_text(f"{tmp_path}/elsewhere/objects\n")
    elif how == "deleted-objects":
        shutil.rmtree(clone / "objects")
        (clone / "objects/pack").mkdir(parents=True)
        (clone / "objects/info").mkdir()
    elif how == "a-file":
        shutil.rmtree(clone)
        clone.write_text("not a directory\n")


@pytest.mark.parametrize(
    ("how", "action"),
    [
        ("not-a-repository", "cloned"),
        ("old-style-checkout", "cloned"),
        ("garbage-head", "cloned"),
        ("garbage-config", "cloned"),
        ("foreign-config", "cloned"),
        ("alternates", "cloned"),
        ("deleted-objects", "updated"),  # the fetch brings back what the clone lacks
        ("a-file", "cloned"),
    ],
)
def test_broken_clone_is_repaired(alpha: GitRepo, tmp_path: Path, how: str, action: str) -> None:
    # The work directory sits inside another project's repository: git must never reach it.
    project = GitRepo(tmp_path / "project")
    project.write({"keep.md": "project file\n"})
    project_head = project.commit("project")
    workdir = project.path / ".scanner"
    spec = SourceSpec(name="alpha", url=alpha.url)
    sync([spec], workdir)
    clone = workdir / "repos/alpha"
    _corrupt(clone, how, tmp_path)

    (result,), calls = sync([spec], workdir)

    assert result.ok, result.reason
    assert calls == [("alpha", action)]
    assert git(clone, "rev-parse", "HEAD") == alpha.head()
    assert show(clone, "HEAD:README.md") == "# Alpha"
    assert not (tmp_path / "fsmonitor-ran").exists()
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
    assert paths(workdir / "repos/alpha") == {"BETA.md"}


def test_inspect_clones_reads_the_settled_commit_offline(alpha: GitRepo, workdir: Path) -> None:
    spec = SourceSpec(name="alpha", url=alpha.url)
    (synced,), _ = sync([spec], workdir)
    shutil.rmtree(alpha.path)  # offline: the remote is gone
    (found,) = inspect_clones([spec], workdir)
    assert found.ok and (found.commit, found.commit_date) == (synced.commit, synced.commit_date)
    (clone := workdir / "repos/alpha" / "HEAD").write_text("garbage\n")
    (broken,) = inspect_clones([spec], workdir)
    assert not broken.ok and "run `scanner sync` again" in broken.reason
    assert clone.exists()


def test_remote_commits_follow_branches_tags_and_pins(alpha: GitRepo, workdir: Path) -> None:
    git(alpha.path, "tag", "-a", "v1.0", "-m", "release")
    pinned = "0123456789abcdef0123456789abcdef01234567"
    specs = [
        SourceSpec(name="default", url=alpha.url),
        SourceSpec(name="tag", url=alpha.url, ref="v1.0"),
        SourceSpec(name="pin", url=alpha.url, ref=pinned),
        SourceSpec(name="nope", url=alpha.url, ref="nope"),
        SourceSpec(name="gone", url=(workdir / "missing").as_uri()),
    ]
    got = remote_commits(specs, workdir, timeout=30, jobs=2)
    assert got == {
        "default": alpha.head(),
        "tag": alpha.head(),  # the annotated tag, peeled
        "pin": pinned,
        "nope": None,
        "gone": None,
    }


# --- reading a clone ------------------------------------------------------------------------------


BINARY = bytes(range(256)) * 40 + b"\r\n\x00end"
LONG_NAME = "n" * 253 + ".md"  # 256 bytes: more than most file systems allow in one name


@pytest.fixture
def files_repo(repo_factory: RepoFactory) -> GitRepo:
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
    return repo


@pytest.fixture
def clone(files_repo: GitRepo, workdir: Path) -> Path:
    (result,), _ = sync([SourceSpec(name="files", url=files_repo.url)], workdir)
    assert result.checkout is not None, result.reason
    return result.checkout


def test_list_tree_modes_and_blob_shas(clone: Path, files_repo: GitRepo) -> None:
    files = {f.path: f for f in list_tree(clone, "HEAD")}

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
    assert files["link.md"].blob_sha == git(clone, "rev-parse", "HEAD:link.md")
    for path, tracked in files.items():
        if not tracked.is_symlink:
            expected = git(files_repo.path, "hash-object", "--", path)
            assert tracked.blob_sha == expected, path


def test_list_tree_outside_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(CloneError, match="cannot list the files"):
        list_tree(tmp_path / "plain", "HEAD")


def test_read_blobs_fetches_what_is_missing_in_one_go(clone: Path, files_repo: GitRepo) -> None:
    files = {f.path: f for f in list_tree(clone, "HEAD")}
    head = git(clone, "rev-parse", "HEAD")
    wanted = [files[p].blob_sha for p in ("README.md", "data.bin", "ünïcode/ß.md")]
    assert set(wanted) <= (missing_objects(clone, head) or set())
    assert ensure_blobs(clone, head, wanted) == {}
    assert not set(wanted) & (missing_objects(clone, head) or set())
    got = list(read_blobs(clone, [*wanted, "f" * 40], max_bytes=1000))
    assert got[0] == (wanted[0], 8, b"# Files\n")
    assert got[1] == (wanted[1], len(BINARY), None)  # over the cap: size only
    assert got[2][2] == b"unicode\n"
    assert got[3] == ("f" * 40, BLOB_MISSING, None)
    with pytest.raises(BlobUnavailableError, match="not a blob SHA"):
        list(read_blobs(clone, ["HEAD:README.md"], max_bytes=10))


def test_blob_reader_reads_exact_bytes(clone: Path, files_repo: GitRepo) -> None:
    files = {f.path: f for f in list_tree(clone, "HEAD")}
    with BlobReader(clone) as reader:
        for path, tracked in files.items():
            data = reader.read(tracked.blob_sha)
            if not tracked.is_symlink:
                assert data == (files_repo.path / path).read_bytes(), path
        assert reader.read(files["data.bin"].blob_sha) == BINARY
        assert reader.read(files["link.md"].blob_sha) == b"README.md"


def test_blob_reader_errors(clone: Path) -> None:
    readme = next(f for f in list_tree(clone, "HEAD") if f.path == "README.md")
    tree = git(clone, "rev-parse", "HEAD^{tree}")
    with BlobReader(clone) as reader:
        with pytest.raises(BlobUnavailableError, match="cannot be read"):
            reader.read("f" * 40)
        with pytest.raises(BlobUnavailableError, match="not a blob SHA"):
            reader.read("HEAD:README.md")
        with pytest.raises(BlobUnavailableError, match="not a blob"):
            reader.read(tree)
        # the persistent cat-file process is still in step after the errors
        assert reader.read(readme.blob_sha) == b"# Files\n"


# --- history on a blobless clone --------------------------------------------------------------

LONG = "".join(f"Line {i}: keep services stateless and idempotent.\n" for i in range(40))


def test_renames_between_finds_moves_in_a_blobless_clone(
    repo_factory: RepoFactory, workdir: Path
) -> None:
    repo = repo_factory("hist", {"a/one.md": LONG, "b/two.md": LONG + "two\n", "c.txt": "x\n"})
    old = repo.head()
    repo.move("a/one.md", "z/one.md")
    repo.move("b/two.md", "y/renamed.md")
    repo.write({"y/renamed.md": LONG + "two, edited\n"})
    repo.remove("c.txt")
    new = repo.commit("reorganise")
    (result,), _ = sync([SourceSpec(name="hist", url=repo.url)], workdir)
    clone = workdir / "repos/hist"
    assert result.commit == new
    assert missing_objects(clone, old), "the old blobs are not in the clone"

    # The edited move needs both contents: git fetches them from the promisor remote.
    assert renames_between(clone, old, new) == {
        "a/one.md": "z/one.md",
        "b/two.md": "y/renamed.md",
    }
    assert renames_between(clone, new, new) == {}
    assert commit_exists(clone, old)
    # History force-pushed away: the old commit is unknown, and that is not an error.
    missing = "d" * 40
    assert not commit_exists(clone, missing)
    assert renames_between(clone, missing, new) == {}
    assert renames_between(clone, "--output=/tmp/x", new) == {}


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
