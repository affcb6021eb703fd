"""`make package`: a CloudFormation/SAM template and a small zip for one stage.

Compiles the Swedish catalogue (the .mo is never committed), runs `chalice package
--merge-template infra/resources.json`, then drops what a Lambda never reads from the zip
(the catalogue's .po source, test suites vendored by dependencies) so it stays small, ships the
templates compiled to Python (see `compile_templates`) and every module compiled for the runtime's
Python (see `compile_bytecode`), and lets the API's routes name the API function by its known name
(see `unlink_the_api_from_its_function`).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
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


def keep(name: str) -> bool:
    if name.startswith("chalicelib/locale/"):
        return name.endswith(".mo")
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


def compile_bytecode(root: Path) -> None:
    """Compile every module under `root` into `__pycache__`, as the runtime imports them.

    Lambda cannot write next to the code, so without this every cold start compiles each module it
    imports (ours and the vendored libraries'). `unchecked-hash`: the runtime loads the .pyc without
    reading its source's timestamp (a zip's timestamps mean nothing) or hashing the source; the .pyc
    is the same bytes for the same source (a reproducible zip). Level 0: Lambda runs Python without -O.
    """
    compiled = compileall.compile_dir(
        root,
        quiet=1,
        force=True,
        optimize=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        stripdir=str(root),  # no build directory in the code objects (the import sets the real path)
    )
    if not compiled:
        raise RuntimeError(f"some module under {root} does not compile (see above)")


def compile_templates(root: Path) -> None:
    """The Jinja2 templates compiled to Python at `chalicelib/templates_compiled` under `root`, where the
    app's environment loads them from (`chalicelib.pages.COMPILED_TEMPLATES`): a cold start would
    otherwise parse and compile each template it renders. Compiled by that same environment (its
    extensions, autoescaping and whitespace settings) from the checkout's templates, then to bytecode
    alone (a generated module's source helps nobody read a traceback: Jinja2 points at the template)."""
    from chalicelib import pages

    if pages.COMPILED_TEMPLATES.is_dir():
        raise RuntimeError(f"{pages.COMPILED_TEMPLATES} is in the checkout: remove it (only the zip has one)")
    target = root / "chalicelib" / pages.COMPILED_TEMPLATES.name
    pages.templates().compile_templates(str(target), zip=None, ignore_errors=False, log_function=None)
    for module in sorted(target.glob("*.py")):
        py_compile.compile(
            str(module),
            cfile=str(module.with_suffix(".pyc")),
            dfile=module.relative_to(root).as_posix(),
            doraise=True,
            optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        module.unlink()


def prune(zip_path: Path) -> None:
    """Drop and trim what a Lambda never reads (see `keep`), then add the compiled templates and every
    module's bytecode."""
    pruned = zip_path.with_suffix(".pruned")
    with (
        zipfile.ZipFile(zip_path) as source,
        zipfile.ZipFile(pruned, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
        tempfile.TemporaryDirectory() as build,
    ):
        root = Path(build)
        for info in source.infolist():
            if keep(info.filename):
                content = source.read(info.filename)
                out.writestr(info, content)
                if info.filename.endswith(".py"):
                    (root / info.filename).parent.mkdir(parents=True, exist_ok=True)
                    (root / info.filename).write_bytes(content)
        compile_templates(root)
        compile_bytecode(root)
        for compiled in sorted(root.rglob("*.pyc")):
            info = zipfile.ZipInfo(compiled.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16  # a regular file, readable by the runtime's user
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, compiled.read_bytes())
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
