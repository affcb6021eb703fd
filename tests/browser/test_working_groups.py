"""Working groups in Chromium: after the last day to sign up, an organiser moves someone to another
group with the keyboard alone (a select per person, then the save button; nothing to drag)."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.sectors import Sector
from tests.browser.test_console_people import signed_in
from tests.helpers import answers

GROUPS_EVENT = "grupper"
GROUPS_TOML = """
id = "grupper"
starts_at = 2030-05-24T13:00:00
deadline = {deadline}
venue = "Rådhussalen, Kulturhuset"
organisers = ["social.hallbarhet@hudiksvall.example"]
[title]
sv = "Träff med arbetsgrupper"
en = "A meeting with working groups"
[[interests]]
id = "arbete"
sv = "Arbete och sysselsättning"
[[interests]]
id = "unga"
sv = "Barn och unga"
"""
SECTORS = tuple(Sector)  # every sector, in the order the form offers them


def put(service, tmp_path, deadline):
    toml = tmp_path / "grupper.toml"
    toml.write_text(GROUPS_TOML.format(deadline=deadline.isoformat()), encoding="utf-8")
    service.cli("event", "put", str(toml))


def register(service, number):
    given = answers(
        email=f"grupp{number}@example.se",
        name=f"Deltagare {number}",
        organisation=f"Organisation {number}",
        sector=SECTORS[number % len(SECTORS)],
        interests=["arbete" if number % 2 else "unga"],
        meal=None,
        diet=None,
        diet_consent=None,
    )
    request = urllib.request.Request(
        f"{service.base}/events/{GROUPS_EVENT}/registrations",
        data=json.dumps(given).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["status"] == "confirmed"


def test_an_organiser_moves_someone_between_groups_by_keyboard(service, page, tmp_path):
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Stockholm")).date()
    put(service, tmp_path, today + timedelta(days=1))
    for number in range(10):
        register(service, number)
    put(service, tmp_path, today - timedelta(days=1))  # registration has closed: the counters are kept
    service.cli("network", "groups", GROUPS_EVENT, "--propose")

    signed_in(service, page)
    page.goto(f"{service.base}/console/events/{GROUPS_EVENT}/groups")
    first = page.locator("section:has(h2:has-text('Grupp 1'))")
    name = first.locator(".who").first.inner_text()
    select = first.locator("select").first
    assert select.input_value() == "1"
    select.focus()
    page.keyboard.press("ArrowDown")  # a closed select takes the next option from the keyboard
    assert select.input_value() == "2"
    for _ in range(40):  # on through the other selects to the save button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "save":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Grupperna är sparade.")
    second = page.locator("section:has(h2:has-text('Grupp 2'))")
    moved = second.locator("li", has_text=name)
    assert "Flyttad hit av en arrangör" in moved.inner_text()
    shown = service.cli("network", "groups", GROUPS_EVENT)
    assert shown.index(name) > shown.index("Grupp 2"), "saved in the second group"
