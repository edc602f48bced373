"""Hostile YAML front matter: each file costs ScanIssues, never the scan, the time, the memory
or a side effect; and nothing it holds can make the output invalid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import git, make_repo
from tests.hazards.harness import Run, scan, skill, strict_json

MIB = 1024 * 1024


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": `width ** levels` strings (9 ** 9 = 387 million), a few lines."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def python_tags(marker: Path) -> str:
    """Every way PyYAML's unsafe loaders run code; the safe loader must refuse all of them."""
    return (
        f'run: !!python/object/apply:os.system ["touch {marker}-system"]\n'
        f'popen: !!python/object/new:subprocess.Popen [["touch", "{marker}-popen"]]\n'
        "name_tag: !!python/name:os.system\n"
        "module: !!python/module:os\n"
    )


@pytest.fixture(scope="module")
def marker(module_env: Path) -> Path:
    return module_env / "pwned"


@pytest.fixture(scope="module")
def run(module_env: Path, marker: Path) -> Run:
    files: dict[str, str | bytes] = {
        "skills/ok/SKILL.md": skill("ok"),
        "skills/unparsable/SKILL.md": skill("unparsable", extra="tags: [unclosed, \n"),
        "skills/pytag/SKILL.md": skill("pytag", extra=python_tags(marker)),
        "skills/pytag-name/SKILL.md": (
            f"---\nname: !!python/object/apply:os.system ['touch {marker}-name']\n---\n# x\n"
        ),
        "skills/bomb/SKILL.md": skill("bomb", extra=alias_bomb()),
        "skills/big-frontmatter/SKILL.md": skill(
            "big-frontmatter", extra="".join(f"k{i}: {'v' * 60}\n" for i in range(22_000))
        ),
        "skills/huge-frontmatter/SKILL.md": skill(
            "huge-frontmatter", extra="".join(f"k{i}: {'v' * 60}\n" for i in range(80_000))
        ),
        # The YAML reader refuses control characters before parsing begins.
        "skills/control/SKILL.md": skill("control", extra="note: a bell \x07 rings\n"),
        "skills/duplicate/SKILL.md": skill("duplicate", extra="name: second-name\n"),
        "skills/keys/SKILL.md": skill("keys", extra="2: two\ntrue: yes\nnull: nothing\n3.5: x\n"),
        "skills/name-list/SKILL.md": (
            f"---\nname: [alpha, beta]\ndescription: {json.dumps('Lists. ' + 'x' * 10)}\n---\n"
            "# Name list\n"
        ),
        # Values Python or JSON cannot carry as they are.
        "skills/odd-values/SKILL.md": skill(
            "odd-values",
            extra=(
                "created: 2024-13-45\n"  # no such date
                f"serial: {'9' * 5000}\n"  # more digits than int() converts
                f"mask: 0b{'1' * 20000}\n"  # converts, but could never be printed
                "ratio: .inf\nmissing: .nan\n"  # not JSON numbers
                'note: "\\ud800 lone surrogate"\n'  # no UTF-8 file can hold it
                "flags: !!set {zeta, alpha, mu}\n"  # a set: hash order unless sorted
                "strict: !!bool maybe\n"  # the bool constructor raises KeyError
            ),
        ),
    }
    repo = make_repo(module_env / "remotes" / "hostile", files)
    return scan(module_env, {"hostile": repo.url})


def issue(run: Run, path: str, code: str) -> dict[str, Any]:
    found = [i for i in run.issues(path) if i["code"] == code]
    assert found, f"{path}: no {code} in {sorted(run.codes(path))}"
    return found[0]


def test_the_scan_finishes_and_every_file_is_still_an_asset(run: Run) -> None:
    assert run.code == 0, run.stderr
    paths = {a["path"] for a in run.catalog["assets"]}
    # A file whose front matter is wrong is still a skill, with its problems recorded; only
    # the one too large to read is not.
    assert {
        "skills/ok/SKILL.md",
        "skills/unparsable/SKILL.md",
        "skills/pytag/SKILL.md",
        "skills/pytag-name/SKILL.md",
        "skills/bomb/SKILL.md",
        "skills/control/SKILL.md",
        "skills/big-frontmatter/SKILL.md",
        "skills/duplicate/SKILL.md",
        "skills/keys/SKILL.md",
        "skills/name-list/SKILL.md",
        "skills/odd-values/SKILL.md",
    } <= paths
    assert "skills/huge-frontmatter/SKILL.md" not in paths
    assert run.codes("skills/ok/SKILL.md") == set()


def test_yaml_that_does_not_parse(run: Run) -> None:
    found = issue(run, "skills/unparsable/SKILL.md", "frontmatter-parse-error")
    assert found["severity"] == "error"
    assert found["line"] >= 2  # points into the front matter, not at line 0
    asset = run.asset("hostile", "skills/unparsable/SKILL.md")
    assert asset["frontmatter"] == {}
    assert asset["name"] == "unparsable"  # the folder name stands in


def test_control_characters(run: Run) -> None:
    """Found by the hazard suite: the YAML reader raised as the loader was made, outside the
    parser's error handling, and the exception ended the whole scan (exit 70)."""
    found = issue(run, "skills/control/SKILL.md", "frontmatter-parse-error")
    assert "#x0007" in found["message"]
    assert run.asset("hostile", "skills/control/SKILL.md")["name"] == "control"


def test_python_tags_are_refused_and_never_run(run: Run, marker: Path) -> None:
    for path in ("skills/pytag/SKILL.md", "skills/pytag-name/SKILL.md"):
        found = issue(run, path, "frontmatter-parse-error")
        assert "python/" in found["message"]
        assert run.asset("hostile", path)["frontmatter"] == {}
    assert sorted(marker.parent.glob(f"{marker.name}*")) == []


def test_alias_bomb_is_bounded(run: Run) -> None:
    found = issue(run, "skills/bomb/SKILL.md", "yaml-too-complex")
    assert "alias" in found["message"]
    assert run.asset("hostile", "skills/bomb/SKILL.md")["frontmatter"] == {}
    # 387 million strings would take minutes and gigabytes; the whole scan takes seconds.
    assert run.seconds < 60


def blob_size(clone: Path, path: str) -> int:
    return int(git(clone, "cat-file", "-s", f"HEAD:{path}"))


def test_front_matter_of_several_mebibytes(run: Run) -> None:
    big = "skills/big-frontmatter/SKILL.md"
    assert blob_size(run.work / "repos/hostile", big) > MIB
    assert "frontmatter-too-large" in run.codes(big)
    assert run.asset("hostile", big)["frontmatter"] == {}
    # Over the file cap, the file is not even read.
    huge = "skills/huge-frontmatter/SKILL.md"
    assert blob_size(run.work / "repos/hostile", huge) > 4 * MIB
    assert run.codes(huge) == {"file-too-large"}


def test_duplicate_keys(run: Run) -> None:
    found = issue(run, "skills/duplicate/SKILL.md", "duplicate-key")
    assert found["severity"] == "warning"
    assert "'name'" in found["message"]
    assert run.asset("hostile", "skills/duplicate/SKILL.md")["frontmatter"]["name"] == (
        "second-name"
    )


def test_non_string_keys(run: Run) -> None:
    assert "non-string-key" in run.codes("skills/keys/SKILL.md")
    frontmatter = run.asset("hostile", "skills/keys/SKILL.md")["frontmatter"]
    assert {"2", "True", "None", "3.5"} <= set(frontmatter)


def test_a_name_that_is_a_list(run: Run) -> None:
    found = issue(run, "skills/name-list/SKILL.md", "frontmatter-field-type")
    assert found["severity"] == "error"
    assert "`name` must be a string" in found["message"]
    asset = run.asset("hostile", "skills/name-list/SKILL.md")
    assert asset["name"] == "name-list"
    assert asset["frontmatter"]["name"] == ["alpha", "beta"]


def test_values_json_cannot_carry_are_kept_as_text(run: Run) -> None:
    """Found by the hazard suite: a lone surrogate stopped the writer halfway (exit 70, a
    mix of old and new files); `.inf` wrote `Infinity`, which is not JSON; a bad date or a
    long integer cost the whole front matter; `!!set` came out in hash order."""
    assert run.codes("skills/odd-values/SKILL.md") == {"skill-unknown-keys"}
    frontmatter = run.asset("hostile", "skills/odd-values/SKILL.md")["frontmatter"]
    assert frontmatter["created"] == "2024-13-45"
    assert frontmatter["serial"] == "9" * 5000
    assert frontmatter["mask"] == "0b" + "1" * 20000
    assert frontmatter["ratio"] == "inf"
    assert frontmatter["missing"] == "nan"
    assert frontmatter["note"] == "\ufffd lone surrogate"
    assert frontmatter["flags"] == ["alpha", "mu", "zeta"]
    assert frontmatter["strict"] == "maybe"
    for path in sorted(run.out.rglob("*.json")):
        strict_json(path)  # raises on NaN or Infinity
    for path in sorted(run.out.rglob("*")):
        if path.is_file():
            path.read_bytes().decode("utf-8")  # raises on anything that is not UTF-8
