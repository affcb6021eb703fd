"""Every page and HTML email (tests/pages.py) in Chromium: axe at 320 px and desktop, reflow, focus contrast."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import _QuietFiles
from tests.pages import Collection

if TYPE_CHECKING:  # playwright is imported only where a browser is launched (it may be missing)
    from playwright.sync_api import Browser

# The project standard is WCAG 2.2 AA: every rule axe tags up to wcag22aa.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (320, 1280)
NON_TEXT_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator against the colours next to it

# What the focused element looks like, and the colours on either side of its outline.
FOCUS_PROBE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const opaque = (colour) => !/rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent';
  let behind = 'rgb(255, 255, 255)';
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (opaque(colour)) { behind = colour; break; }
  }
  return {
    tag: element.tagName, id: element.id, text: (element.innerText || element.name || '').slice(0, 40),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor, outlineOffset: parseFloat(style.outlineOffset),
    boxShadow: style.boxShadow, own: opaque(style.backgroundColor) ? style.backgroundColor : behind, behind,
  };
}"""


@pytest.fixture
def served(rendered: Any, tmp_path: Any) -> Iterator[str]:
    """The rendered documents as files on a local web server (axe runs in real page loads)."""
    for document in rendered.documents:
        (tmp_path / f"{document.name}.html").write_text(document.html, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def axe_violations(page: Any, axe_source: str) -> list[tuple[str, str, list[Any]]]:
    page.add_script_tag(content=axe_source)
    # The pasted-form page's iframe points at a service that is not running here; the form
    # it would show is checked on its own.
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false})", WCAG
    )
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_every_page_and_email_passes_axe_and_reflows_at_320_px_and_on_a_desktop(
    rendered: Collection, served: str, playwright_browser: Browser, axe_source: str
) -> None:
    violations: dict[tuple[str, int], Any] = {}
    sideways: dict[tuple[str, int], int] = {}
    checked = 0
    for width in WIDTHS:
        context = playwright_browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for document in rendered.documents:
            page.goto(f"{served}/{document.name}.html")
            found = axe_violations(page, axe_source)
            if found:
                violations[(document.name, width)] = found
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width > width:
                sideways[(document.name, width)] = scroll_width
            checked += 1
        context.close()
    print(f"axe ({', '.join(WCAG)}): {len(rendered.documents)} documents × {len(WIDTHS)} widths = {checked} runs")
    assert checked == len(rendered.documents) * len(WIDTHS)
    assert violations == {}
    assert sideways == {}, "pages wider than the screen make people scroll sideways (WCAG 1.4.10)"


def rgb(colour: str) -> tuple[float, float, float]:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in rgb(colour)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)") == pytest.approx(1.6, abs=0.05)  # the old outline
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def inside_colour(probe: dict[str, Any]) -> str:
    """What touches the outline's inner edge: a box-shadow ring that fills the offset gap, else the
    background behind the element (a gap) or the element's own background (no gap)."""
    ring = re.match(r"(rgba?\([^)]*\)) 0px 0px 0px ([\d.]+)px", probe["boxShadow"])
    if probe["outlineOffset"] > 0:
        if ring and float(ring.group(2)) >= probe["outlineOffset"]:
            return ring.group(1)
        return probe["behind"]
    return probe["own"]


def test_the_focus_indicator_stands_out_against_what_it_touches_on_every_page(
    rendered: Collection, served: str, playwright_browser: Browser
) -> None:
    weak: list[str] = []
    focused = 0
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for document in (d for d in rendered.documents if d.our_stylesheet):
        page.goto(f"{served}/{document.name}.html")
        stops = page.evaluate(
            "() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]"
            ".filter(e => e.tabIndex >= 0 && e.getClientRects().length).length"
        )
        for _ in range(stops):
            page.keyboard.press("Tab")
            probe = page.evaluate(FOCUS_PROBE)
            if probe["tag"] == "BODY":
                continue
            focused += 1
            where = f"{document.name}: {probe['tag']}#{probe['id']} {probe['text']!r}"
            if probe["outlineStyle"] == "none" or probe["outlineWidth"] < 2:
                weak.append(f"{where}: no visible outline ({probe['outlineStyle']} {probe['outlineWidth']}px)")
                continue
            for side, colour in (("outside", probe["behind"]), ("inside", inside_colour(probe))):
                ratio = contrast(probe["outlineColor"], colour)
                if ratio < NON_TEXT_CONTRAST:
                    weak.append(f"{where}: outline {probe['outlineColor']} on {colour} ({side}) is {ratio:.2f}:1")
    context.close()
    print(f"focus indicator: {focused} focus stops checked")
    assert focused > 50, "the pages were tabbed through"
    assert weak == [], "\n".join(weak)
