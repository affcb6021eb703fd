"""checkov, the infrastructure-as-code scanner, over the packaged template.

checkov pins boto3 and botocore well below the versions the project uses, so it
lives in its own virtual environment under .local/checkov instead of .venv.
The checks we do not follow are named, each with its reason, in
infra/checkov-skips.yaml; anything else checkov finds is a failure, and so is
a skip that no longer finds anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
HOME = PROJECT / ".local" / "checkov"
REQUIREMENT = "checkov==3.3.30"
SKIPS = PROJECT / "infra" / "checkov-skips.yaml"


def executable() -> Path | None:
    """checkov, if this pinned version is installed under .local/."""
    marker = HOME / "installed.txt"
    program = HOME / "bin" / "checkov"
    if program.exists() and marker.exists() and marker.read_text(encoding="utf-8").strip() == REQUIREMENT:
        return program
    return None


def fetch() -> Path:
    """Install the pinned checkov into its own virtual environment (once; about 300 MB)."""
    program = executable()
    if program:
        return program
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(HOME)], check=True)
    pip = [str(HOME / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, REQUIREMENT], check=True)
    (HOME / "installed.txt").write_text(REQUIREMENT + "\n", encoding="utf-8")
    program = executable()
    if not program:
        raise RuntimeError(f"{REQUIREMENT} installed no checkov program")
    return program


def skips() -> dict[str, str]:
    """The checks we do not follow: id -> why."""
    return dict(yaml.safe_load(SKIPS.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Findings:
    failed: dict[str, set[str]]  # check id -> the resources it failed on
    names: dict[str, str]  # check id -> what it checks
    passed: int

    def unexplained(self, skipped: dict[str, str]) -> dict[str, set[str]]:
        return {check: resources for check, resources in self.failed.items() if check not in skipped}

    def stale(self, skipped: dict[str, str]) -> set[str]:
        return set(skipped) - set(self.failed)


def scan(template: Path, program: Path) -> Findings:
    """Every check, none skipped, so that a skip that finds nothing shows up too."""
    result = subprocess.run(
        [str(program), "--file", str(template), "--framework", "cloudformation", "--output", "json", "--compact"]
        + ["--skip-download"],  # no calls home: works offline, and the same on every run
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LOG_LEVEL": "ERROR"},
    )
    if result.returncode not in (0, 1):  # 1: some check failed
        raise RuntimeError(f"checkov failed to run: {result.stderr[-2000:]}")
    results = json.loads(result.stdout)["results"]
    failed: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for check in results["failed_checks"]:
        failed.setdefault(check["check_id"], set()).add(check["resource"])
        names[check["check_id"]] = check["check_name"]
    return Findings(failed, names, len(results["passed_checks"]))


def main(argv: list[str]) -> int:
    if argv[1:2] == ["fetch"] and len(argv) == 2:
        try:
            fetch()
        except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
            print(f"Could not install {REQUIREMENT}: {error}", file=sys.stderr)
            return 1 if os.environ.get("CI") == "true" else 0
        return 0
    if argv[1:2] == ["check"] and len(argv) > 2:
        program, skipped, problems = fetch(), skips(), 0
        for template in argv[2:]:
            findings = scan(Path(template), program)
            for check, resources in sorted(findings.unexplained(skipped).items()):
                print(f"{template}: {check} {findings.names[check]}: {', '.join(sorted(resources))}", file=sys.stderr)
                problems += 1
            for check in sorted(findings.stale(skipped)):
                print(f"{template}: {check} is skipped in {SKIPS.name} but finds nothing: remove it", file=sys.stderr)
                problems += 1
            print(f"checkov {template}: {findings.passed} passed, {len(skipped)} skipped as {SKIPS.name} explains")
        return 1 if problems else 0
    print("usage: python -m devtools.checkov fetch | check TEMPLATE...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
