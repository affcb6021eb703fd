"""The house reads from the top down: routes translate HTTP, use cases know no HTTP, pages read no
environment, and one module wires the real parts together."""

from __future__ import annotations

import ast
import functools
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
        "assert not aws.clients_made(), 'an AWS client was made at import'\n"
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


# Every Python file of the project: each is read for what it imports and from where.
PYTHON_FILES = sorted(
    path for folder in ("chalicelib", "devtools", "bench", "tests") for path in (PROJECT / folder).rglob("*.py")
) + [PROJECT / "app.py"]


def module_file(module: str) -> Path | None:
    """The project's file of a dotted module name (a package's `__init__.py`), or None (not ours, or a name)."""
    path = PROJECT.joinpath(*module.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return path / "__init__.py" if (path / "__init__.py").is_file() else None


def top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """A module's statements, with those inside its top-level `if TYPE_CHECKING:` and `try:` blocks."""
    statements = []
    for node in body:
        statements.append(node)
        if isinstance(node, ast.If | ast.Try):
            handlers = [handler.body for handler in node.handlers] if isinstance(node, ast.Try) else []
            finals = node.finalbody if isinstance(node, ast.Try) else []
            for block in (node.body, node.orelse, finals, *handlers):
                statements += top_level(block)
    return statements


@functools.cache
def passed_on(module: str) -> frozenset[str]:
    """The names a module (not a package) has only because it imports them: another module's, not its own.
    A package's `__init__` is its public face (`chalicelib.store` names what its modules hold): nothing."""
    path = module_file(module)
    if path is None or path.name == "__init__.py":
        return frozenset()
    imported: set[str] = set()
    defined: set[str] = set()
    for node in top_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            imported.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            imported.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(target.id for target in targets if isinstance(target, ast.Name))
    return frozenset(imported - defined)


def names_taken_from_a_go_between(path: Path, source: str | None = None) -> list[str]:
    """`from chalicelib.notices import NoticeKind` or `notices.NoticeKind` where notices.py only imports it.
    `source`: the file's text, if not what is on disk."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PROJECT).with_suffix("").parts[:-1])
    modules: dict[str, str] = {}  # a name this file binds to one of the project's modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            source = ".".join(part for part in (base, node.module or "") if part)
            for alias in node.names:
                if module_file(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif alias.name in passed_on(source):
                    found.append(f"{path.relative_to(PROJECT)}:{node.lineno} from {source} import {alias.name}")
        elif isinstance(node, ast.Import):
            modules.update({alias.asname: alias.name for alias in node.names if alias.asname})
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            if node.attr in passed_on(modules[node.value.id]):
                found.append(f"{path.relative_to(PROJECT)}:{node.lineno} {modules[node.value.id]}.{node.attr}")
    return found


def test_every_name_is_imported_from_the_module_that_owns_it():
    """One owner per name: `NoticeKind` comes from notice_kind.py, never through notices.py, which
    only imports it. A module passing on another's name would become a second place to import it
    from, and moving the name would then break or, worse, keep working by accident."""
    assert [found for path in PYTHON_FILES for found in names_taken_from_a_go_between(path)] == []


def test_the_owner_check_sees_a_name_taken_from_a_go_between():
    """Both spellings are seen, relative imports too; a module's own names and a package's face are not."""
    probe = (
        "from chalicelib import notices\n"
        "from chalicelib.notices import NoticeKind, Notice\n"
        "from chalicelib.store import DynamoStore\n"
        "from ..console import events as rules\n"
        "from ..console.events import EventFormInvalid, GENERAL\n"
        "KIND = notices.NoticeKind.MESSAGE, notices.Notice, rules.GENERAL, rules.EventFormInvalid\n"
    )
    assert sorted(names_taken_from_a_go_between(CHALICELIB / "routes" / "probe.py", probe)) == [
        "chalicelib/routes/probe.py:2 from chalicelib.notices import NoticeKind",
        "chalicelib/routes/probe.py:5 from chalicelib.console.events import EventFormInvalid",
        "chalicelib/routes/probe.py:6 chalicelib.console.events.EventFormInvalid",
        "chalicelib/routes/probe.py:6 chalicelib.notices.NoticeKind",
    ]
