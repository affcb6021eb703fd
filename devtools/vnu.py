"""The Nu HTML Checker (vnu), the W3C's validator, from npm's `vnu-jar`: fetch it, run it over files.

One Java start checks a whole directory, so the tests render every page and email first and
then call `check` once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from devtools import dynamodb_local, npm
from devtools.fetching import fetch_command

PROJECT = Path(__file__).resolve().parent.parent
HOME = PROJECT / ".local" / "vnu"
NPM_PACKAGE = "vnu-jar@26.9.27"


@dataclass(frozen=True)
class Message:
    kind: str  # "error", "info" (vnu's warnings are info with subType "warning") or "non-document-error"
    file: str
    line: int
    text: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.text}  [{self.extract.strip()}]"


def find_jar() -> Path | None:
    jar = HOME / "package" / "build" / "dist" / "vnu.jar"
    return jar if jar.exists() else None


def version() -> str:
    """The npm package's version, as recorded in the fetched package.json."""
    manifest = HOME / "package" / "package.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"]) if manifest.exists() else ""


def fetch() -> Path:
    return npm.fetch_once(NPM_PACKAGE, HOME, find_jar, "build/dist/vnu.jar")


def check(folder: Path) -> list[Message]:
    """Every message vnu has about the .html files in `folder` (one Java process for all of them)."""
    jar = find_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        raise RuntimeError("vnu needs Java and the fetched jar (python -m devtools.vnu fetch)")
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--also-check-css", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when there is any error.
    try:
        report = json.loads(result.stderr)
    except ValueError as error:
        raise RuntimeError(f"vnu did not report: {result.stderr[-1000:]}") from error
    return [
        Message(
            kind=item.get("subType") if item.get("subType") == "warning" else item["type"],
            file=Path(item.get("url", "")).name,
            line=int(item.get("lastLine", 0)),
            text=item.get("message", ""),
            extract=item.get("extract", ""),
        )
        for item in report.get("messages", [])
    ]


def main(argv: list[str]) -> int:
    missing = "" if dynamodb_local.java_ok() else "Java 17+ not found: the HTML validity check (vnu) is skipped."
    return fetch_command(argv, "devtools.vnu", "vnu-jar", fetch, missing=missing)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
