"""`scanner issues`: the scan's issues as a table, Markdown or JSON, filtered by severity,
repository and code; and every query command's hint when output/ holds no catalog."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scanner.cli import main
from tests.test_examples_golden import _demo_module

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("issues")
    built = _demo_module().build(base / "demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(built.gitconfig))
        patch.chdir(ROOT)
        args = ["scan", "--sources", "examples/sources.yaml", "--output", str(base / "out")]
        assert main([*args, "--workdir", str(base / "work")]) == 0
    return base / "out"


def _issues(out: Path) -> list[dict[str, object]]:
    data = json.loads((out / "catalog/catalog.json").read_text(encoding="utf-8"))
    issues = data["issues"]
    assert isinstance(issues, list) and issues
    return issues


def test_json_lists_every_issue_and_filters_narrow_it(
    demo_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _issues(demo_output)
    common = ["--output", str(demo_output)]
    assert main(["issues", *common, "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything["issues"] == expected and everything["count"] == len(expected)

    assert main(["issues", *common, "--format", "json", "--severity", "warning"]) == 0
    severe = json.loads(capsys.readouterr().out)["issues"]
    assert severe == [i for i in expected if i["severity"] in ("error", "warning")]

    repo, code = str(expected[-1]["repo"]), str(expected[-1]["code"])
    assert main(["issues", *common, "--json", "--repo", repo, "--code", code]) == 0
    narrowed = json.loads(capsys.readouterr().out)["issues"]
    assert narrowed == [i for i in expected if i["repo"] == repo and i["code"] == code]


def test_table_and_markdown(demo_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _issues(demo_output)
    counts = Counter(str(i["severity"]) for i in expected)
    assert main(["issues", "--output", str(demo_output)]) == 0
    table = capsys.readouterr().out
    assert table.startswith(f"{len(expected)} of {len(expected)} issue(s): ")
    assert "{'" not in table  # a table, not a Python dict
    for issue in expected:
        assert str(issue["code"]) in table

    assert main(["issues", "--output", str(demo_output), "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(expected)  # the header, its rule, one row per issue
    assert f"{counts['error']} error" in text


def test_unknown_filter_values_are_usage_errors_with_a_suggestion(
    demo_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = str(_issues(demo_output)[0]["code"])
    common = ["issues", "--output", str(demo_output)]
    assert main([*common, "--code", code[:-1]]) == 2
    assert f"(did you mean {code!r}?)" in capsys.readouterr().err
    assert main([*common, "--severity", "warn"]) == 2
    assert "did you mean 'warning'?" in capsys.readouterr().err
    assert main([*common, "--json", "--format", "markdown"]) == 2


QUERIES = [
    ["show", "a::b.md"],
    ["catalog", "--practice", "backend"],
    ["explain", "a::b.md"],
    ["deps", "a::b.md"],
    ["graph"],
    ["issues"],
    ["eval", "examples/labels-backend.yaml"],
    ["site"],
]


@pytest.mark.parametrize("args", QUERIES, ids=lambda a: a[0])
def test_query_commands_without_a_catalog_say_how_to_get_one(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    assert main([*args, "--output", str(tmp_path / "empty")]) == 4
    err = capsys.readouterr().err
    assert "no catalog in" in err
    assert "run `make demo` and pass --output examples/output" in err
    assert "`scanner scan`" in err
