"""Parsers we did not write, over the raw bytes we send: node `mailparser`, Python `mail-parser`,
ical.js, node-ical and vobject. Each test writes its messages and .ics files to disk, one node
process reads them all, and the session's summary says which versions read how many."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mailparser
import pytest
import vobject

from devtools import mail_clients
from tests.helpers import require

SCRIPT = Path(__file__).with_name("parse.mjs")
PARSED: Counter[str] = Counter()
VERSIONS: dict[str, str] = {"mail-parser": version("mail-parser"), "vobject": version("vobject")}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if PARSED:
        terminalreporter.write_line(
            "independent parsers: "
            + "; ".join(f"{name} {VERSIONS.get(name, '?')}: {count} parses" for name, count in sorted(PARSED.items()))
        )


@pytest.fixture(scope="session")
def node_parsers() -> Callable[[Iterable[Path]], dict[Path, dict[str, Any]]]:
    """Read files with node mailparser (.eml) and ical.js + node-ical (.ics and calendar parts)."""
    node = mail_clients.node()
    if not node:
        require("Node.js is not installed (apt-get install -y npm)")
    if not mail_clients.installed():
        require("the mail client parsers are not fetched (make test fetches them)")

    def read(paths: Iterable[Path]) -> dict[Path, dict[str, Any]]:
        files = [str(path) for path in paths]
        result = subprocess.run(
            [str(node), str(SCRIPT), str(mail_clients.HOME), *files], capture_output=True, check=True, timeout=300
        )
        report = json.loads(result.stdout)
        VERSIONS.update(report["versions"])
        parsed = {Path(one["file"]): one for one in report["results"]}
        failures = {file: one["error"] for file, one in parsed.items() if "error" in one}
        assert not failures, failures
        for one in parsed.values():
            calendars = [one["calendar"]] if "calendar" in one else []
            if "email" in one:
                PARSED["mailparser"] += 1
                calendars += [part["calendar"] for part in one["email"]["attachments"] if "calendar" in part]
            PARSED["ical.js"] += len(calendars)
            PARSED["node-ical"] += len(calendars)
        return parsed

    return read


def read_with_mail_parser(raw: bytes) -> Any:
    """Python `mail-parser` (SpamScope's), which reads headers its own way on top of the stdlib."""
    PARSED["mail-parser"] += 1
    return mailparser.parse_from_bytes(raw)


def read_with_vobject(ics: str) -> Any:
    PARSED["vobject"] += 1
    return vobject.readOne(ics)
