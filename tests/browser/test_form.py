"""The sign-up form as residents use it: keyboard only, without JavaScript, embedded (axe: test_pages.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.helpers import EVENT

SHOTS = os.environ.get("SIGNUP_SCREENSHOTS")


def form_url(service, event_id=EVENT, lang="sv"):
    return f"{service.base}/events/{event_id}/form?lang={lang}"


# The focused element of one frame; a frame whose focus sits in a child frame answers null.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!document.hasFocus() || !e || e.tagName === 'IFRAME') return null;
  return {name: e.name || '', type: e.type || '', tag: e.tagName, value: e.value};
}"""


def focused(page):
    """What has keyboard focus, looking into frames (the embedded form is another origin's frame)."""
    for frame in page.frames:
        active = frame.evaluate(FOCUSED)
        if active is not None:
            return active
    return {"name": "", "type": "", "tag": "", "value": ""}


def fill_by_keyboard(page, email):
    """Tab through the form as a keyboard user does, answering what each field asks.

    Returns the names of the fields the Tab key reached, in order.
    """
    typed = {
        "name": "Åsa Öberg",
        "email": email,
        "organisation": "Röda Korset Hudiksvall",
        "diet": "Vegetarisk",
        "message": "Ser fram emot träffen!",
    }
    chosen = set()
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        active = focused(page)
        name = active["name"]
        reached.append(name)
        if active["tag"] == "BUTTON":
            return reached
        if name in typed and name not in chosen:
            page.keyboard.type(typed[name])
            chosen.add(name)
        elif name == "sector" and name not in chosen:
            page.keyboard.press("ArrowDown")  # from "Företag" to "Förening eller ideell organisation"
            chosen.add(name)
        elif (
            active["type"] in ("radio", "checkbox")
            and name in ("meal", "diet_consent", "interests")
            and name not in chosen
        ):
            page.keyboard.press("Space")
            chosen.add(name)
    raise AssertionError("never reached the submit button by keyboard")


def test_a_resident_signs_up_with_the_keyboard_only(service, page):
    page.goto(form_url(service))
    fill_by_keyboard(page, "keyboard@example.se")
    page.wait_for_timeout(3100)  # a person takes longer than the bot threshold
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/thanks\?status=confirmed"))
    assert page.locator("h1").inner_text() == "Tack för din anmälan!"
    (stored,) = [r for r in service.registrations() if r["email"] == "keyboard@example.se"]
    assert stored["name"] == "Åsa Öberg" and stored["sector"] == "association"
    assert stored["meal"] is True and stored["diet"] == "Vegetarisk" and stored["interests"] == ["barn-och-unga"]


def test_mistakes_are_summarised_focused_and_what_was_typed_is_kept(service, page):
    page.goto(form_url(service))
    page.fill("#name", "Åsa Öberg")
    page.fill("#email", "inte-en-adress")
    page.wait_for_timeout(3100)
    page.click("button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.input_value("#name") == "Åsa Öberg" and page.input_value("#email") == "inte-en-adress"
    assert page.get_attribute("#email", "aria-describedby") == "email-error"
    assert "Skriv en giltig e-postadress" in page.inner_text("#email-error")
    page.click("#error-summary a[href='#email']")
    assert page.evaluate("() => document.activeElement.id") == "email"


def submit_pasted_form(page, url, *, name, email, organisation, sector):
    """Fill in and send the plain form the municipality pasted into its page."""
    page.goto(url)
    page.fill("[name=name]", name)
    page.fill("[name=email]", email)
    page.fill("[name=organisation]", organisation)
    page.check(f"[name=sector][value={sector}]")
    page.check("[name=meal][value=no]")
    page.click("button[type=submit]")


def test_the_plain_form_on_the_municipality_site_works_without_javascript(service, no_js_page):
    page = no_js_page
    submit_pasted_form(
        page,
        f"{service.site}/form.html",
        name="Björn Ärlig",
        email="nojs@example.se",
        organisation="Hudiksvalls kommun",
        sector="public",
    )
    page.wait_for_url(re.compile(r"/thanks\?status=confirmed"))
    assert page.url.startswith(service.base)
    assert "Tack för din anmälan!" in page.inner_text("h1")
    assert [r["name"] for r in service.registrations() if r["email"] == "nojs@example.se"] == ["Björn Ärlig"]


def test_a_post_from_a_site_that_is_not_allowed_is_refused(service, no_js_page):
    page = no_js_page
    submit_pasted_form(
        page,
        f"{service.other_site}/form.html",
        name="Eva Elak",
        email="evil@example.se",
        organisation="Annan sajt",
        sector="other",
    )
    page.wait_for_load_state()
    assert "kommunens webbplats" in page.inner_text("body")
    assert not [r for r in service.registrations() if r["email"] == "evil@example.se"]


@pytest.mark.parametrize("snippet", ["form.html", "iframe.html"])
def test_on_a_bare_host_page_a_person_never_meets_the_honeypot(service, page, snippet):
    """Each `./signup embed` snippet on a page with no styles of its own (another origin than ours):
    the trap field is out of sight, out of the accessibility tree and out of the Tab order, and a
    keyboard-only person's sign-up is stored."""
    page.goto(f"{service.site}/{snippet}")
    form = page.frame_locator("iframe").locator("form") if snippet == "iframe.html" else page.locator("form")
    form.wait_for()
    trap = form.locator("[name=website]")
    assert trap.count() == 1, "the bait is still there for bots"
    assert not trap.is_visible() and trap.bounding_box() is None
    assert trap.evaluate("e => e.checkVisibility()") is False
    textboxes = [box.get_attribute("name") for box in form.get_by_role("textbox").all()]
    assert "website" not in textboxes and "name" in textboxes, textboxes
    tree = form.aria_snapshot()
    assert "Lämna det här fältet tomt" not in tree and "Namn" in tree

    email = f"bare-{snippet.split('.')[0]}@example.se"
    reached = fill_by_keyboard(page, email)
    assert "website" not in reached and {"name", "email", "sector"} <= set(reached), reached
    if snippet == "iframe.html":
        page.wait_for_timeout(3100)  # the hosted form's signed render time: a person takes longer than 3 s
    page.keyboard.press("Enter")
    thanks = page.frame_locator("iframe").locator("h1") if snippet == "iframe.html" else page.locator("h1")
    thanks.filter(has_text="Tack för din anmälan!").wait_for()
    (stored,) = [r for r in service.registrations() if r["email"] == email]
    assert stored["name"] == "Åsa Öberg" and stored["sector"] == "association"


def test_the_iframe_fits_itself_to_the_form(service, page):
    page.goto(f"{service.site}/iframe.html")
    frame = page.frame_locator("iframe")
    frame.locator("h1").wait_for()
    page.wait_for_function("() => document.querySelector('iframe').getBoundingClientRect().height > 1200")
    assert "Rådhussalen, Kulturhuset" in frame.locator("body").inner_text()


def test_after_the_deadline_the_form_is_replaced_by_a_closed_page(service, page):
    page.goto(form_url(service, "stangd-traff"))
    assert page.locator("h1").inner_text() == "Anmälan är stängd"
    assert page.locator("form").count() == 0
    assert "social.hallbarhet@hudiksvall.example" in page.inner_text("body")


@pytest.mark.parametrize("width", [320, 375])
def test_no_sideways_scrolling_on_a_phone(service, playwright_browser, width):
    context = playwright_browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(form_url(service))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    context.close()


def test_screenshots(service, playwright_browser, tmp_path):
    """`make screenshots` writes these to docs/ for the README; otherwise they are checked and dropped."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(exist_ok=True)
    for name, width in (("form-desktop", 1024), ("form-mobile", 375)):
        context = playwright_browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page = context.new_page()
        page.goto(form_url(service))
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        context.close()
    context = playwright_browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    page.goto(f"{service.base}/events/{EVENT}/thanks?status=confirmed&lang=sv")
    page.screenshot(path=str(folder / "thanks.png"), full_page=True)
    context.close()
    with (folder / "form-mobile.png").open("rb") as picture:
        header = picture.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(header[16:20], "big") == 375, "no sideways overflow"
