"""`make bench`, cold start: what a new Lambda container pays before and during its first registration.

Each round runs in fresh Python processes (interleaved, so the machine's noise falls on both sides):
- `import app` / a bare `import boto3` (every route but the static ones needs boto3 anyway), in CPU
  time (see IMPORT_PROBE);
- the first registration of a fresh process that has imported the app / a warm registration in that
  same process (the median of the ones after it), against DynamoDB Local and moto's SES server;
- creating the AWS clients a registration uses, alone, in a fresh process that has imported the app's
  AWS module (botocore's session; the app imports no boto3): the floor under whichever ratio pays for
  them (see the report's last lines).
Medians of the rounds' ratios; only ratios are compared with targets.

The app is measured as shipped: a copy of app.py and chalicelib compiled by the package's own steps
(`devtools.package.compile_templates` and `compile_bytecode`: the compiled templates and the .pyc the
zip carries), never the checkout's cache, and the
probes run with PYTHONDONTWRITEBYTECODE=1 (the runtime cannot write next to the code). The libraries
come compiled from the venv, as they do from the zip and the runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import configure_environment, fresh_table, start_dynamodb_local, start_moto
from devtools.package import compile_bytecode, compile_templates

PROJECT = Path(__file__).resolve().parent.parent
ROUNDS, WARM = 15, 15
if "--quick" in sys.argv:  # the test suite's smoke run: same code, small numbers
    ROUNDS, WARM = 2, 3

# Importing is CPU work (the files are in the OS cache after the first round): its CPU time, not the
# wall clock, which on a shared machine also counts the time spent waiting for a core.
IMPORT_PROBE = "import time; started = time.process_time(); import {module}; print(time.process_time() - started)"

# The requests come ready-made on stdin: the probe imports nothing but the app before its clock starts
# (the test helpers that write a valid registration import pytest, and bench.harness the store).
REGISTRATION_PROBE = """
import json, logging, sys, time
requests = json.load(sys.stdin)
started = time.perf_counter()
from app import app
imported = time.perf_counter() - started
logging.getLogger("chalicelib").setLevel(logging.WARNING)

class LambdaContext:
    aws_request_id, function_name, memory_limit_in_mb = "bench", "signup-dev", 1024

    def get_remaining_time_in_millis(self):
        return 30_000

times = []
for request in requests:
    started = time.perf_counter()
    response = app(request, LambdaContext())
    times.append(time.perf_counter() - started)
    if response["statusCode"] != 201 or '"email":"sent"' not in response["body"]:
        raise RuntimeError(f"registration failed: {response['statusCode']} {response['body'][:200]}")
from chalicelib import aws
print(json.dumps({"import": imported, "times": times, "modules": sorted(sys.modules), "clients": aws.clients_made()}))
"""

# The clients alone: botocore imported, nothing of ours built, the same module creates them as in the app.
CLIENTS_PROBE = """
import sys, time
from chalicelib import aws
started = time.perf_counter()
for name in sys.argv[1:]:
    getattr(aws, name)()
print(time.perf_counter() - started)
"""


def shipped_copy(directory: Path) -> Path:
    """app.py and chalicelib as the zip carries them: sources, the templates compiled to Python and the
    package's own bytecode."""
    shutil.copy2(PROJECT / "app.py", directory / "app.py")
    shutil.copytree(PROJECT / "chalicelib", directory / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    compile_templates(directory)
    compile_bytecode(directory)
    return directory


def run_probe(code: str, shipped: Path, *args: str, given: str = "") -> str:
    """A fresh Python in the shipped copy (first on its path; the project after it)."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=given,
        capture_output=True,
        text=True,
        check=True,
        cwd=shipped,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(PROJECT)},
    )
    return result.stdout.strip().splitlines()[-1]


def timed_import(module: str, shipped: Path) -> float:
    return float(run_probe(IMPORT_PROBE.format(module=module), shipped))


def fresh_registrations(prefix: str, shipped: Path) -> dict:
    """A fresh process imports the app and registers WARM + 1 people; returns its timings."""
    from bench.harness import registration_event
    from bench.registrations import EVENT_ID, body

    requests = [registration_event(EVENT_ID, body(index, prefix)) for index in range(WARM + 1)]
    return json.loads(run_probe(REGISTRATION_PROBE, shipped, given=json.dumps(requests)))


def fresh_clients(names: list[str], shipped: Path) -> float:
    return float(run_probe(CLIENTS_PROBE, shipped, *names))


def main() -> int:
    from bench.registrations import load_event

    dynamodb_process, dynamodb_endpoint = start_dynamodb_local()
    moto, ses_endpoint = start_moto()
    try:
        configure_environment(dynamodb_endpoint, ses_endpoint)
        load_event(fresh_table(dynamodb_endpoint))
        with tempfile.TemporaryDirectory() as directory:
            shipped = shipped_copy(Path(directory))
            timed_import("app", shipped), timed_import("boto3", shipped)  # fill the OS file cache for both
            import_ratios, first_ratios, floor_ratios = [], [], []
            import_ms, first_ms, warm_ms, clients_ms, waited_ms = [], [], [], [], []
            run: dict = {}
            for number in range(ROUNDS):
                app_seconds, boto3_seconds = timed_import("app", shipped), timed_import("boto3", shipped)
                import_ratios.append(app_seconds / boto3_seconds)
                run = fresh_registrations(f"cold{number}-", shipped)
                first, warm = run["times"][0], statistics.median(run["times"][1:])
                clients = fresh_clients(run["clients"], shipped)
                first_ratios.append(first / warm)
                floor_ratios.append((clients + warm) / warm)
                import_ms.append(run["import"] * 1000)
                first_ms.append(first * 1000)
                waited_ms.append((run["import"] + first) * 1000)
                warm_ms.append(warm * 1000)
                clients_ms.append(clients * 1000)
    finally:
        moto.terminate()
        dynamodb_process.terminate()
        dynamodb_process.wait(timeout=10)

    import_ratio, first_ratio = statistics.median(import_ratios), statistics.median(first_ratios)
    rows = [
        ("import app / bare import boto3", f"{import_ratio:.2f}", "≤ 1.3", import_ratio <= 1.3),
        ("first registration / warm registration", f"{first_ratio:.1f}", "≤ 2", first_ratio <= 2),
    ]
    print(f"\nSignup cold start ({ROUNDS} rounds in fresh processes, medians; {os.cpu_count()} cores)")
    for name, value, target, ok in rows:
        print(f"  {name:<48} {value:>8}   target {target:<22} {'ok' if ok else 'MISSED'}")
    clients, warm = statistics.median(clients_ms), statistics.median(warm_ms)
    print(
        f"  creating the clients a registration uses ({', '.join(run['clients'])}), alone: {clients:.0f} ms "
        f"= {statistics.median(floor_ratios) - 1:.1f} warm registrations, so the first registration / warm "
        f"is at least {statistics.median(floor_ratios):.1f} while the clients are created on first use"
    )
    print(
        f"  (this run: import app {statistics.median(import_ms):.0f} ms + first registration "
        f"{statistics.median(first_ms):.0f} ms, what the first visitor waits for: "
        f"{statistics.median(waited_ms):.0f} ms; warm {warm:.0f} ms; load average {os.getloadavg()[0]:.1f})"
    )
    modules = run["modules"]
    heavy = [
        name for name in ("icalendar", "jinja2", "babel", "email_validator", "boto3", "s3transfer") if name in modules
    ]
    print(f"  loaded by the end of the registrations: {', '.join(heavy) or 'none of the heavy ones'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
