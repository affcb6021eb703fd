"""Changing one's own answers behind the link in the email: by keyboard, and with axe."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.keyboard import tab_to
from tests.browser.test_pages import axe_violations
from tests.helpers import EVENT, answers, matched


def register(service, email):
    request = urllib.request.Request(
        f"{service.base}/events/{EVENT}/registrations",
        data=json.dumps(answers(email=email, organisation="Röda Korset Hudiksvall", diet="")).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).close()


def own_link(service, email):
    for raw in reversed(service.mail()):
        if email in raw["destinations"][0]:
            text = raw["raw_data"].replace("=\r\n", "").replace("=\n", "")
            return matched(r"(http://127\.0\.0\.1:\d+/registrations/[A-Za-z0-9_.\-]+)", text).group(1)
    raise AssertionError("no email to " + email)


def test_the_owner_changes_an_answer_with_the_keyboard_only(service, page):
    register(service, "edit-keyboard@example.se")
    page.goto(own_link(service, "edit-keyboard@example.se"))
    assert page.locator("h2#edit-heading").inner_text() == "Ändra dina svar"
    tab_to(page, lambda active: active["name"] == "organisation", limit=60)
    page.keyboard.press("Control+A")
    page.keyboard.type("Hudiksvalls kommun")
    tab_to(page, lambda active: active["tag"] == "BUTTON" and "Spara" in active["text"], limit=60)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Dina svar är sparade")
    (stored,) = [r for r in service.registrations() if r["email"] == "edit-keyboard@example.se"]
    assert stored["organisation"] == "Hudiksvalls kommun" and stored["status"] == "confirmed"


def test_the_edit_page_and_its_errors_have_no_wcag_22_aa_violations(service, axe_page, axe_source):
    register(service, "edit-axe@example.se")
    axe_page.goto(own_link(service, "edit-axe@example.se"))
    pages = {"edit": axe_violations(axe_page, axe_source)}
    axe_page.fill("#diet", "Glutenfri")  # a diet without its consent: refused with a message
    axe_page.click("button:has-text('Spara')")
    axe_page.wait_for_selector("#error-summary")
    assert axe_page.evaluate("() => document.activeElement.id") == "error-summary"
    pages["edit errors"] = axe_violations(axe_page, axe_source)
    assert pages == {"edit": [], "edit errors": []}
