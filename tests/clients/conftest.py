"""Parsers we did not write, over the raw bytes we send: node `mailparser`, Python `mail-parser`,
ical.js, node-ical, vobject and icalendar. Each test writes its messages and .ics files to disk, one node
process reads them all, and the session's summary says which versions read how many."""

from __future__ import annotations

import base64
import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mailparser
import pytest
import vobject
from icalendar import Calendar

from devtools import mail_clients
from tests.helpers import require

SCRIPT = Path(__file__).with_name("parse.mjs")
PARSED: Counter[str] = Counter()
VERSIONS: dict[str, str] = {name: version(name) for name in ("mail-parser", "vobject", "icalendar")}


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


def read_with_icalendar(ics: str) -> Calendar:
    """Python icalendar, which wrote these files until they were written by hand: it notes what it
    could not read on each component instead of failing, so that is asserted empty."""
    PARSED["icalendar"] += 1
    calendar = Calendar.from_ical(ics)
    assert not [component.errors for component in calendar.walk() if component.errors]
    return calendar


@pytest.fixture
def mailboxes(tmp_path: Path, node_parsers: Callable[[Iterable[Path]], dict[Path, dict[str, Any]]]) -> Any:
    """Sorts the raw emails SES was given by recipient: `people` maps a name to (address, language);
    returns each name's emails in the order sent, as node mailparser and Python mail-parser read them."""

    def sort(raws: list[bytes], people: dict[str, tuple[str, str]]) -> dict[str, list[Received]]:
        paths = []
        for index, raw in enumerate(raws):
            paths.append(tmp_path / f"{index:02d}.eml")
            paths[-1].write_bytes(raw)
        parsed = node_parsers(paths)
        box: dict[str, list[Received]] = {who: [] for who in people}
        for path, raw in zip(paths, raws, strict=True):
            node = parsed[path]["email"]
            python = read_with_mail_parser(raw)
            (who,) = [who for who, (address, _) in people.items() if node["to"] == [{"name": "", "address": address}]]
            assert [address for _, address in python.to] == [people[who][0]]
            box[who].append(Received(node, python))
        return box

    return sort


class Received:
    """One email as node mailparser and Python mail-parser read it, with its calendar file."""

    def __init__(self, node: dict[str, Any], python: Any) -> None:
        self.node = node
        self.python = python
        self.subject = node["subject"]
        assert python.subject == self.subject
        calendars = [part for part in node["attachments"] if part["contentType"] == "text/calendar"]
        python_calendars = [part for part in python.attachments if part["mail_content_type"] == "text/calendar"]
        assert len(calendars) == len(python_calendars) <= 1
        self.calendar = calendars[0] if calendars else None
        self.ics = _payload(python_calendars[0]) if python_calendars else None

    def entry(self) -> dict[str, Any]:
        """The one VEVENT, as ical.js, node-ical, vobject and icalendar read it; they must agree."""
        assert self.calendar is not None and self.ics is not None
        calendar = self.calendar["calendar"]
        (icaljs,) = calendar["icaljs"]["events"]
        (nodeical,) = calendar["nodeIcal"]["events"]
        vcalendar = read_with_vobject(self.ics)
        vevent = vcalendar.vevent
        method = self.calendar["method"]
        assert calendar["icaljs"]["method"] == nodeical["method"] == vcalendar.method.value == method
        uid, sequence, status = icaljs["uid"], icaljs["sequence"], icaljs["status"]
        assert (nodeical["uid"], nodeical["sequence"], nodeical["status"]) == (uid, sequence, status)
        assert (vevent.uid.value, int(vevent.sequence.value), vevent.status.value) == (uid, sequence, status)
        icalendar = read_with_icalendar(self.ics)
        (entry,) = icalendar.walk("VEVENT")
        assert str(icalendar["METHOD"]) == method
        assert (str(entry["UID"]), entry.decoded("SEQUENCE"), str(entry["STATUS"])) == (uid, sequence, status)
        assert nodeical["start"] == icaljs["start"] == utc_text(entry.decoded("DTSTART"))
        return {"method": method, "uid": uid, "sequence": sequence, "status": status, "start": icaljs["start"]}


def utc_text(moment: datetime) -> str:
    """An instant as ical.js and node-ical print it: `2027-05-24T16:00:00.000Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", ".000Z")


def _payload(part: dict[str, Any]) -> str:
    payload = part["payload"]
    if part.get("binary") or part.get("content_transfer_encoding") == "base64":
        return base64.b64decode(payload).decode("utf-8")
    return str(payload)
