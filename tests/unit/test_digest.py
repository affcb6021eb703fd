"""The organisers' digest and CSV on a realistic meeting: 40 people, 31 organisations, 25 meals, 6 diets."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.digest import attendee_csv, summarize
from chalicelib.forms import parse_answers
from chalicelib.registrations import EmailDelivery, Registration, Status
from chalicelib.sectors import Sector
from tests.helpers import answers, at, example_event, written_digest
from tests.mailbox import read_back

NOW = at("2027-05-10T07:00:00+02:00")
FIRST_NAMES = ["Åsa", "Björn", "Märta", "Örjan", "Eva", "Lars", "Ingrid", "Per", "Kerstin", "Anders"]
LAST_NAMES = ["Öberg", "Ängström", "Lindqvist", "Sjöberg"]
DIETS = ["Vegetarisk", "vegetarisk ", "Glutenfri", "Laktosfri", "Vegan", "Nötallergi", "Halal", "Vegetarisk"]
SECTORS = tuple(Sector)  # every sector, in the order the form offers them


def realistic():
    """40 live registrations from 31 organisations; 25 eat, 8 of them with one of 6 diets."""
    event = example_event(capacity=60)
    registrations = []
    for index in range(40):
        eats = index < 25
        raw = answers(
            name=f"{FIRST_NAMES[index % 10]} {LAST_NAMES[index // 10]}",
            email=f"person{index}@example.se",
            organisation=f"Organisation {min(index, 30)} i Hudiksvall",
            sector=SECTORS[index % len(SECTORS)],
            meal="yes" if eats else "no",
            diet=DIETS[index] if index < len(DIETS) else "",
            interests=["barn-och-unga"] if index % 2 else ["trygghet-och-tillit", "barn-och-unga"],
            access_needs="Hörslinga" if index == 3 else "",
        )
        registrations.append(
            Registration(
                event_id=event.id,
                registration_id=f"r{index:02d}",
                answers=parse_answers(raw, event),
                status=Status.CONFIRMED,
                created_at=NOW - timedelta(days=10 - index % 10),
                updated_at=NOW - timedelta(days=5),
            )
        )
    return event, registrations


def test_counts_match_the_stored_registrations():
    event, registrations = realistic()
    summary = summarize(event, registrations, now=NOW, since=None)
    assert len(summary.confirmed) == 40 and summary.seats_left == 20
    assert summary.meals == 25
    assert len(summary.organisations) == 31
    assert sum(count for _, count in summary.organisations) == 40
    assert dict(summary.diets) == {
        "Vegetarisk": 3,
        "Glutenfri": 1,
        "Laktosfri": 1,
        "Vegan": 1,
        "Nötallergi": 1,
        "Halal": 1,
    }
    assert sum(count for _, count in summary.sectors) == 40
    assert dict(summary.interests) == {
        "Barn och unga": 40,
        "Arbete och sysselsättning": 0,
        "Trygghet och tillit": 20,
        "Hälsa och delaktighet": 0,
    }
    assert summary.access_needs == (("Örjan Öberg", "Hörslinga"),)
    assert summary.days_to_deadline == 5


def test_held_seats_are_taken_but_not_confirmed_and_the_csv_says_so():
    event, registrations = realistic()
    held = [replace(r, status=Status.PENDING) for r in registrations[:3]]
    summary = summarize(event, held + registrations[3:], now=NOW, since=None)
    assert (len(summary.confirmed), len(summary.pending), summary.seats_left) == (37, 3, 20)
    assert len(summary.new) == 40, "a held seat is a new registration for the organisers"
    message = written_digest(event, summary, now=NOW)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Platser som hålls tills personen bekräftat sin e-postadress: 3." in text
    rows = list(csv.reader(io.StringIO(attendee_csv(event, held).decode("utf-8-sig")), delimiter=";"))
    assert {row[4] for row in rows[1:]} == {"Plats hålls, inte bekräftad än"}


def test_changes_since_the_last_digest():
    event, registrations = realistic()
    since = NOW - timedelta(days=2)
    registrations[0] = replace(registrations[0], status=Status.CANCELLED, updated_at=NOW - timedelta(hours=3))
    registrations[1] = replace(
        registrations[1], updated_at=NOW - timedelta(hours=2), email=EmailDelivery(kind="promotion", state="sent")
    )
    registrations[2] = replace(registrations[2], status=Status.WAITLISTED)
    summary = summarize(event, registrations, now=NOW, since=since)
    assert {r.registration_id for r in summary.new} == {
        r.registration_id for r in registrations if r.created_at > since and r.status != Status.CANCELLED
    }
    assert [r.registration_id for r in summary.cancelled_since] == ["r00"]
    assert [r.registration_id for r in summary.promoted_since] == ["r01"]
    assert summary.changed


def test_email_problems_are_listed_for_the_organiser():
    event, registrations = realistic()
    registrations[5] = replace(registrations[5], email=EmailDelivery(state="suppressed"))
    registrations[6] = replace(registrations[6], email=EmailDelivery(state="gave_up", error="MessageRejected"))
    summary = summarize(event, registrations, now=NOW, since=None)
    assert sorted(r.registration_id for r in summary.email_problems) == ["r05", "r06"]


def test_the_csv_opens_in_swedish_excel_and_matches_the_registrations():
    event, registrations = realistic()
    data = attendee_csv(event, registrations)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, or Excel shows mojibake"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Namn", "E-postadress", "Organisation eller verksamhet"]
    assert len(body) == 40
    assert sum(row[header.index("Måltid")] == "Ja" for row in body) == 25
    assert {row[0] for row in body} == {r.answers.name for r in registrations}
    assert "Åsa Öberg" in {row[0] for row in body}


def test_csv_cells_cannot_become_formulas():
    event, registrations = realistic()
    evil = [
        replace(
            registrations[0],
            answers=replace(
                registrations[0].answers, name='=HYPERLINK("x")', organisation="+1", message="@SUM(A1)", diet="-2"
            ),
        )
    ]
    rows = list(csv.reader(io.StringIO(attendee_csv(event, evil).decode("utf-8-sig")), delimiter=";"))
    cells = rows[1]
    assert cells[0] == '\'=HYPERLINK("x")' and cells[2] == "'+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize("starter", ["\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b"])
def test_full_width_and_small_formula_starters_are_neutralised_like_ascii_ones(starter):
    event, registrations = realistic()
    typed = f'{starter}HYPERLINK("https://evil.example";"Klicka")'
    evil = [replace(registrations[0], answers=replace(registrations[0].answers, message=typed, diet=typed))]
    rows = list(csv.reader(io.StringIO(attendee_csv(event, evil).decode("utf-8-sig")), delimiter=";"))
    header, cells = rows[0], rows[1]
    assert cells[header.index("Meddelande")] == "'" + typed
    assert cells[header.index("Specialkost eller allergier")] == "'" + typed


def test_text_that_merely_contains_a_full_width_sign_is_left_alone():
    event, registrations = realistic()
    kept = [replace(registrations[0], answers=replace(registrations[0].answers, message="Ett＋två"))]
    rows = list(csv.reader(io.StringIO(attendee_csv(event, kept).decode("utf-8-sig")), delimiter=";"))
    assert "Ett＋två" in rows[1]


def test_the_digest_email_reads_well_and_carries_the_csv():
    event, registrations = realistic()
    summary = summarize(event, registrations, now=NOW, since=None)
    message = written_digest(
        event,
        summary,
        now=NOW,
        csv_bytes=attendee_csv(event, registrations),
        live_link="https://signup.example/console/events/natverk-social-hallbarhet",
    )
    parsed = read_back(message)
    assert parsed["Subject"] == "Anmälningar till Nätverk för social hållbarhet – andra träffen: 40 anmälda"
    assert [address.addr_spec for address in parsed["Reply-To"].addresses] == list(event.organisers)
    assert parsed["Date"].datetime == NOW and parsed["Content-Language"] == "sv"
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert "Anmälda: 40. Väntelista: 0. Avbokade: 0." in text
    assert "Måltider: 25" in text and "- Vegetarisk: 3" in text
    assert "== Organisationer (31) ==" in text
    assert "https://signup.example/console/events/natverk-social-hallbarhet" in text
    (attachment,) = [part for part in parsed.iter_attachments()]
    assert attachment.get_filename() == "natverk-social-hallbarhet.csv"
    assert attachment.get_payload(decode=True).startswith(b"\xef\xbb\xbfNamn;")


def test_the_caterer_gets_counts_but_no_list_or_needs():
    event, registrations = realistic()
    summary = summarize(event, registrations, now=NOW, since=None)
    message = written_digest(event, summary, now=NOW, final=True, caterer=True)
    assert [address.addr_spec for address in message["Reply-To"].addresses] == list(event.organisers)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Måltider: 25" in text and "Vegetarisk: 3" in text
    assert "Hörslinga" not in text and "person" not in text
    assert list(message.iter_attachments()) == []
