"""The form with the organisers' own questions in a real browser: a question asked only for one
workshop appears when that workshop is chosen, and without JavaScript it shows saying when to answer."""

from __future__ import annotations

import re

import pytest

from chalicelib.console.events import event_toml
from tests.helpers import CUSTOM_QUESTIONS, open_event

QUESTIONS_EVENT = "webbtraff-med-fragor"


@pytest.fixture(scope="module")
def questions_event(service, tmp_path_factory):
    path = tmp_path_factory.mktemp("questions") / "event.toml"
    path.write_text(event_toml(open_event(id=QUESTIONS_EVENT, questions=CUSTOM_QUESTIONS)), encoding="utf-8")
    service.cli("event", "put", str(path))
    return f"{service.base}/events/{QUESTIONS_EVENT}/form"


def test_a_conditional_question_appears_when_its_answer_is_chosen_and_the_answers_are_stored(
    service, page, questions_event
):
    page.goto(questions_event)
    shoe = page.locator("#q_skor")
    assert not shoe.is_visible(), "asked only for the nature walk"
    page.get_by_label("Naturvandring").check()
    shoe.wait_for(state="visible")
    # The condition in words is for a page without the script: here the question shows exactly when it applies.
    assert not page.get_by_text("Svara bara om du svarade").is_visible()
    page.get_by_label("Namn").fill("Åsa Öberg")
    page.get_by_label("E-postadress").fill("fragor@example.se")
    page.get_by_label("Organisation eller verksamhet").fill("Röda Korset Hudiksvall")
    page.get_by_label("Förening eller ideell organisation").check()
    page.locator("#meal input[value=no]").check()
    shoe.fill("42")
    page.get_by_label("Hur många kollegor tar du med?").fill("2")
    page.get_by_label("På kvällen").check()
    page.get_by_label("Jag samtycker till att mitt svar på frågan ovan sparas").check()
    page.wait_for_timeout(3100)  # a person takes longer than the bot threshold
    page.get_by_role("button", name="Skicka anmälan").click()
    page.wait_for_url(re.compile(r"/thanks\?status=confirmed"))
    (stored,) = service.registrations(QUESTIONS_EVENT)
    assert stored["custom"] == {"workshop": "natur", "skor": "42", "kollegor": 2, "tro": ["kvall"]}
    assert stored["sensitive"] == ["tro"]

    # Choosing another workshop hides the question again.
    page.goto(questions_event)
    page.get_by_label("Naturvandring").check()
    page.locator("#q_skor").wait_for(state="visible")
    page.get_by_label("Robotik i vården").check()
    page.locator("#q_skor").wait_for(state="hidden")


def test_without_javascript_the_conditional_question_shows_with_its_condition(no_js_page, questions_event):
    no_js_page.goto(questions_event)
    assert no_js_page.locator("#q_skor").is_visible()
    condition = "Svara bara om du svarade ”Naturvandring” på frågan ”Vilken workshop väljer du?”."
    assert no_js_page.get_by_text(condition).is_visible()
    # A group of choices is announced by its legend.
    assert no_js_page.get_by_role("group", name=re.compile("Vilken workshop väljer du")).is_visible()
