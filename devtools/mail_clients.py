"""The mail and calendar parsers we did not write (node `mailparser`, ical.js, node-ical), from npm.

The suite runs every raw email and .ics file through them (tests/clients), so a message that one
real client would misread fails here first. Versions are locked in tests/clients/package-lock.json.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from devtools import npm
from devtools.fetching import fetch_command

PROJECT = Path(__file__).resolve().parent.parent
MANIFEST = PROJECT / "tests" / "clients"
HOME = PROJECT / ".local" / "mail-clients"
PACKAGES = ("mailparser", "ical.js", "node-ical")


def node() -> str | None:
    return shutil.which("node")


def installed() -> bool:
    return all((HOME / "node_modules" / name / "package.json").exists() for name in PACKAGES)


def fetch() -> Path:
    npm.install_locked(MANIFEST, HOME)
    if not installed():
        raise RuntimeError(f"npm ci did not install {', '.join(PACKAGES)} into {HOME}")
    return HOME


def main(argv: list[str]) -> int:
    missing = "" if node() else "Node.js is not installed (apt-get install -y npm): the mail client tests are skipped."
    return fetch_command(argv, "devtools.mail_clients", "the mail client parsers", fetch, missing=missing)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
