"""The console's question editor in Chromium: an organiser adds a one-choice question whose choice has
15 places and sees it on the public form; the questions are moved with the keyboard; axe (WCAG 2.2 AA)
finds nothing on the editor's pages at 320 px and on a desktop."""

from __future__ import annotations

import pytest

from chalicelib.console.events import event_toml
from tests.browser.keyboard import focused
from tests.browser.test_console_events import ADMIN, sign_in_by_keyboard
from tests.browser.test_pages import WIDTHS, axe_violations
from tests.helpers import open_event

EDITOR_EVENT = "traffen-med-fragoredigering"


@pytest.fixture(scope="module")
def editor_event(service, tmp_path_factory):
    path = tmp_path_factory.mktemp("editor") / "event.toml"
    path.write_text(event_toml(open_event(id=EDITOR_EVENT, series=None, questions=[])), encoding="utf-8")
    service.cli("event", "put", str(path))
    return f"{service.base}/console/events/{EDITOR_EVENT}/questions"


def test_an_organiser_adds_a_workshop_with_15_places_and_the_public_form_offers_it(
    service, axe_page, editor_event, axe_source
):
    sign_in_by_keyboard(service, axe_page, ADMIN)
    axe_page.goto(f"{service.base}/console/events/{EDITOR_EVENT}")
    axe_page.get_by_role("link", name="Egna frågor i formuläret").click()
    axe_page.wait_for_selector("text=Träffen har inga egna frågor än.")
    checked = [_axe(axe_page, axe_source)]
    axe_page.get_by_role("link", name="Lägg till en fråga").click()
    axe_page.get_by_label("Ett val").check()
    checked.append(_axe(axe_page, axe_source))
    axe_page.get_by_role("button", name="Fortsätt").click()

    # Every field is found by its label: the labels are tied to their inputs.
    axe_page.get_by_label("Frågan på svenska").fill("Vilken workshop väljer du?")
    axe_page.get_by_label("Frågan på engelska").fill("Which workshop do you choose?")
    axe_page.get_by_label("Alternativ 1, namn på svenska").fill("Robotik i vården")
    axe_page.get_by_label("Alternativ 1, platser").fill("15")
    axe_page.get_by_label("Alternativ 2, namn på svenska").fill("Naturvandring")
    axe_page.get_by_label("Alternativ 2, platser").fill("många")
    checked.append(_axe(axe_page, axe_source))
    axe_page.get_by_role("button", name="Lägg till frågan").click()
    # The validator's message at the field, and the summary leads there.
    axe_page.wait_for_selector("text=Frågan kunde inte sparas")
    checked.append(_axe(axe_page, axe_source))
    axe_page.get_by_role("link", name="Alternativ 2, platser:").click()
    assert focused(axe_page)["id"] == "choice_1_limit"
    axe_page.get_by_label("Alternativ 2, platser").fill("")
    axe_page.get_by_role("button", name="Lägg till frågan").click()
    axe_page.wait_for_selector("text=Frågan är tillagd.")
    assert axe_page.locator("ol.question-list li strong").all_inner_texts() == ["Vilken workshop väljer du?"]

    axe_page.goto(f"{service.base}/events/{EDITOR_EVENT}/form")
    workshop = axe_page.get_by_role("group", name="Vilken workshop väljer du?")
    assert workshop.get_by_label("Robotik i vården").is_visible()
    assert "Robotik i vården (15 platser kvar) Naturvandring" in " ".join(workshop.inner_text().split())
    axe_page.goto(f"{service.base}/events/{EDITOR_EVENT}/form?lang=en")
    assert axe_page.get_by_role("group", name="Which workshop do you choose?").is_visible()

    # A second question, then moved above the first with the keyboard alone.
    axe_page.goto(f"{editor_event}/new?type=yes_no")
    axe_page.get_by_label("Frågan på svenska").fill("Vill du presentera din verksamhet?")
    axe_page.get_by_role("button", name="Lägg till frågan").click()
    axe_page.wait_for_selector("text=Frågan är tillagd.")
    checked.append(_axe(axe_page, axe_source))
    for _ in range(60):
        axe_page.keyboard.press("Tab")
        active = focused(axe_page)
        if active["tag"] == "BUTTON" and active["text"] == "Flytta upp":
            break
    else:
        raise AssertionError("never reached Flytta upp by keyboard")
    axe_page.keyboard.press("Enter")
    axe_page.wait_for_selector("text=Frågan är flyttad.")
    assert axe_page.locator("ol.question-list li strong").all_inner_texts() == [
        "Vill du presentera din verksamhet?",
        "Vilken workshop väljer du?",
    ]
    axe_page.get_by_role("link", name="Ändra").last.click()
    axe_page.wait_for_selector("text=Ändra frågan")
    checked.append(_axe(axe_page, axe_source))
    assert checked == [{}] * len(checked), checked


def _axe(page, axe_source):
    """axe's violations on the page as it is now, at 320 px and on a desktop (reloaded at each width)."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page, axe_source)
        if violations:
            found[(page.url, width)] = violations
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        if wide > width:
            found[(page.url, width, "scrolls sideways")] = wide
    page.set_viewport_size({"width": 1280, "height": 900})
    return found
