"""Secrets in places the first round of redaction did not look: a path, a symlink target, a
JWT, a PEM private key across lines of front matter, a password with spaces, a URL password
holding `@`, a token in a git error. None may reach any output file, stdout, stderr or the
crash log; and redaction stays linear on hostile text of several megabytes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from scanner.secrets import REDACTED, redact
from tests.gitrepo import make_repo
from tests.hazards.harness import Run, run_cli, scan, skill

# Shaped like the real thing, made up here (none of them was ever a credential).
GITHUB_TOKEN = "ghp_" + "Q7x9" * 9
PATH_TOKEN = "ghp_" + "Zk4w" * 9
LINK_TOKEN = "glpat-" + "Vb6n" * 5
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM_BODY = "MIIEowIBAAKCAQEAq8Jx2b5VuUqFqHUbHh5W0b2k9sZpDq7Qp1vF3RWn8Qhidden"
PASSWORD = "correct horse battery staple"
URL_PASSWORD = "p@ss-w0rd@2026"
SLACK_HOOK = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx"
SECRETS = (GITHUB_TOKEN, PATH_TOKEN, LINK_TOKEN, JWT, PEM_BODY, PASSWORD, URL_PASSWORD, SLACK_HOOK)
# What a half-done redaction would leave behind.
FRAGMENTS = ("w0rd@2026", "Zk4wZk4w", "Vb6nVb6n", "SflKxwRJ", "horse battery")


@pytest.fixture(scope="module")
def run(module_env: Path) -> Run:
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n  {PEM_BODY}\n  -----END RSA PRIVATE KEY-----"
    files = {
        f"skills/{PATH_TOKEN}/SKILL.md": skill("in-path"),
        "skills/jwt/SKILL.md": skill("jwt", f"REST API auth with the token {JWT} in a header."),
        "skills/pem/SKILL.md": skill("pem", extra=f"key: |\n  {pem}\n"),
        "skills/password/SKILL.md": skill("password", extra=f"password: {PASSWORD}\n"),
        "skills/url/SKILL.md": skill(
            "url",
            f"REST API behind https://deploy:{URL_PASSWORD}@api.example.invalid/v1 endpoints.",
            body=f"Post results to {SLACK_HOOK}.\n\n# Heading with {GITHUB_TOKEN}\n",
        ),
    }
    repo = make_repo(module_env / "remotes" / "leaky", files)
    # A symlink whose target names a token: its issue message quotes the target.
    repo.symlink("skills/link/SKILL.md", f"../../../{LINK_TOKEN}/SKILL.md")
    repo.commit("symlink")
    return scan(module_env, {"leaky": repo.url})


def test_the_scan_succeeds(run: Run) -> None:
    assert run.code == 0, run.stderr


def test_no_secret_reaches_any_output(run: Run) -> None:
    everything = run.everything()
    for secret in (*SECRETS, *FRAGMENTS):
        assert secret not in everything, secret
    assert REDACTED in everything


def test_nor_any_command_that_prints_the_catalog(run: Run) -> None:
    common = ["--output", str(run.out), "--workdir", str(run.work)]
    ids = [a["id"] for a in run.catalog["assets"]]
    printed = []
    for asset_id in ids:
        printed.append(run_cli(["show", asset_id, *common]))
        printed.append(run_cli(["show", asset_id, "--json", *common]))
    printed.append(run_cli(["graph", *common]))
    printed.append(run_cli(["catalog", "--practice", "backend", "--json", *common]))
    for code, out, err in printed:
        assert code == 0, err
        for secret in (*SECRETS, *FRAGMENTS):
            assert secret not in out + err


def test_each_leak_is_reported(run: Run) -> None:
    redacted_path = f"skills/{REDACTED}/SKILL.md"
    for path in (
        redacted_path,
        "skills/jwt/SKILL.md",
        "skills/pem/SKILL.md",
        "skills/password/SKILL.md",
        "skills/url/SKILL.md",
    ):
        assert "leaked-secret" in run.codes(path), (path, run.codes(path))
    assert run.asset("leaky", "skills/password/SKILL.md")["frontmatter"]["password"] == REDACTED
    assert run.asset("leaky", "skills/url/SKILL.md")["description"] == (
        f"REST API behind https://{REDACTED}@api.example.invalid/v1 endpoints."
    )


# --- the function itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://bot:{URL_PASSWORD}@h.invalid/x", f"https://{REDACTED}@h.invalid/x"),
        ("ssh://git@github.com/acme/x.git", "ssh://git@github.com/acme/x.git"),
        (f"a {JWT} b", f"a {REDACTED} b"),
        (f"password: {PASSWORD}\nnext: 1", f"password: {REDACTED}\nnext: 1"),
        ("password: ${DB_PASSWORD}", "password: ${DB_PASSWORD}"),
        (
            f"x\n-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----\ny",
            f"x\n{REDACTED}\ny",
        ),
        (
            "//registry.npmjs.org/:_authToken=npm_abcdef0123456789",
            f"//registry.npmjs.org/:_authToken={REDACTED}",
        ),
        ("task-coordination-strategies and sk-learn", "task-coordination-strategies and sk-learn"),
        ("SG." + "a" * 22 + "." + "b" * 43, REDACTED),  # detect-secrets' SendGrid shape
        ("xoxb-1234567890-1234567890-abcdefabcdef", REDACTED),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected


MIB = 1024 * 1024
HOSTILE_RUNS = (
    "https://a:",  # the old userinfo pattern: quadratic
    "://a@",
    "eyJ",  # detect-secrets' JWT pattern: quadratic
    "eyJa.",
    "sk-",  # detect-secrets' OpenAI pattern: quadratic
    "//a/",  # detect-secrets' npm pattern: quadratic
    "pypi-AgEIcHlwaS5vcmc",
    "password: x ",
    "\n\n\n",
    "-----BEGIN PRIVATE KEY-----",
    "a",
    "ghp_",
)


# `make test`: one and four quarter-mebibytes; `make fuzz`: one and four mebibytes.
SIZES = (MIB, 4 * MIB) if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else (MIB // 4, MIB)


@pytest.mark.parametrize("piece", HOSTILE_RUNS)
def test_property_redaction_is_linear_on_lines_of_megabytes(piece: str) -> None:
    """A 100 kB heading took 11 s and a 300 kB one 99 s: the cost grew with the square."""
    seconds = []
    for size in SIZES:
        text = piece * (size // len(piece))
        best = float("inf")
        for _ in range(2):  # CPU time, the better of two: the machine is shared
            started = time.process_time()
            redact(text)
            best = min(best, time.process_time() - started)
        seconds.append(best)
    # No absolute bound: speed figures belong to `make bench`; this test is about the shape.
    # Four times the text: about four times the time, where a square would be sixteen.
    assert seconds[1] < 10 * max(seconds[0], 0.02), seconds


def test_a_secret_deep_in_a_long_run_is_still_found() -> None:
    text = "x" * 100_000 + "=" + GITHUB_TOKEN + "=" + "y" * 100_000
    assert GITHUB_TOKEN not in redact(text)
    assert json.dumps(redact(text)).count(REDACTED) == 1


def test_a_token_in_a_failing_source_url_reaches_no_output(module_env: Path) -> None:
    """A git error quotes the URL it failed on; the URL's path held a token (a credential
    pasted into the manifest by mistake). Its userinfo was redacted, its path was not."""
    good = make_repo(module_env / "remotes" / "good", {"skills/ok/SKILL.md": skill("ok")})
    missing = f"file://{module_env}/remotes/{GITHUB_TOKEN}/missing"
    for name in ("failing", "lonely"):
        (module_env / name).mkdir()
    run = scan(module_env / "failing", {"good": good.url, "gone": missing})
    assert run.code == 3, run.stderr
    assert GITHUB_TOKEN not in run.everything()
    lonely = scan(module_env / "lonely", {"gone": missing})
    assert lonely.code == 4, lonely.stderr
    assert GITHUB_TOKEN not in lonely.everything() and REDACTED in lonely.stderr
