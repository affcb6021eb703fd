"""`make package`: a CloudFormation/SAM template and a small zip for one stage.

Compiles the Swedish catalogue (the .mo is never committed), runs `chalice package
--merge-template infra/resources.json`, then drops what a Lambda never reads from the zip
(the catalogue's .po source, test suites vendored by dependencies) so it stays small, ships the
templates compiled to Python instead of their sources (see `compile_templates`), every module
compiled for the runtime's Python (ours beside its source, `compile_bytecode`; the vendored libraries'
in its source's place, `compile_sourceless`), tzdata as one inner archive (`zones_archive`), and lets
the API's routes name the API function by its known name (see `unlink_the_api_from_its_function`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from devtools import catalogue

PROJECT = Path(__file__).resolve().parent.parent
# Never imported at run time: dnspython serves email-validator's DNS checks, which we
# switch off; pip's install records.
DROP_PREFIXES = ("dns/", "dnspython-", "tests/")
# tzdata's sources and tables for people (zoneinfo reads only the compiled zone files and
# `tzdata/zones`): about 45 kB of the zip.
DROP_TZDATA_TABLES = {
    f"tzdata/zoneinfo/{name}"
    for name in ("tzdata.zi", "zone.tab", "zone1970.tab", "zonenow.tab", "iso3166.tab", "leapseconds")
}
# The templates folder's scripts, served as they are (`chalicelib.pages.Pages.script`) and never rendered:
# the zip carries them as files, and every other template compiled alone (see `compile_templates`).
SERVED_AS_FILES = (".js",)
# The time zones' package, and the one archive it travels in (`zones_archive`); `chalicelib/__init__.py`
# looks for it under this name.
ZONES_PACKAGE = "tzdata"
ZONES_ARCHIVE = "tzdata.zip"


def keep(name: str) -> bool:
    if name.startswith("chalicelib/locale/"):
        return name.endswith(".mo")
    if name.startswith("chalicelib/templates/"):
        # The app renders from `templates_compiled`, and Jinja2's tracebacks there name the compiled
        # module, not the template's file: nothing at run time reads a template's source.
        return name.endswith(SERVED_AS_FILES)
    if name.startswith(DROP_PREFIXES) or "/tests/" in name or name in DROP_TZDATA_TABLES:
        return False
    if "__pycache__/" in name or name.endswith(".pyc"):
        return False  # whatever a checkout had cached (stale, timestamped): `compile_bytecode` writes the zip's own
    # Install records and the packages' long descriptions (METADATA: nothing in the zip reads a
    # version through importlib.metadata); the licence texts stay with the code they cover.
    return not (".dist-info/" in name and name.endswith(("/RECORD", "/METADATA")))


def runtime_python(template: dict) -> str:
    """The one Python runtime the template's functions declare, e.g. "python3.11"."""
    runtimes = {
        resource["Properties"]["Runtime"]
        for resource in template["Resources"].values()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    if len(runtimes) != 1:
        raise RuntimeError(f"the template's functions should share one runtime, found {sorted(runtimes)}")
    return runtimes.pop()


def check_bytecode_fits(runtime: str, version_info: tuple[int, ...] = sys.version_info[:2]) -> None:
    """Bytecode only loads in the Python version that wrote it (another one ignores it and compiles the
    sources again, at every cold start): refuse to build a zip whose .pyc its runtime would not use."""
    building = f"python{version_info[0]}.{version_info[1]}"
    if runtime != building:
        raise RuntimeError(
            f"the template's functions run {runtime} but this is {building}: "
            f"package with {runtime} (the bytecode in the zip is for the Python that writes it)"
        )


def compile_without_column_tables(directory: Path, root: Path, *, next_to_sources: bool = False) -> None:
    """Compile every module under `directory` as the runtime imports it: unchecked-hash (the runtime loads
    the .pyc without reading its source's timestamp, which in a zip means nothing, or hashing the source;
    the same source gives the same bytes, a reproducible zip), level 0 (Lambda runs Python without -O),
    named relative to `root` (no build directory in the code objects: the import sets the real path).

    Without the column tables: Python 3.11 stores each instruction's start and end column, for the ^^^^
    under a traceback's line, about a fifth of the zipped bytecode. Neither compileall nor py_compile nor
    compile() has a switch for it, only the interpreter's `-X no_debug_ranges`: so a fresh run of this same
    Python compiles. Tracebacks keep their files and line numbers and lose only the markers.
    """
    command = [sys.executable, "-X", "no_debug_ranges", "-m", "compileall", "-q", "-f", "-o", "0"]
    command += ["--invalidation-mode", "unchecked-hash", "-s", str(root)]
    if next_to_sources:
        command.append("-b")  # module.pyc beside module.py, not in __pycache__ (a sourceless module)
    if subprocess.run([*command, str(directory)], check=False).returncode != 0:
        raise RuntimeError(f"some module under {directory} does not compile (see above)")


def compile_bytecode(root: Path) -> None:
    """Compile every module under `root` into `__pycache__`, beside its source, as the runtime imports
    them (see `compile_without_column_tables`): our own modules, whose sources ship for tracebacks.

    Lambda cannot write next to the code, so without this every cold start compiles each module it
    imports.
    """
    compile_without_column_tables(root, root)


def compile_sourceless(root: Path) -> None:
    """Compile every module under `root` to `module.pyc` in its source's place, which the runtime imports
    with no source beside it: the vendored libraries, whose sources stay behind (see `prune`)."""
    compile_without_column_tables(root, root, next_to_sources=True)


def compile_templates(root: Path) -> None:
    """The Jinja2 templates compiled to Python at `chalicelib/templates_compiled` under `root`, where the
    app's environment loads them from (`chalicelib.pages.COMPILED_TEMPLATES`): a cold start would
    otherwise parse and compile each template it renders. Compiled by that same environment (its
    extensions, autoescaping and whitespace settings) from the checkout's templates (not the scripts the
    folder also holds, which are never rendered), then to bytecode alone: the zip carries neither the
    generated modules' sources nor the templates' (a traceback names the compiled module and the
    template's line, and shows no line's text either way)."""
    from chalicelib import pages

    if pages.COMPILED_TEMPLATES.is_dir():
        raise RuntimeError(f"{pages.COMPILED_TEMPLATES} is in the checkout: remove it (only the zip has one)")
    target = root / "chalicelib" / pages.COMPILED_TEMPLATES.name
    pages.templates().compile_templates(
        str(target),
        filter_func=lambda name: not name.endswith(SERVED_AS_FILES),
        zip=None,
        ignore_errors=False,
        log_function=None,
    )
    compile_without_column_tables(target, root, next_to_sources=True)
    for module in sorted(target.glob("*.py")):
        module.unlink()


def write_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, content: bytes) -> None:
    """One entry, deflated at zlib's level 9. Said for each entry: `writestr` with a ZipInfo (the
    entries copied from chalice's zip keep theirs) takes neither the archive's compression nor its
    level, and a ZipInfo's level is unset, which is zlib's default, 6."""
    archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def ours(name: str) -> bool:
    """The project's own code, which ships its sources (a traceback shows our lines); the libraries chalice
    vendors ship bytecode alone (`prune`)."""
    return name == "app.py" or name.startswith("chalicelib/")


def in_zones_archive(name: str) -> bool:
    """tzdata's package: its ~640 small files go into one archive inside the zip (see `prune`)."""
    return name.startswith(f"{ZONES_PACKAGE}/")


def add_compiled(out: zipfile.ZipFile, root: Path) -> None:
    for compiled in sorted(root.rglob("*.pyc")):
        write_entry(out, new_entry(compiled.relative_to(root).as_posix()), compiled.read_bytes())


def new_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o100644 << 16  # a regular file, readable by the runtime's user
    return info


def zones_archive(entries: list[tuple[str, bytes]]) -> bytes:
    """tzdata's package as one stored (uncompressed) zip, which the outer zip deflates as a whole: the zone
    files are alike, and one deflate stream across them is about a third of ~640 deflated one by one,
    each with two headers. `chalicelib/__init__.py` puts it on sys.path, where zipimport reads it and
    `zoneinfo` finds its zones through importlib.resources as in a folder. No bytecode: its modules are
    empty `__init__.py` files, nothing to compile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in sorted(entries):
            archive.writestr(new_entry(name), content)
    return buffer.getvalue()


def prune(zip_path: Path) -> None:
    """Drop and trim what a Lambda never reads (see `keep`), then add the compiled templates and every
    module's bytecode: our modules' beside their sources (in `__pycache__`), the vendored libraries'
    in their sources' place (a sourceless module: a traceback through Jinja2 names the file and line,
    which its pinned version's source shows, and the zip is 0.26 MB smaller). tzdata goes in as one
    inner archive (`zones_archive`)."""
    pruned = zip_path.with_suffix(".pruned")
    with (
        zipfile.ZipFile(zip_path) as source,
        zipfile.ZipFile(pruned, "w") as out,
        tempfile.TemporaryDirectory() as build,
    ):
        own, vendored = Path(build) / "own", Path(build) / "vendored"
        zones: list[tuple[str, bytes]] = []
        for info in source.infolist():
            if not keep(info.filename):
                continue
            content = source.read(info.filename)
            if in_zones_archive(info.filename):
                zones.append((info.filename, content))
                continue
            is_module = info.filename.endswith(".py")
            if ours(info.filename) or not is_module:
                write_entry(out, info, content)
            if is_module:
                module = (own if ours(info.filename) else vendored) / info.filename
                module.parent.mkdir(parents=True, exist_ok=True)
                module.write_bytes(content)
        write_entry(out, new_entry(ZONES_ARCHIVE), zones_archive(zones))
        compile_templates(own)
        compile_bytecode(own)
        compile_sourceless(vendored)
        add_compiled(out, own)
        add_compiled(out, vendored)
    pruned.replace(zip_path)


def unlink_the_api_from_its_function(template_path: Path) -> None:
    """Point the API's integrations at the API function by its known name instead of `${APIHandler.Arn}`.

    The function's SIGNUP_BASE_URL names the API (`${RestAPI}`) when no custom domain
    is given; with Chalice's reference back to the function, CloudFormation would find
    a circular dependency and refuse the stack. The name comes from the function's own
    `FunctionName` in infra/resources.json, so the two cannot drift apart.
    """
    template = json.loads(template_path.read_text(encoding="utf-8"))
    name = template["Resources"]["APIHandler"]["Properties"]["FunctionName"]["Fn::Sub"]
    arn = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + name
    api = json.dumps(template["Resources"]["RestAPI"])
    if "${APIHandler.Arn}" not in api:
        raise RuntimeError("chalice package no longer refers to ${APIHandler.Arn} in the API: check the integrations")
    template["Resources"]["RestAPI"] = json.loads(api.replace("${APIHandler.Arn}", arn))
    template_path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")


def package(stage: str, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    environment = {
        **os.environ,
        # Packaging reads no account; chalice still wants a region and credentials to exist.
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-north-1"),
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "packaging"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "packaging"),
    }
    # A deploy always carries the Swedish as the .po says it now, whatever was compiled before.
    catalogue.compile_catalogues()
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run(
        [str(chalice), "package", "--stage", stage, "--merge-template", "infra/resources.json", str(out)],
        cwd=PROJECT,
        env=environment,
        check=True,
    )
    unlink_the_api_from_its_function(out / "sam.json")
    check_bytecode_fits(runtime_python(json.loads((out / "sam.json").read_text(encoding="utf-8"))))
    zip_path = out / "deployment.zip"
    prune(zip_path)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make package")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else PROJECT / "dist" / args.stage
    zip_path = package(args.stage, out)
    print(f"{out}/sam.json and {zip_path.name}: {zip_path.stat().st_size / 1_000_000:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
