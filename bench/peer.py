"""The peer in `make bench`: pretix's app-server CPU per registration, measured in the same run.

pretix (the leading open-source registration system) runs beside Signup as the harness in the
shared folder `peers/pretix/` sets it up (PostgreSQL, gunicorn with 2 workers on 127.0.0.1:8345).
`make bench` looks for that set-up in $PRETIX_BENCH_DIR (default `.local/pretix`): its `conf.json`
(written by the harness's setup_event.py) and a running gunicorn (`gunicorn.pid`). When either is
missing it says so and prints no ratio: a figure from another run or another machine is not
comparable (these machines moved absolute figures up to 3× with load).

pretix's orders go through its REST API, a new connection each, as the harness's own client sends
them; the CPU is its gunicorn master's whole process tree (WSGI server and Django included), read
from /proc before and after.
"""

from __future__ import annotations

import http.client
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class PeerFigure:
    cpu_ms_per_registration: float | None
    absent_because: str = ""


def bench_dir() -> Path:
    return Path(os.environ.get("PRETIX_BENCH_DIR") or PROJECT / ".local" / "pretix")


def _process_tree_cpu_ticks(root: int) -> int:
    """utime+stime (+ reaped children's) of `root` and every process under it."""
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        ticks[int(entry)] = sum(int(value) for value in fields[11:15])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _order(conf: dict, number: int) -> int:
    """One registration in pretix: an order of the free admission item, no email (as the harness)."""
    body = json.dumps(
        {
            "email": f"peer{number}-{uuid.uuid4().hex[:8]}@example.org",
            "locale": "en",
            "sales_channel": "web",
            "send_email": False,
            "positions": [{"item": conf["item"]}],
        }
    )
    connection = http.client.HTTPConnection(conf.get("host", "127.0.0.1"), conf.get("port", 8345), timeout=120)
    try:
        connection.request(
            "POST",
            f"/api/v1/organizers/{conf['org']}/events/{conf['event']}/orders/",
            body,
            {"Authorization": f"Token {conf['token']}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def measure(count: int) -> PeerFigure:
    """pretix's CPU per registration over `count` sequential orders, or why there is no figure."""
    folder = bench_dir()
    conf_file, pid_file = folder / "conf.json", folder / "gunicorn.pid"
    if not conf_file.exists():
        return PeerFigure(None, f"no pretix set-up in {folder} (set PRETIX_BENCH_DIR; see peers/pretix/README.md)")
    if not pid_file.exists() or not Path(f"/proc/{pid_file.read_text().strip()}").exists():
        return PeerFigure(None, f"pretix is not running (start it with {folder}/start_server.sh pg)")
    conf, master = json.loads(conf_file.read_text()), int(pid_file.read_text().strip())
    try:
        for number in range(5):  # warm both workers
            _order(conf, number)
        before = _process_tree_cpu_ticks(master)
        statuses = [_order(conf, number) for number in range(count)]
        after = _process_tree_cpu_ticks(master)
    except OSError as error:
        return PeerFigure(None, f"pretix did not answer on port {conf.get('port', 8345)}: {error}")
    if statuses.count(201) != count:
        return PeerFigure(None, f"pretix refused orders: {sorted(set(statuses))}")
    return PeerFigure((after - before) * 1000 / TICKS_PER_SECOND / count)
