"""A real headless Chromium against `make run`'s service and a stand-in municipality site.

The municipality's page is served on http://localhost:SITE (an allowed origin);
the very same files on http://127.0.0.1:SITE are "another site", which is not.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import browser, dynamodb_local
from tests import local_run
from tests.helpers import EVENT, require
from tests.pages import CLOSED_EVENT


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Any]:
    executable = browser.chromium()
    if executable is None:
        require("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright is not installed (make test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=browser.CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Service:
    def __init__(self, base: str, site_port: int, environment: dict[str, str], moto: str) -> None:
        self.base = base
        self.moto = moto
        self.site = f"http://localhost:{site_port}"
        self.other_site = f"http://127.0.0.1:{site_port}"
        self.environment = environment

    def cli(self, *argv: str) -> str:
        return local_run.signup_cli(self.environment, *argv)

    def registrations(self, event_id: str = EVENT) -> list[dict[str, Any]]:
        return json.loads(self.cli("registrations", "list", event_id, "--json"))

    def mail(self) -> list[dict[str, Any]]:
        data = json.loads(urllib.request.urlopen(f"{self.moto}/moto-api/data.json").read())
        return data["ses"]["RawMessage"]


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        pass


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    site_port = dynamodb_local.free_port()
    state = tmp_path_factory.mktemp("local")
    environment = local_run.environment(state, SIGNUP_ALLOWED_ORIGINS=f"http://localhost:{site_port}")
    with local_run.running(environment) as (base, _):
        yield from _serve(base, site_port, state, environment)


def _serve(base: str, site_port: int, state: Path, environment: dict[str, str]) -> Iterator[Service]:
    """The closed event, and the municipality's pages built from `./signup embed`, served on SITE."""
    the_service = Service(base, site_port, environment, f"http://127.0.0.1:{environment['SIGNUP_AWS_PORT']}")
    closed = state / "closed.toml"
    closed.write_text(CLOSED_EVENT, encoding="utf-8")
    the_service.cli("event", "put", str(closed))

    site = state / "site"
    site.mkdir()
    snippets = the_service.cli("embed", EVENT, "--base-url", base)
    iframe, form = snippets.split("<!-- (b)")
    page = '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{}</title></head><body>{}</body></html>'
    (site / "iframe.html").write_text(page.format("Nätverk – anmälan (iframe)", iframe), encoding="utf-8")
    (site / "form.html").write_text(page.format("Nätverk – anmälan", "<!-- (b)" + form), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", site_port), functools.partial(_QuietFiles, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield the_service
    finally:
        server.shutdown()


def _swedish_page(playwright_browser: Any, **options: Any) -> Iterator[Any]:
    context = playwright_browser.new_context(locale="sv-SE", **options)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(playwright_browser: Any) -> Iterator[Any]:
    yield from _swedish_page(playwright_browser)


@pytest.fixture
def axe_page(playwright_browser: Any) -> Iterator[Any]:
    """A Swedish page on which axe can be injected (an inline script the pages' CSP would refuse)."""
    yield from _swedish_page(playwright_browser, bypass_csp=True)


@pytest.fixture
def no_js_page(playwright_browser: Any) -> Iterator[Any]:
    yield from _swedish_page(playwright_browser, java_script_enabled=False)


@pytest.fixture(scope="session")
def axe_source() -> str:
    script = browser.axe_script()
    if script is None:
        require("axe-core is not fetched (make test fetches it)")
    return Path(script).read_text(encoding="utf-8")
