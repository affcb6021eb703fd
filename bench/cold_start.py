"""`make bench`, cold start: what a new Lambda container pays before and during its first registration.

Each round runs in fresh Python processes (interleaved, so the machine's noise falls on both sides):
- `import app` / a bare `import boto3` (every route but the static ones needs boto3 anyway);
- the first registration of a fresh process that has imported the app / a warm registration in that
  same process (the median of the ones after it), against DynamoDB Local and moto's SES server.
Medians of the rounds' ratios; only ratios are compared with targets.

The probes run with PYTHONDONTWRITEBYTECODE=1 and no cached bytecode of the app's own modules, as
in Lambda: `chalice package` ships sources only and the runtime cannot write next to them, so a
cold start compiles every module of ours it imports (and of the vendored libraries; the runtime's
boto3 comes compiled, like the venv's here).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.harness import configure_environment, fresh_table, start_dynamodb_local, start_moto

PROJECT = Path(__file__).resolve().parent.parent
ROUNDS, WARM = 15, 15
if "--quick" in sys.argv:  # the test suite's smoke run: same code, small numbers
    ROUNDS, WARM = 2, 3

IMPORT_PROBE = "import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"

REGISTRATION_PROBE = """
import json, logging, sys, time
started = time.perf_counter()
from app import app
imported = time.perf_counter() - started
logging.getLogger("chalicelib").setLevel(logging.WARNING)
from bench.registrations import handle
prefix = sys.argv[1]
times = []
for index in range({count}):
    started = time.perf_counter()
    handle(app, index, prefix)
    times.append(time.perf_counter() - started)
print(json.dumps({{"import": imported, "times": times, "modules": sorted(sys.modules)}}))
"""


def probe_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def timed_import(module: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
        env=probe_environment(),
    )
    return float(result.stdout.strip().splitlines()[-1])


def fresh_registrations(prefix: str) -> dict:
    """A fresh process imports the app and registers WARM + 1 people; returns its timings."""
    result = subprocess.run(
        [sys.executable, "-c", REGISTRATION_PROBE.format(count=WARM + 1), prefix],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
        env=probe_environment(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    from bench.registrations import load_event

    dynamodb_process, dynamodb_endpoint = start_dynamodb_local()
    moto, ses_endpoint = start_moto()
    try:
        configure_environment(dynamodb_endpoint, ses_endpoint)
        for cached in (PROJECT / "chalicelib").rglob("__pycache__"):
            shutil.rmtree(cached)  # see the module's docstring: measured as Lambda imports them
        load_event(fresh_table(dynamodb_endpoint))
        timed_import("app"), timed_import("boto3")  # fill the OS file cache for both sides
        import_ratios, first_ratios, first_ms, warm_ms = [], [], [], []
        modules: list[str] = []
        for number in range(ROUNDS):
            app_seconds, boto3_seconds = timed_import("app"), timed_import("boto3")
            import_ratios.append(app_seconds / boto3_seconds)
            run = fresh_registrations(f"cold{number}-")
            first, warm = run["times"][0], statistics.median(run["times"][1:])
            first_ratios.append(first / warm)
            first_ms.append(first * 1000)
            warm_ms.append(warm * 1000)
            modules = run["modules"]
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
    print(
        f"  (this run: first registration {statistics.median(first_ms):.0f} ms, warm "
        f"{statistics.median(warm_ms):.0f} ms; load average {os.getloadavg()[0]:.1f})"
    )
    heavy = [name for name in ("icalendar", "jinja2", "babel", "email_validator") if name in modules]
    print(f"  loaded by the end of the registrations: {', '.join(heavy) or 'none of the heavy ones'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
