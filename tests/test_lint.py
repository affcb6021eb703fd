"""The code stays as clean as it is: ruff (lint and format) and mypy on everything, the tests too."""

import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT

BIN = Path(sys.executable).parent


def run(*command):
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=PROJECT, capture_output=True, text=True, check=False, timeout=300
    )


def test_ruff_finds_nothing():
    lint = run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout[-3000:]
    form = run("ruff", "format", "--check", ".")
    assert form.returncode == 0, form.stdout[-3000:]


def test_mypy_finds_nothing_in_the_code_it_checks():
    """pyproject.toml names what (`files`): the deployed package, the tools, the benchmarks, app.py and the
    tests (tests/fakes.py holds its fakes to the Protocols they stand in for)."""
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-3000:]
