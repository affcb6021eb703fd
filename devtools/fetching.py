"""`python -m devtools.TOOL fetch`: the tools the tests need beside the venv (make test fetches them)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable


def fetch_command(argv: list[str], module: str, name: str, fetch: Callable[[], object], *, missing: str = "") -> int:
    """Fetch one tool and say where it is. `missing` says why it cannot run on this machine (no Java, no
    Node.js, no Chromium): then nothing is fetched. A problem is said on stderr; under CI (CI=true)
    nothing may be skipped, so it fails the build; elsewhere the tests that need the tool skip."""
    if argv[1:] != ["fetch"]:
        print(f"usage: python -m {module} fetch", file=sys.stderr)
        return 2
    problem = missing
    if not problem:
        try:
            print(f"{name}: {fetch()}")
        except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
            problem = f"Could not fetch {name}: {error}"
    if problem:
        print(problem, file=sys.stderr)
    return 1 if problem and os.environ.get("CI") == "true" else 0
