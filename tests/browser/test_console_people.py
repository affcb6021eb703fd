"""The door in Chromium: find someone by typing, check them in with the keyboard, undo; the people
page narrows as one types; and without JavaScript both work as plain forms."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from tests.browser.test_console import ORGANISER, emailed_link
from tests.helpers import EVENT, answers


def register(service, email, name):
    request = urllib.request.Request(
        f"{service.base}/events/{EVENT}/registrations",
        data=json.dumps(answers(email=email, name=name, organisation="Iggesunds IK", diet="")).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).close()


_SESSION: list[dict] = []  # the session cookie, once signed in


def signed_in(service, page):
    """Ask for a link, open it, press the button: the page's browser holds the session. Once per run:
    later pages get the same cookie, so these tests use one of the address's 5 links an hour."""
    if _SESSION:
        page.context.add_cookies(_SESSION)
        return
    page.goto(f"{service.base}/console")
    page.fill("input[name=email]", ORGANISER)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Titta i din e-post")
    page.goto(emailed_link(service, ORGANISER))
    page.click("button:has-text('Logga in')")
    page.wait_for_selector("text=Dina träffar")
    _SESSION.extend(page.context.cookies())


def stored(service, email):
    (row,) = [r for r in service.registrations() if r["email"] == email]
    return row


def arrived(page):
    """How many have arrived, as the door page says it ("3 av 40 med plats har kommit.")."""
    return int(page.inner_text("#arrived").split()[0])


def focused_text(page):
    return page.evaluate("() => document.activeElement.innerText || document.activeElement.value || ''")


def test_find_someone_by_typing_check_them_in_by_keyboard_and_undo(service, page):
    register(service, "dorr-ingrid@example.se", "Ingrid Hälsingborg")
    register(service, "dorr-inga@example.se", "Inga Hälsing")
    signed_in(service, page)
    page.goto(f"{service.base}/console/events/{EVENT}/check-in")
    assert page.locator("#results li").count() == 0, "the page starts empty"
    before = arrived(page)

    page.focus("#q")
    page.keyboard.type("ingrid häl")
    # Search as you type: the list fills in without pressing the button.
    page.wait_for_selector("#results li:has-text('Ingrid Hälsingborg')")
    assert page.locator("#results li").count() == 1
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused_text(page) == "Checka in":
            break
    assert focused_text(page) == "Checka in"
    page.keyboard.press("Enter")
    page.wait_for_selector("#live-status:has-text('Ingrid Hälsingborg är incheckad.')")
    assert arrived(page) == before + 1, "the count of arrivals follows the tap"
    assert focused_text(page) == "Ångra", "focus stays on the same person's button, which now undoes"
    assert stored(service, "dorr-ingrid@example.se")["checked_in_at"]
    assert stored(service, "dorr-inga@example.se")["checked_in_at"] is None
    assert page.input_value("#q") == "ingrid häl", "the search is kept"

    page.keyboard.press("Enter")
    page.wait_for_selector("#live-status:has-text('Incheckningen av Ingrid Hälsingborg är ångrad.')")
    assert focused_text(page) == "Checka in"
    assert stored(service, "dorr-ingrid@example.se")["checked_in_at"] is None


def test_the_people_list_narrows_as_one_types(service, page):
    register(service, "lista-ove@example.se", "Ove Ärlig")
    signed_in(service, page)
    page.goto(f"{service.base}/console/events/{EVENT}/people")
    page.focus("#q")
    page.keyboard.type("arlig")
    page.wait_for_selector("#live-status:has-text('Visar 1 av')")
    assert page.locator("#results tbody tr").count() == 1 and "Ove Ärlig" in page.inner_text("#results")
    assert "q=arlig" in page.url, "the address follows the search, so a reload keeps it"


def test_without_javascript_the_door_page_is_a_form_and_a_button(service, playwright_browser):
    register(service, "utan-js@example.se", "Jonas Utanskript")
    context = playwright_browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    try:
        signed_in(service, page)
        page.goto(f"{service.base}/console/events/{EVENT}/check-in")
        page.fill("#q", "utanskript")
        page.click("button:has-text('Sök')")
        page.click("button:has-text('Checka in')")
        page.wait_for_selector("text=Jonas Utanskript är incheckad.")
        assert stored(service, "utan-js@example.se")["checked_in_at"]
        assert "q=utanskript" in page.url
    finally:
        context.close()


def test_screenshots_of_the_console_s_pages_and_the_door_on_a_phone(service, playwright_browser, tmp_path):
    """`make screenshots` writes these to docs/ for the README (the events list, one event, its edit
    form, its people, the door); otherwise they are checked and dropped."""
    shots = os.environ.get("SIGNUP_SCREENSHOTS")
    folder = Path(shots) if shots else tmp_path
    folder.mkdir(exist_ok=True)
    register(service, "bild-karin@example.se", "Karin Älvdal")
    register(service, "bild-kalle@example.se", "Kalle Ödmark")
    for name, width, path in (
        ("console-people", 1024, "people"),
        ("console-check-in", 375, "check-in?q=ka"),
        ("console-events", 1024, ""),
        ("console-event", 1024, "."),
        ("console-event-edit", 1024, "edit"),
    ):
        context = playwright_browser.new_context(viewport={"width": width, "height": 800}, locale="sv-SE")
        page = context.new_page()
        signed_in(service, page)
        page.goto(
            {"": f"{service.base}/console", ".": f"{service.base}/console/events/{EVENT}"}.get(
                path, f"{service.base}/console/events/{EVENT}/{path}"
            )
        )
        page.wait_for_selector("h1")
        if name == "console-check-in":
            page.click("button[aria-label='Checka in Karin Älvdal']")
            page.wait_for_selector("#live-status:has-text('Karin Älvdal är incheckad.')")
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways overflow"
        context.close()
