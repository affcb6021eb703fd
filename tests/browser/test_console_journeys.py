"""An organiser's journeys in Chromium: a registration arrives while they watch the people page, they
cancel someone and the waiting list moves, and they download the CSV for Swedish Excel.

The waiting list needs a full meeting: that one is an event of its own (one seat), so the shared
event's capacity and registrations, which later files count on, are left as they were."""

from __future__ import annotations

import json
import re
import urllib.request

from tests.browser.test_console_people import signed_in
from tests.browser.test_form import submit_pasted_form
from tests.helpers import EVENT, answers

ONE_SEAT = "en-plats"
ONE_SEAT_EVENT = """
id = "en-plats"
starts_at = 2030-05-24T13:00:00
deadline = 2030-05-15
venue = "Rådhussalen, Kulturhuset"
capacity = 1
organisers = ["social.hallbarhet@hudiksvall.example"]
[title]
sv = "Träff med en enda plats"
en = "A meeting with a single seat"
"""


def register(service, event_id, email, name):
    request = urllib.request.Request(
        f"{service.base}/events/{event_id}/registrations",
        data=json.dumps(answers(email=email, name=name, organisation="Ljusdals bygg")).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def row_status(page, name):
    """The status cell of `name`'s row on the people page."""
    return page.locator("#results tbody tr", has_text=name).locator("td").nth(1).inner_text()


def test_a_registration_arrives_while_the_organiser_watches(service, page, playwright_browser):
    signed_in(service, page)
    people = f"{service.base}/console/events/{EVENT}/people"
    page.goto(people)
    assert "Märta Ödqvist" not in page.inner_text("#results")

    # Meanwhile someone signs up on the municipality's page, in a browser of their own.
    resident = playwright_browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        submit_pasted_form(
            resident.new_page(),
            f"{service.site}/form.html",
            name="Märta Ödqvist",
            email="marta.odqvist@example.se",
            organisation="Forsa församling",
            sector="association",
        )
    finally:
        resident.close()

    page.reload()
    page.wait_for_selector("#results tbody tr:has-text('Märta Ödqvist')")
    assert row_status(page, "Märta Ödqvist") == "Har plats"
    page.focus("#q")
    page.keyboard.type("marta odq")  # no å/ä/ö typed: found all the same
    page.wait_for_selector("#live-status:has-text('Visar 1 av')")
    assert page.locator("#results tbody tr").count() == 1
    page.click("#results a:has-text('Märta Ödqvist')")
    page.wait_for_selector("h1:has-text('Märta Ödqvist')")
    assert "Forsa församling" in page.inner_text("main")
    history = page.locator("[aria-labelledby=history] tbody tr")
    history.first.wait_for()
    assert "Bekräftelse" in history.first.inner_text() and "skickat" in history.first.inner_text()


def test_cancelling_someone_moves_the_waiting_list(service, page, tmp_path):
    toml = tmp_path / "en-plats.toml"
    toml.write_text(ONE_SEAT_EVENT, encoding="utf-8")
    service.cli("event", "put", str(toml))
    assert register(service, ONE_SEAT, "sitter@example.se", "Sigrid Östman")["status"] == "confirmed"
    assert register(service, ONE_SEAT, "waits@example.se", "Valter Åkesson")["status"] == "waitlisted"

    signed_in(service, page)
    page.goto(f"{service.base}/console/events/{ONE_SEAT}/people")
    assert row_status(page, "Sigrid Östman") == "Har plats"
    assert row_status(page, "Valter Åkesson") == "På väntelistan"

    page.click("#results a:has-text('Sigrid Östman')")
    page.wait_for_selector("h1:has-text('Sigrid Östman')")
    page.check("input[name=tell][value=yes]")
    page.click("button:has-text('Avboka Sigrid Östman')")
    page.wait_for_selector("text=Valter Åkesson fick platsen från väntelistan och får ett mejl om det.")
    assert "Anmälan är avbokad och personen får en bekräftelse." in page.inner_text("main")

    page.click("a:has-text('Alla deltagare')")
    page.wait_for_selector("#results tbody tr:has-text('Valter Åkesson')")
    assert row_status(page, "Valter Åkesson") == "Har plats"
    assert page.locator("#results tbody tr", has_text="Sigrid Östman").count() == 0, "the list shows the live"
    page.select_option("#status", "all")
    page.click("button:has-text('Visa')")
    page.wait_for_selector("#results tbody tr:has-text('Sigrid Östman')")
    assert row_status(page, "Sigrid Östman") == "Avbokad"
    statuses = {r["email"]: r["status"] for r in service.registrations(ONE_SEAT)}
    assert statuses == {"sitter@example.se": "cancelled", "waits@example.se": "confirmed"}
    told = [m for m in service.mail() if "waits@example.se" in m["destinations"]]
    assert len(told) == 2, "the waiting-list confirmation, then the seat"


def test_the_csv_download_is_for_swedish_excel(service, page):
    register(service, EVENT, "csv-ake@example.se", "Åke Ängström")
    signed_in(service, page)
    page.goto(f"{service.base}/console/events/{EVENT}/people")
    with page.expect_download() as started:
        page.click("a:has-text('Ladda ner deltagarlistan (CSV för Excel)')")
    download = started.value
    assert re.fullmatch(r"[\w.-]+\.csv", download.suggested_filename), download.suggested_filename
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    text = data[3:].decode("utf-8")
    header, *rows = text.splitlines()
    assert header.count(";") >= 5 and "," not in header, "semicolons: Swedish Excel's list separator"
    (ake,) = [row for row in rows if "csv-ake@example.se" in row]
    assert "Åke Ängström" in ake.split(";") and "Ljusdals bygg" in ake.split(";")
