"""The organiser console in Chromium: sign in by the emailed link, by keyboard, and the cookie it leaves."""

from __future__ import annotations

import re
import threading
import time

from tests.browser.keyboard import tab_to
from tests.helpers import EVENT

ORGANISER = "social.hallbarhet@hudiksvall.example"


_HANDED_OUT: set[str] = set()


def emailed_link(service, address, wait_seconds=30):
    """The newest sign-in link emailed to `address` that no test has had yet. The outbox job emails it
    a moment after the "check your email" page (every second under `make run`): wait for it to arrive."""
    deadline = time.monotonic() + wait_seconds
    while True:
        for raw in reversed(service.mail()):
            if address in raw["destinations"]:
                text = raw["raw_data"].replace("=\r\n", "").replace("=\n", "")
                found = re.search(r"(http://127\.0\.0\.1:\d+/console/sign-in/[A-Za-z0-9_\-]{43})", text)
                if found is None:
                    continue  # another email to them (a digest): look further back
                if found.group(1) in _HANDED_OUT:
                    break  # their newest link is one a test already had: wait for the next
                _HANDED_OUT.add(found.group(1))
                return found.group(1)
        if time.monotonic() > deadline:
            raise AssertionError("no new sign-in email to " + address)
        threading.Event().wait(0.2)  # poll the local SES again


def test_an_organiser_signs_in_by_the_emailed_link_with_the_keyboard_and_signs_out(service, page):
    page.goto(f"{service.base}/console")
    tab_to(page, lambda active: active["tag"] == "INPUT", limit=30)
    page.keyboard.type(ORGANISER)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Titta i din e-post")

    link = emailed_link(service, ORGANISER)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Logga in på Signup"
    assert page.context.cookies() == [], "opening the link signs nobody in"
    tab_to(page, lambda active: active["tag"] == "BUTTON" and active["text"] == "Logga in", limit=30)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Dina träffar")

    (cookie,) = page.context.cookies()
    assert cookie["name"] == "__Host-signup-session"
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"], cookie["path"]) == (True, True, "Strict", "/")
    assert "domain" not in cookie or cookie["domain"] == "127.0.0.1"
    assert page.evaluate("() => document.cookie") == "", "scripts cannot read the session"

    page.click(f"a[href='/console/events/{EVENT}']")
    page.wait_for_selector("text=Har plats")
    assert page.url.endswith(f"/console/events/{EVENT}")

    page.goto(link)  # the same link again: used
    assert page.locator("h1").inner_text() == "Länken är redan använd"

    page.goto(f"{service.base}/console")
    page.click("button:has-text('Logga ut'):not(:has-text('alla'))")
    page.wait_for_selector("text=Du är utloggad")
    assert page.context.cookies() == []
    page.goto(f"{service.base}/console/events/{EVENT}")
    assert (
        page.url.startswith(f"{service.base}/console?next=") and page.locator("h1").inner_text() == "Logga in på Signup"
    )
