"""Make headless Chromium and its driver available to the browser test (tests/test_site_browser.py).

`make test` runs this first. When the binaries are missing and we may install system packages
(as root, or on CI with password-less sudo), it installs the distribution's `chromium` and
`chromium-driver` with apt-get. It never fails the build: when it cannot install, it says why,
and the test skips with that reason (except on CI as root with apt, where the test must run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ("chromium", "chromium-driver")
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def found(candidates: tuple[str, ...]) -> str | None:
    return next((path for path in candidates if os.access(path, os.X_OK)), None)


def installer() -> list[str] | None:
    """How to run apt-get here, or None when we may not install system packages."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    on_ci = os.environ.get("CI", "").lower() == "true"
    if on_ci and shutil.which("sudo") is not None:
        return ["sudo", "-n"]
    return None


def main() -> int:
    if found(BROWSERS) and found(DRIVERS):
        return 0
    prefix = installer()
    if prefix is None:
        print(
            "ensure_chromium: chromium or chromedriver missing and not root/CI with apt-get; "
            "the browser test will skip (install: apt-get install chromium chromium-driver)",
            file=sys.stderr,
        )
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"ensure_chromium: installing {' '.join(PACKAGES)} with apt-get", file=sys.stderr)
    for command in (
        [*prefix, "apt-get", "update", "-qq"],
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
    ):
        result = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            print(
                f"ensure_chromium: `{' '.join(command)}` failed ({result.returncode}): "
                + " | ".join(tail),
                file=sys.stderr,
            )
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
