"""`make bench` keeps working: a quick run prints every measure (no timing is asserted)."""

import re
import subprocess
import sys

from tests.helpers import PROJECT


def test_the_benchmark_runs_and_reports_every_measure(dynamodb_local_endpoint):
    result = subprocess.run(
        [sys.executable, "-m", "bench.registrations", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for measure in (
        "DynamoDB calls per registration",
        "handler time / raw boto3 floor",
        "registrations/s / raw TransactWriteItems/s",
        "peak memory",
        "CPU ms per registration",
    ):
        assert measure in result.stdout
    assert "DynamoDB calls per registration                      2.00" in result.stdout
