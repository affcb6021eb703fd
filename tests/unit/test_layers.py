"""The house reads from the top down: routes translate HTTP, use cases know no HTTP, pages read no
environment, and one module wires the real parts together."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PROJECT

CHALICELIB = PROJECT / "chalicelib"


def imported_names(path: Path) -> set[str]:
    """Every module or name a file imports, written out in full (`from ..store import X` is
    `chalicelib.store.X`), relative imports resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PROJECT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def importing(path: Path, *modules: str) -> set[str]:
    """What `path` imports from any of `modules` (or their submodules)."""
    return {name for name in imported_names(path) if any(name == m or name.startswith(m + ".") for m in modules)}


def test_the_imports_are_read_as_written():
    """The checks below read imports; make sure they see relative ones resolved."""
    assert "chalicelib.bootstrap.wiring" in imported_names(CHALICELIB / "routes" / "public.py")
    assert "chalicelib.web" in imported_names(CHALICELIB / "routes" / "own.py")
    assert importing(CHALICELIB / "service.py", "chalicelib.config") == {"chalicelib.config.Settings"}


def test_the_app_module_holds_no_route_and_no_aws_code():
    """app.py registers the blueprints; it neither defines a route nor translates AWS errors."""
    source = (PROJECT / "app.py").read_text(encoding="utf-8")
    assert "@app.route" not in source
    assert not importing(PROJECT / "app.py", "botocore", "boto3")


@pytest.mark.parametrize("path", sorted((CHALICELIB / "routes").glob("*.py")), ids=lambda path: path.name)
def test_routes_translate_http_and_reach_aws_only_through_the_wiring(path):
    """A route builds nothing: no AWS client, no store, no environment read of its own."""
    assert not importing(path, "botocore", "boto3", "chalicelib.aws", "chalicelib.store")
    assert importing(path, "chalicelib.config") <= {"chalicelib.config.Settings"}, "settings come from the wiring"


@pytest.mark.parametrize("module", ["service", "console_service", "console_people_service", "pages", "web"])
def test_use_cases_and_pages_know_no_http_framework_and_read_no_environment(module):
    """The use cases and the renderer are given their settings; neither imports Chalice, the routes,
    the wiring or the config module's environment readers (its Settings protocol is a type)."""
    path = CHALICELIB / f"{module}.py"
    assert not importing(path, "chalice", "chalicelib.routes", "chalicelib.bootstrap")
    assert importing(path, "chalicelib.config") <= {"chalicelib.config.Settings"}


@pytest.mark.parametrize("path", sorted((CHALICELIB / "console").glob("*.py")), ids=lambda path: path.name)
def test_the_console_package_holds_plain_rules_below_the_store(path):
    """The console's rules take their store as a parameter; its use cases, which bind the real store and
    turn AWS trouble into "try again later", sit beside the public ones (console_service.py), so the
    house reads downwards: use cases, then the store, then the rules it stores."""
    upstairs = ("chalicelib.store", "chalicelib.service", "chalicelib.outreach", "chalicelib.bootstrap")
    assert not importing(path, "botocore", "boto3", "chalicelib.aws", *upstairs)


def test_the_use_cases_render_no_page():
    assert not importing(CHALICELIB / "service.py", "chalicelib.web", "chalicelib.pages")


def test_importing_the_app_builds_nothing_and_touches_no_aws():
    """Chalice imports app.py to package it, with no stage settings and no credentials."""
    probe = (
        "import app\n"
        "from chalicelib import aws, bootstrap\n"
        "assert bootstrap.wiring.cache_info().currsize == 0, 'the wiring was built at import'\n"
        "assert aws.dynamodb.cache_info().currsize == 0 and aws.sesv2.cache_info().currsize == 0\n"
        "print(sorted({route for route in app.app.routes}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/registrations/{token}" in result.stdout and "/organiser/{token}" in result.stdout


def test_no_use_case_or_domain_module_imports_another_module_s_private_name():
    """A name another module needs is part of its interface, so it is spelled as one (no leading
    underscore). The routes' shared helpers in routes/console.py are left to the routes."""
    borrowed = []
    for path in CHALICELIB.rglob("*.py"):
        if path.parent.name == "routes":
            continue
        for name in imported_names(path):
            last = name.rsplit(".", 1)[-1]
            if last.startswith("_") and not last.startswith("__"):
                borrowed.append(f"{path.relative_to(PROJECT)}: {name}")
    assert borrowed == []
