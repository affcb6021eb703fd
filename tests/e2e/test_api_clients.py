"""Independent API tools against `make run`'s runner: openapi-spec-validator over the served
documents and Schemathesis generating requests from them, with all its checks.

The only thing passed in is what must be: the demo event's own document
(`/events/{id}/openapi.json`), whose event id and interest areas are real.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import local_run
from tests.helpers import EVENT

BIN = Path(sys.executable).parent
# Per operation; twelve operations make well over 500 cases in a few minutes on two cores.
EXAMPLES_PER_OPERATION = 60
# Fixed, so a run is reproducible; change it to explore other cases.
SEED = 20261126


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with local_run.running(local_run.environment(tmp_path_factory.mktemp("runner"))) as (base, _):
        yield base


@pytest.mark.parametrize("path", ["/openapi.json", f"/events/{EVENT}/openapi.json"])
def test_openapi_spec_validator_finds_the_served_documents_valid(service, path, tmp_path):
    served = tmp_path / "openapi.json"  # the validator's command line reads files only
    served.write_bytes(urllib.request.urlopen(f"{service}{path}").read())
    result = subprocess.run(
        [str(BIN / "openapi-spec-validator"), str(served)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout


def test_schemathesis_finds_no_failure_with_all_checks(service, tmp_path):
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{service}/events/{EVENT}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            # Generous: a slow answer on a loaded 2-core machine is not what this test is about.
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    generated = re.search(r"(\d+) generated", report)
    assert generated and int(generated.group(1)) >= 500, report[-2000:]
    assert re.search(r"Failures:|failures? in", report) is None, report[-6000:]
    print(f"Schemathesis: {generated.group(1)} cases, 0 failures")
