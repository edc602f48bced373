"""The sources manifest: what loads, and every way it can be wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanner.errors import ManifestError
from scanner.models import SourceSpec
from scanner.sources import load_sources

REPO_ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
schema_version: 1
repositories:
  - name: agents
    url: https://github.com/wshobson/agents.git
    ref: main
    include: ["plugins/**"]
    exclude: ["**/node_modules/**"]
  - name: local
    url: file:///srv/git/local.git
  - name: scp
    url: git@github.com:o/r.git
    ref: 0123456789ABCDEF0123456789abcdef01234567
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_sources(path)
    err = caught.value
    assert err.path == str(path)
    assert str(path) in str(err)  # the message names the file
    return err.problems


def one_entry(**fields: str) -> str:
    """A manifest with one repository entry (plus a good one before it)."""
    lines = [
        "schema_version: 1",
        "repositories:",
        "  - name: fine",
        "    url: https://example.com/fine.git",
    ]
    first = True
    for key, value in fields.items():
        lines.append(f"  {'-' if first else ' '} {key}: {value}")
        first = False
    return "\n".join(lines) + "\n"


def test_loads_in_file_order(tmp_path: Path) -> None:
    specs = load_sources(write(tmp_path, GOOD))
    assert specs == (
        SourceSpec(
            name="agents",
            url="https://github.com/wshobson/agents.git",
            ref="main",
            include=("plugins/**",),
            exclude=("**/node_modules/**",),
        ),
        SourceSpec(name="local", url="file:///srv/git/local.git"),
        # a full SHA is normalised to lower case: git cannot fetch it otherwise
        SourceSpec(
            name="scp",
            url="git@github.com:o/r.git",
            ref="0123456789abcdef0123456789abcdef01234567",
        ),
    )


def test_project_manifest_lists_the_ten_repositories() -> None:
    specs = load_sources(REPO_ROOT / "manifests/sources.yaml")
    assert [s.name for s in specs] == [
        "agents",
        "Auto-Claude",
        "casdk-harness",
        "claude-ui",
        "gastown",
        "proagent-repo",
        "provectus-marketplace",
        "ralph-orchestrator",
        "skills",
        "taches-cc-resources",
    ]
    assert all(s.url.startswith("https://github.com/") and s.ref is None for s in specs)
    by_name = {s.name: s.url for s in specs}
    assert by_name["proagent-repo"] == "https://github.com/provectus/proagent-repo.git"
    assert by_name["claude-ui"] == "https://github.com/siteboon/claudecodeui.git"


# --- the file itself ----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == ["the file does not exist"]


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    (problem,) = problems_of(tmp_path / "dir.yaml")
    assert problem.startswith("cannot read the file")


def test_yaml_that_does_not_parse(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "schema_version: 1\nrepositories: [\n  - x: {\n"))
    assert problem.startswith("not valid YAML (line ")


def test_yaml_tags_are_not_executed(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "!!python/object/apply:os.system ['true']\n"))
    assert "not valid YAML" in problem


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    (problem,) = problems_of(write(tmp_path, text))
    assert "must be a mapping" in problem


def test_schema_version(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, GOOD.replace("schema_version: 1", "schema_version: 2"))) == [
        "top level: schema_version: must be 1 (got 2)"
    ]
    path = write(tmp_path, GOOD.replace("schema_version: 1\n", ""))
    assert problems_of(path) == ["top level: missing required key 'schema_version'"]


def test_empty_repository_list(tmp_path: Path) -> None:
    path = write(tmp_path, "schema_version: 1\nrepositories: []\n")
    assert problems_of(path) == ["top level: repositories: lists no repository"]


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, GOOD + "repos: []\n")) == ["top level: unknown key 'repos'"]


def test_unknown_entry_key(tmp_path: Path) -> None:
    path = write(tmp_path, one_entry(name="x", url="https://h/x.git", branch="main"))
    assert problems_of(path) == ["repositories[1] (name 'x'): unknown key 'branch'"]


def test_missing_url_and_wrong_types(tmp_path: Path) -> None:
    path = write(tmp_path, one_entry(name="x", include="plugins/**"))
    problems = problems_of(path)
    assert "repositories[1] (name 'x'): missing required key 'url'" in problems
    assert any(p.startswith("repositories[1] (name 'x'): include:") for p in problems)


# --- entries --------------------------------------------------------------------------------------


def test_duplicate_names_ignoring_case(tmp_path: Path) -> None:
    text = GOOD + "  - name: Agents\n    url: https://example.com/a.git\n"
    assert problems_of(write(tmp_path, text)) == [
        "repositories[3] (name 'Agents'): duplicate name, already used by repositories[0] "
        "(names must be unique, ignoring case)"
    ]


@pytest.mark.parametrize("name", ["'-x'", "'.hidden'", "'a/b'", "'has space'", "''", "x" * 101])
def test_bad_names(tmp_path: Path, name: str) -> None:
    (problem,) = problems_of(write(tmp_path, one_entry(name=name, url="https://h/x.git")))
    assert problem.startswith("repositories[1]")
    assert "name: must be 1-100 characters" in problem


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("'-uhttps://h/x.git'", "must not start with '-'"),
        ("'ext::sh -c touch% /tmp/pwned'", "'ext::' transport form is refused"),
        ("'fd::7'", "'fd::' transport form is refused"),
        ("'ftp://h/x.git'", "scheme 'ftp' is not allowed"),
        ("'git+ssh://h/x.git'", "scheme 'git+ssh' is not allowed"),
        ("'/srv/x.git'", "not a URL"),
        ("'ssh://-oProxyCommand=x/r'", "must not start with '-'"),
    ],
)
def test_bad_urls(tmp_path: Path, url: str, expected: str) -> None:
    (problem,) = problems_of(write(tmp_path, one_entry(name="bad", url=url)))
    assert problem.startswith("repositories[1] (name 'bad'): url: ")
    assert expected in problem


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("'a..b'", "'..'"),
        ("'has space'", "space"),
        ("'a~1'", "'~'"),
        ("'a^'", "'^'"),
        ("'a:b'", "':'"),
        ("'a?'", "'?'"),
        ("'a*'", "'*'"),
        ("'a[b'", "'['"),
        ("'a\\\\b'", "'\\\\'"),
        ('"tab\\there"', "control characters"),
        ("'-delete'", "must not start with '-'"),
        ("'/main'", "must not start with '/'"),
        ("'main@{1}'", "'@{'"),
        ("'main.lock'", "'.lock'"),
        ("'main/'", "must not end with '/'"),
        ("'main.'", "must not end with '.'"),
        ("'a//b'", "'//'"),
        ("'a/.b'", "start with '.'"),
        ("'abc1234'", "abbreviated"),
        ("''", "empty"),
    ],
)
def test_bad_refs(tmp_path: Path, ref: str, expected: str) -> None:
    path = write(tmp_path, one_entry(name="bad", url="https://h/x.git", ref=ref))
    (problem,) = problems_of(path)
    assert problem.startswith("repositories[1] (name 'bad'): ref: ")
    assert "not a branch, tag or full commit SHA" in problem
    assert expected in problem


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ('["/etc/passwd"]', "is absolute"),
        ('["../other/**"]', "climbs out"),
        ('["plugins/../../x"]', "climbs out"),
        ('["ok/**", ""]', "must not be empty"),
        ('["a\\\\"]', "not a valid gitignore pattern"),
    ],
)
@pytest.mark.parametrize("key", ["include", "exclude"])
def test_bad_patterns(tmp_path: Path, key: str, patterns: str, expected: str) -> None:
    path = write(tmp_path, one_entry(name="bad", url="https://h/x.git", **{key: patterns}))
    (problem,) = problems_of(path)
    assert problem.startswith(f"repositories[1] (name 'bad'): {key}: ")
    assert expected in problem


def test_all_problems_are_collected(tmp_path: Path) -> None:
    text = """\
    schema_version: 1
    extra: true
    repositories:
      - name: one
        url: ftp://h/x.git
        ref: a..b
      - name: one
        url: https://h/y.git
        colour: blue
      - url: https://h/z.git
    """
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 6, problems
    joined = "\n".join(problems)
    assert "top level: unknown key 'extra'" in joined
    assert "repositories[0] (name 'one'): url: " in joined
    assert "repositories[0] (name 'one'): ref: " in joined
    assert "repositories[1] (name 'one'): unknown key 'colour'" in joined
    assert "repositories[1] (name 'one'): duplicate name" in joined
    assert "repositories[2]: missing required key 'name'" in joined


def test_credentials_in_urls_are_not_repeated(tmp_path: Path) -> None:
    path = write(tmp_path, one_entry(name="private", url="'ftp://user:s3cret@h/x.git'"))
    with pytest.raises(ManifestError) as caught:
        load_sources(path)
    assert "s3cret" not in str(caught.value)
    assert "ftp://***@h/x.git" in str(caught.value)


def test_credentials_are_kept_for_git(tmp_path: Path) -> None:
    path = write(tmp_path, one_entry(name="private", url="https://user:s3cret@h/x.git"))
    assert load_sources(path)[1].url == "https://user:s3cret@h/x.git"
