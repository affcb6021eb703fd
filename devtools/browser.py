"""What the browser tests need: Debian's Chromium and axe-core's script (from npm)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from devtools import npm
from devtools.fetching import fetch_command

PROJECT = Path(__file__).resolve().parent.parent
AXE_HOME = PROJECT / ".local" / "axe-core"
AXE_PACKAGE = "axe-core@4.14.1"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_script() -> Path | None:
    script = AXE_HOME / "package" / "axe.min.js"
    return script if script.exists() else None


def fetch_axe() -> Path:
    return npm.fetch_once(AXE_PACKAGE, AXE_HOME, axe_script, "axe.min.js")


def main(argv: list[str]) -> int:
    missing = (
        "" if chromium() else "Chromium is not installed (apt-get install -y chromium): browser tests are skipped."
    )
    return fetch_command(argv, "devtools.browser", "axe-core", fetch_axe, missing=missing)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
