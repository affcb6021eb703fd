"""The mail and calendar parsers we did not write (node `mailparser`, ical.js, node-ical), from npm.

The suite runs every raw email and .ics file through them (tests/clients), so a message that one
real client would misread fails here first. Versions are locked in tests/clients/package-lock.json.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from devtools import npm

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
    if argv[1:] != ["fetch"]:
        print("usage: python -m devtools.mail_clients fetch", file=sys.stderr)
        return 2
    strict = os.environ.get("CI") == "true"
    if not node():
        print("Node.js is not installed (apt-get install -y npm): the mail client tests are skipped.", file=sys.stderr)
        return 1 if strict else 0
    try:
        fetch()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
        print(f"Could not fetch the mail client parsers: {error}", file=sys.stderr)
        return 1 if strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
