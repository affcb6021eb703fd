"""The console's people pages through the app (moto's server): the list, one person, cancelling on
someone's behalf, the CSV, the door list and check-in; 404 for another's event, 403 without CSRF."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.helpers import EVENT, answers, csrf_of, matched, open_event, post_json
from tests.mailbox import sent_with_destinations
from tests.test_app_console import OTHER_EVENT, get, other_event, post, sign_in

PEOPLE = f"/console/events/{EVENT}/people"
CHECK_IN = f"/console/events/{EVENT}/check-in"


@pytest.fixture
def meeting(app_store, client):
    """Two seats: Örjan and Åsa have them, Zelda waits; Bo's own event beside it."""
    app_store.put_event(open_event(capacity=2, waitlist_limit=5), datetime.now(UTC))
    app_store.put_event(other_event(), datetime.now(UTC))
    for who in (
        answers(name="Örjan Sjöberg", email="orjan@example.se", organisation="Hudiksvalls kommun", sector="public"),
        answers(name="Åsa Öberg", email="asa@example.se", meal="no", diet=None, diet_consent=None),
        answers(name="Zelda Ahl", email="zelda@example.se", organisation="Ahls bygg", sector="company"),
    ):
        assert post_json(client, who).status_code == 201
    return {r.answers.name: r for r in app_store.registrations(EVENT)}


@pytest.fixture
def organiser(client, meeting, moto_endpoint):
    return sign_in(client, moto_endpoint)


@pytest.fixture
def stranger(client, meeting, moto_endpoint):
    """Bo organises another event, not this one."""
    return sign_in(client, moto_endpoint, "bo@example.se")


def text(response):
    return response.body.decode()


def status_of(app_store, name):
    return {r.answers.name: r for r in app_store.registrations(EVENT)}[name]


def follow(client, response, cookie):
    """The GET a 303 leads to (what the browser shows after the POST)."""
    assert response.status_code == 303, text(response)
    return get(client, response.headers["Location"], cookie)


def mails_to(moto_endpoint, address):
    return [str(m["Subject"]) for destinations, m in sent_with_destinations(moto_endpoint) if address in destinations]


# -- the list and one person -----------------------------------------------------------


def test_the_people_page_lists_everyone_in_swedish_order_with_counts_and_is_never_cached(client, organiser):
    response = get(client, PEOPLE, organiser)
    page = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert page.index("Zelda Ahl") < page.index("Åsa Öberg") < page.index("Örjan Sjöberg")
    assert "Visar 3 av 3 anmälda." in page
    assert re.search(r"<dt>Har plats</dt><dd>2</dd>", page) and re.search(r"<dt>På väntelistan</dt><dd>1</dd>", page)
    assert 'src="/console/people.js"' in page


def test_searching_and_filtering_is_a_plain_get_form(client, organiser):
    page = text(get(client, f"{PEOPLE}?q=asa+OBERG", organiser))
    assert "Åsa Öberg" in page and "Örjan Sjöberg" not in page and "Visar 1 av 3 anmälda." in page
    assert 'value="asa OBERG"' in page, "the search stays in the box"
    waiting = text(get(client, f"{PEOPLE}?status=waitlisted", organiser))
    assert "Zelda Ahl" in waiting and "Åsa Öberg" not in waiting
    public = text(get(client, f"{PEOPLE}?sector=public&meal=yes", organiser))
    assert "Örjan Sjöberg" in public and "Zelda Ahl" not in public
    english = text(get(client, f"{PEOPLE}?lang=en&status=nonsense", organiser))
    assert "Showing 3 of 3 registered." in english


def test_the_search_boxes_take_as_much_as_the_search_reads(client, organiser, monkeypatch):
    """Written once (console.people.MAX_SEARCH): a different limit shows in both search boxes."""
    from chalicelib.console import people

    monkeypatch.setattr(people, "MAX_SEARCH", 40)
    for page in (PEOPLE, CHECK_IN):
        assert 'maxlength="40"' in text(get(client, page, organiser)), page


def test_one_person_s_page_shows_answers_status_and_latest_email(client, organiser, meeting):
    asa = meeting["Åsa Öberg"]
    page = text(get(client, f"{PEOPLE}/{asa.registration_id}", organiser))
    assert "Åsa Öberg" in page and "asa@example.se" in page and "Har plats" in page
    assert "Bekräftelse: skickat" in page
    assert "Historiken sparas lika länge som anmälan" in page
    assert 'name="tell"' in page and 'name="csrf_token"' in page


def history_of(page):
    """The person page's email history as (email, how it went) rows, top to bottom."""
    table = page.split('aria-labelledby="history"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td></tr>", table)
    return [(kind, result.strip()) for kind, result in rows]


def test_the_person_page_lists_every_email_to_them_newest_first(client, organiser, meeting, moto_endpoint):
    """Zelda waits, gets the seat Örjan's cancellation frees, and her confirmation is sent again; a
    later bounce of her address shows too. The register kept only the latest of these before."""
    from chalicelib.suppression import record_notification

    zelda, orjan = meeting["Zelda Ahl"], meeting["Örjan Sjöberg"]
    person = f"{PEOPLE}/{zelda.registration_id}"
    page = get(client, f"{PEOPLE}/{orjan.registration_id}", organiser)
    post(client, f"{PEOPLE}/{orjan.registration_id}/cancel", organiser, {"csrf_token": csrf_of(page), "tell": "yes"})
    post(client, f"{person}/resend", organiser, {"csrf_token": csrf_of(page)})
    assert history_of(text(get(client, person, organiser))) == [
        ("Bekräftelse skickad igen", "skickat"),
        ("Plats från väntelistan", "skickat"),
        ("Bekräftelse", "skickat"),
    ]
    assert history_of(text(get(client, f"{PEOPLE}/{orjan.registration_id}?lang=en", organiser))) == [
        ("Cancellation receipt", "sent"),
        ("Confirmation", "sent"),
    ]
    from chalicelib.bootstrap import wiring

    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "zelda@example.se"}]},
    }
    record_notification(json.dumps(bounce), store=wiring().store, now=datetime.now(UTC), keep_for=timedelta(days=1))
    post(client, f"{person}/resend", organiser, {"csrf_token": csrf_of(page)})
    assert history_of(text(get(client, person, organiser)))[:2] == [
        ("Bekräftelse skickad igen", "inte skickat: adressen studsar eller har anmält skräppost"),
        ("Besked från mottagarens e-postserver", "studsade: adressen finns inte"),
    ]


def test_another_event_s_organiser_gets_404_on_every_people_page(client, stranger, meeting, app_store):
    asa = meeting["Åsa Öberg"]
    for path in (
        PEOPLE,
        f"{PEOPLE}/{asa.registration_id}",
        f"/console/events/{EVENT}/export.csv",
        f"/console/events/{EVENT}/door-list",
        CHECK_IN + "?q=asa",
    ):
        response = get(client, path, stranger)
        assert response.status_code == 404, path
        assert "Åsa" not in text(response) and "Träffen hittades inte" in text(response)
    csrf = csrf_of(get(client, f"/console/events/{OTHER_EVENT}/people", stranger))
    for path in (f"{PEOPLE}/{asa.registration_id}/cancel", f"{CHECK_IN}/{asa.registration_id}"):
        assert post(client, path, stranger, {"csrf_token": csrf, "present": "1"}).status_code == 404, path
    assert status_of(app_store, "Åsa Öberg").status == "confirmed"
    assert status_of(app_store, "Åsa Öberg").checked_in_at is None


def test_a_registration_of_another_event_is_not_found_under_this_one(client, organiser, app_store, moto_endpoint):
    post_json(client, answers(email="bo.gast@example.se"), path=f"/events/{OTHER_EVENT}/registrations")
    (theirs,) = app_store.registrations(OTHER_EVENT)
    assert get(client, f"{PEOPLE}/{theirs.registration_id}", organiser).status_code == 404


def test_without_a_session_the_people_pages_redirect_to_sign_in(client, meeting):
    for path in (PEOPLE, f"/console/events/{EVENT}/export.csv", CHECK_IN):
        response = get(client, path)
        # To the sign-in page, which brings the person back here afterwards.
        assert response.status_code == 303 and response.headers["Location"] == "/console?" + urlencode({"next": path})


# -- cancelling on someone's behalf ---------------------------------------------------------


def test_cancelling_without_the_csrf_token_is_403_and_changes_nothing(client, organiser, meeting, app_store):
    orjan = meeting["Örjan Sjöberg"]
    for fields in ({"tell": "yes"}, {"tell": "yes", "csrf_token": "0" * 64}):
        refused = post(client, f"{PEOPLE}/{orjan.registration_id}/cancel", organiser, fields)
        assert refused.status_code == 403 and "Ingenting har ändrats" in text(refused)
    assert status_of(app_store, "Örjan Sjöberg").status == "confirmed"
    assert status_of(app_store, "Zelda Ahl").status == "waitlisted"


def test_cancelling_and_telling_them_moves_the_waiting_list_with_its_email(
    client, organiser, meeting, app_store, moto_endpoint
):
    orjan = meeting["Örjan Sjöberg"]
    page = get(client, f"{PEOPLE}/{orjan.registration_id}", organiser)
    done = post(
        client, f"{PEOPLE}/{orjan.registration_id}/cancel", organiser, {"csrf_token": csrf_of(page), "tell": "yes"}
    )
    assert done.status_code == 303, text(done)
    assert done.headers["Location"].startswith(f"{PEOPLE}/{orjan.registration_id}?")
    shown = text(follow(client, done, organiser))
    assert "Anmälan är avbokad och personen får en bekräftelse." in shown
    assert "Zelda Ahl fick platsen från väntelistan" in shown
    assert status_of(app_store, "Örjan Sjöberg").status == "cancelled"
    assert status_of(app_store, "Zelda Ahl").status == "confirmed"
    assert "Avbokning bekräftad" in " ".join(mails_to(moto_endpoint, "orjan@example.se"))
    assert any("plats" in subject for subject in mails_to(moto_endpoint, "zelda@example.se")[1:])
    again = post(client, f"{PEOPLE}/{orjan.registration_id}/cancel", organiser, {"csrf_token": csrf_of(page)})
    assert "Anmälan var redan avbokad" in text(follow(client, again, organiser))
    log = text(get(client, f"/console/events/{EVENT}/audit", organiser))
    assert "Avbokade en anmälan (personen fick mejl)" in log and "Örjan Sjöberg" in log
    assert log.count("Avbokade en anmälan") == 1, "the second press changed nothing and logged nothing"


def test_cancelling_without_telling_sends_them_nothing_but_still_emails_the_promoted(
    client, organiser, meeting, app_store, moto_endpoint
):
    asa = meeting["Åsa Öberg"]
    before = len(mails_to(moto_endpoint, "asa@example.se"))
    page = get(client, f"{PEOPLE}/{asa.registration_id}", organiser)
    done = post(
        client, f"{PEOPLE}/{asa.registration_id}/cancel", organiser, {"csrf_token": csrf_of(page), "tell": "no"}
    )
    assert "Inget mejl skickas till personen." in text(follow(client, done, organiser))
    assert len(mails_to(moto_endpoint, "asa@example.se")) == before
    assert status_of(app_store, "Zelda Ahl").status == "confirmed"
    assert len(mails_to(moto_endpoint, "zelda@example.se")) == 2, (
        "the confirmation of her place on the list, then the seat"
    )
    assert "Avbokade en anmälan (utan mejl)" in text(get(client, f"/console/events/{EVENT}/audit", organiser))


def test_after_a_cancel_the_language_switch_leads_to_a_page_that_answers_get(client, organiser, meeting):
    asa = meeting["Åsa Öberg"]
    page = get(client, f"{PEOPLE}/{asa.registration_id}?lang=en", organiser)
    done = post(
        client, f"{PEOPLE}/{asa.registration_id}/cancel?lang=en", organiser, {"csrf_token": csrf_of(page), "tell": "no"}
    )
    shown = follow(client, done, organiser)
    assert "The registration is cancelled. No email goes to the person." in text(shown)
    switch = matched(r'<a href="([^"]+)" lang="sv"', text(shown)).group(1)
    assert "/cancel" not in switch and get(client, switch, organiser).status_code == 200


def test_a_page_answering_a_refused_post_switches_language_to_a_get_page(client, organiser, meeting):
    """A 409 page is rendered in answer to the POST itself: its switch must not be the POST's path."""
    zelda = meeting["Zelda Ahl"]
    page = get(client, f"{PEOPLE}/{zelda.registration_id}", organiser)
    refused = post(client, f"{PEOPLE}/{zelda.registration_id}/promote", organiser, {"csrf_token": csrf_of(page)})
    assert refused.status_code == 409, "no free seat: answered by the page itself, not a redirect"
    switch = matched(r'<a href="([^"]+)" lang="en"', text(refused)).group(1)
    assert "/promote" not in switch and get(client, switch, organiser).status_code == 200


# -- moving up from the waiting list and sending the confirmation again ---------------------------


@pytest.fixture
def a_free_seat(app_store, client, meeting):
    """A third seat (the capacity raised by hand) and a second person waiting behind Zelda."""
    assert post_json(client, answers(name="Yngve Berg", email="yngve@example.se")).status_code == 201
    app_store.put_event(open_event(capacity=3, waitlist_limit=5), datetime.now(UTC))
    return status_of(app_store, "Yngve Berg")


def test_an_organiser_moves_someone_up_out_of_line_into_a_free_seat_with_the_promotion_email(
    client, organiser, a_free_seat, app_store, moto_endpoint
):
    yngve = a_free_seat
    person = f"{PEOPLE}/{yngve.registration_id}"
    page = get(client, person, organiser)
    assert "Flytta upp Yngve Berg" in text(page)
    done = post(client, f"{person}/promote", organiser, {"csrf_token": csrf_of(page)})
    assert done.status_code == 303 and done.headers["Location"].startswith(person + "?")
    assert "Yngve Berg har flyttats upp från väntelistan" in text(follow(client, done, organiser))
    assert status_of(app_store, "Yngve Berg").status == "confirmed"
    assert status_of(app_store, "Zelda Ahl").status == "waitlisted", "out of line: Zelda still waits"
    assert app_store.get_event(EVENT).confirmed_count == 3 and app_store.get_event(EVENT).waitlist_count == 1
    (seat_email,) = mails_to(moto_endpoint, "yngve@example.se")[1:]
    assert seat_email.startswith("Du har fått en plats: ")
    again = post(client, f"{person}/promote", organiser, {"csrf_token": csrf_of(page)})
    assert "Personen står inte längre på väntelistan" in text(follow(client, again, organiser))
    assert len(mails_to(moto_endpoint, "yngve@example.se")) == 2, "a second press sends nothing"
    log = text(get(client, f"/console/events/{EVENT}/audit", organiser))
    assert log.count("Flyttade upp en anmälan från väntelistan") == 1 and "Yngve Berg" in log


def test_with_no_free_seat_moving_up_is_refused_plainly_and_suggests_raising_the_capacity(
    client, organiser, meeting, app_store, moto_endpoint
):
    zelda = meeting["Zelda Ahl"]
    page = get(client, f"{PEOPLE}/{zelda.registration_id}", organiser)
    assert "Det finns ingen ledig plats just nu. Höj antalet platser" in text(page)
    refused = post(client, f"{PEOPLE}/{zelda.registration_id}/promote", organiser, {"csrf_token": csrf_of(page)})
    assert refused.status_code == 409
    assert "Det finns ingen ledig plats, så ingen har flyttats upp. Höj antalet platser" in text(refused)
    assert status_of(app_store, "Zelda Ahl").status == "waitlisted"
    assert app_store.get_event(EVENT).confirmed_count == 2
    english = post(
        client, f"{PEOPLE}/{zelda.registration_id}/promote?lang=en", organiser, {"csrf_token": csrf_of(page)}
    )
    assert "There is no free seat, so nobody was moved up. Raise the meeting" in text(english)
    assert len(mails_to(moto_endpoint, "zelda@example.se")) == 1


def test_once_the_meeting_has_started_cancelling_or_moving_up_is_refused_on_the_person_s_page(
    client, organiser, meeting, app_store
):
    orjan, zelda = meeting["Örjan Sjöberg"], meeting["Zelda Ahl"]
    page = get(client, f"{PEOPLE}/{orjan.registration_id}", organiser)
    # The same meeting, begun yesterday (its description replaced; the counters stay).
    app_store.put_event(open_event(datetime.now(UTC) - timedelta(days=61), capacity=3), datetime.now(UTC))
    cancel = post(client, f"{PEOPLE}/{orjan.registration_id}/cancel", organiser, {"csrf_token": csrf_of(page)})
    assert cancel.status_code == 409 and "<h1>Örjan Sjöberg</h1>" in text(cancel)
    assert "Träffen har börjat, så anmälan kan inte längre avbokas." in text(cancel)
    promote = post(
        client, f"{PEOPLE}/{zelda.registration_id}/promote?lang=en", organiser, {"csrf_token": csrf_of(page)}
    )
    assert promote.status_code == 409 and "<h1>Zelda Ahl</h1>" in text(promote)
    assert "The meeting has started, so nobody can be moved up from the waiting list." in text(promote)
    assert status_of(app_store, "Örjan Sjöberg").status == "confirmed"
    assert status_of(app_store, "Zelda Ahl").status == "waitlisted"


def test_moving_up_or_resending_without_csrf_or_for_another_s_event_changes_nothing(
    client, organiser, stranger, a_free_seat, app_store, moto_endpoint
):
    yngve = a_free_seat
    before = len(sent_with_destinations(moto_endpoint))
    for action in ("promote", "resend"):
        path = f"{PEOPLE}/{yngve.registration_id}/{action}"
        for fields in ({}, {"csrf_token": "0" * 64}):
            assert post(client, path, organiser, fields).status_code == 403, action
        csrf = csrf_of(get(client, f"/console/events/{OTHER_EVENT}/people", stranger))
        assert post(client, path, stranger, {"csrf_token": csrf}).status_code == 404, action
    assert status_of(app_store, "Yngve Berg").status == "waitlisted"
    assert len(sent_with_destinations(moto_endpoint)) == before
    assert "Flyttade upp" not in text(get(client, f"/console/events/{EVENT}/audit", organiser))


def test_resending_sends_the_current_email_once_per_press_and_logs_it(
    client, organiser, meeting, app_store, moto_endpoint
):
    zelda = meeting["Zelda Ahl"]
    person = f"{PEOPLE}/{zelda.registration_id}"
    page = get(client, person, organiser)
    assert "Skicka bekräftelsen igen till Zelda Ahl" in text(page)
    done = post(client, f"{person}/resend", organiser, {"csrf_token": csrf_of(page)})
    assert "Bekräftelsen skickas igen." in text(follow(client, done, organiser))
    first, again = mails_to(moto_endpoint, "zelda@example.se")
    assert first == again and first.startswith("Du står på väntelistan: ")
    assert status_of(app_store, "Zelda Ahl").email.state == "sent"
    log = text(get(client, f"/console/events/{EVENT}/audit", organiser))
    assert log.count("Skickade bekräftelsen igen") == 1


def test_resending_while_an_email_is_on_its_way_or_to_a_suppressed_address_sends_nothing(
    client, organiser, meeting, app_store, moto_endpoint
):
    from dataclasses import replace

    from chalicelib.registrations import EmailDelivery, EmailState

    zelda, asa = meeting["Zelda Ahl"], meeting["Åsa Öberg"]
    page = get(client, f"{PEOPLE}/{zelda.registration_id}", organiser)
    leased = replace(zelda, email=EmailDelivery(EmailState.SENDING, attempts=1, due_at=datetime.now(UTC)))
    app_store.email_failed(leased, "Throttling", datetime.now(UTC))  # the outbox will retry it
    busy = post(client, f"{PEOPLE}/{zelda.registration_id}/resend", organiser, {"csrf_token": csrf_of(page)})
    assert "Ett mejl till personen är redan på väg" in text(follow(client, busy, organiser))
    app_store.suppress(asa.answers.email_key, "bounce", datetime.now(UTC))
    bounced = post(client, f"{PEOPLE}/{asa.registration_id}/resend?lang=en", organiser, {"csrf_token": csrf_of(page)})
    assert "The address bounced" in text(follow(client, bounced, organiser))
    assert len(mails_to(moto_endpoint, "zelda@example.se")) == 1 and len(mails_to(moto_endpoint, "asa@example.se")) == 1
    assert "Skickade bekräftelsen igen" not in text(get(client, f"/console/events/{EVENT}/audit", organiser))


# -- downloads ---------------------------------------------------------------------------


def test_the_csv_is_the_digest_s_for_swedish_excel_with_attendance_and_the_download_is_logged(
    client, organiser, meeting
):
    response = get(client, f"/console/events/{EVENT}/export.csv", organiser)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{EVENT}.csv"'
    assert response.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    # The fixed columns end with the check-in; the demo meeting's own questions follow.
    assert rows[0][0] == "Namn" and rows[0][rows[0].index("Incheckad") :] == [
        "Incheckad",
        "Vill du presentera din verksamhet?",
        "Vilken workshop väljer du?",
    ]
    assert {row[0] for row in rows[1:]} == {"Örjan Sjöberg", "Åsa Öberg", "Zelda Ahl"}
    assert "Laddade ner deltagarlistan (CSV)" in text(get(client, f"/console/events/{EVENT}/audit", organiser))


def test_the_door_list_has_the_seated_in_swedish_order_with_meal_diet_and_a_box(client, organiser):
    response = get(client, f"/console/events/{EVENT}/door-list", organiser)
    page = text(response)
    assert response.status_code == 200
    assert page.index("Åsa Öberg") < page.index("Örjan Sjöberg") and "Zelda Ahl" not in page
    assert "Vegetarisk" in page and "@media print" in page and 'class="box"' in page
    assert "2 personer med plats." in page
    assert "Öppnade dörrlistan" in text(get(client, f"/console/events/{EVENT}/audit", organiser))


# -- check-in -------------------------------------------------------------------------------


def test_the_check_in_page_starts_empty_and_finds_people_from_two_letters(client, organiser):
    empty = text(get(client, CHECK_IN, organiser))
    assert "data-tap" not in empty and "Örjan" not in empty
    assert "0 av 2 med plats har kommit." in empty
    assert "Örjan" not in text(get(client, f"{CHECK_IN}?q=o", organiser))
    found = text(get(client, f"{CHECK_IN}?q=orj", organiser))
    assert "Örjan Sjöberg" in found and 'aria-label="Checka in Örjan Sjöberg"' in found
    waiting = text(get(client, f"{CHECK_IN}?q=zelda", organiser))
    assert "Zelda Ahl" in waiting and "På väntelistan" in waiting and "Checka in Zelda" not in waiting


def test_a_tap_checks_in_once_undo_clears_and_the_export_shows_it(client, organiser, meeting, app_store):
    orjan = meeting["Örjan Sjöberg"]
    csrf = csrf_of(get(client, f"{CHECK_IN}?q=orj", organiser))
    tap = post(
        client, f"{CHECK_IN}/{orjan.registration_id}", organiser, {"csrf_token": csrf, "q": "orj", "present": "1"}
    )
    assert tap.status_code == 303
    assert tap.headers["Location"] == f"{CHECK_IN}?q=orj&marked={orjan.registration_id}"
    after = text(get(client, tap.headers["Location"], organiser))
    assert "Örjan Sjöberg är incheckad." in after and "Ångra incheckningen av Örjan Sjöberg" in after
    assert "1 av 2 med plats har kommit." in after
    first = status_of(app_store, "Örjan Sjöberg").checked_in_at
    post(client, f"{CHECK_IN}/{orjan.registration_id}", organiser, {"csrf_token": csrf, "present": "1"})
    assert status_of(app_store, "Örjan Sjöberg").checked_in_at == first, "a double tap is one state"
    rows = list(
        csv.reader(
            io.StringIO(get(client, f"/console/events/{EVENT}/export.csv", organiser).body.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    checked_in = rows[0].index("Incheckad")
    assert {row[0]: row[checked_in] for row in rows[1:]}["Örjan Sjöberg"] != ""
    undo = post(
        client, f"{CHECK_IN}/{orjan.registration_id}", organiser, {"csrf_token": csrf, "q": "orj", "present": "0"}
    )
    assert "Incheckningen av Örjan Sjöberg är ångrad." in text(get(client, undo.headers["Location"], organiser))
    assert status_of(app_store, "Örjan Sjöberg").checked_in_at is None
    log = text(get(client, f"/console/events/{EVENT}/audit", organiser))
    assert log.count("<td>Checkade in</td>") == 1 and "Ångrade en incheckning" in log


def test_a_tap_without_the_csrf_token_is_403_and_checks_nobody_in(client, organiser, meeting, app_store):
    orjan = meeting["Örjan Sjöberg"]
    refused = post(client, f"{CHECK_IN}/{orjan.registration_id}", organiser, {"present": "1"})
    assert refused.status_code == 403
    assert status_of(app_store, "Örjan Sjöberg").checked_in_at is None


def test_someone_on_the_waiting_list_cannot_be_checked_in_and_is_told_why(client, organiser, meeting, app_store):
    zelda = meeting["Zelda Ahl"]
    csrf = csrf_of(get(client, f"{CHECK_IN}?q=zelda", organiser))
    refused = post(client, f"{CHECK_IN}/{zelda.registration_id}", organiser, {"csrf_token": csrf, "present": "1"})
    assert refused.status_code == 409 and "står på väntelistan eller har avbokat" in text(refused)
    assert status_of(app_store, "Zelda Ahl").checked_in_at is None


def test_the_search_script_is_served_as_javascript(client):
    response = client.http.get("/console/people.js")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/javascript")
    assert b"data-live" in response.body


# -- adding someone by hand ---------------------------------------------------------------

ADD = f"/console/events/{EVENT}/add-person"


def added(fields):
    return {
        "name": "Per Telefon",
        "email": "per.telefon@example.se",
        "organisation": "Glada Hudik",
        "sector": "other",
        "meal": "no",
        **fields,
    }


def test_an_organiser_adds_a_phone_sign_up_after_the_deadline_and_they_are_emailed(
    client, organiser, app_store, moto_endpoint
):
    closed = open_event(capacity=5, waitlist_limit=5, status="closed")
    app_store.put_event(closed, datetime.now(UTC))
    form = get(client, ADD, organiser)
    assert form.status_code == 200 and 'name="csrf_token"' in text(form) and "Lägg till en person" in text(form)
    # The meeting's title under the heading, as on every page about its people.
    assert f"<h1>Lägg till en person</h1>\n<p>{closed.title['sv']}</p>" in text(form)
    done = post(client, ADD, organiser, added({"csrf_token": csrf_of(form)}))
    assert done.status_code == 303
    person = text(get(client, done.headers["Location"], organiser))
    assert "Per Telefon" in person and "Har plats" in person
    assert status_of(app_store, "Per Telefon").status == "confirmed"
    assert any("Anmälan bekräftad" in subject for subject in mails_to(moto_endpoint, "per.telefon@example.se"))
    assert "Lade till en anmälan för hand" in text(get(client, f"/console/events/{EVENT}/audit", organiser))


def test_adding_by_hand_checks_the_answers_and_refuses_an_address_already_registered(client, organiser, meeting):
    form = get(client, ADD, organiser)
    wrong = post(client, ADD, organiser, added({"csrf_token": csrf_of(form), "name": "", "email": "inte-en-adress"}))
    assert wrong.status_code == 422 and "Skriv en giltig e-postadress" in text(wrong)
    assert 'value="Glada Hudik"' in text(wrong), "what was typed stays"
    twice = post(client, ADD, organiser, added({"csrf_token": csrf_of(form), "email": "ASA@example.se"}))
    assert twice.status_code == 409 and "redan anmäld" in text(twice)
    assert meeting["Åsa Öberg"].registration_id in text(twice), "a link to the registration there is"


def test_adding_by_hand_without_the_csrf_token_stores_nothing(client, organiser, app_store):
    refused = post(client, ADD, organiser, added({}))
    assert refused.status_code == 403
    assert "Per Telefon" not in {r.answers.name for r in app_store.registrations(EVENT)}


def test_a_walk_in_with_a_seat_is_added_and_checked_in_at_once(client, organiser, app_store):
    app_store.put_event(open_event(capacity=5, waitlist_limit=5), datetime.now(UTC))
    form = get(client, f"{ADD}?walk_in=1", organiser)
    assert "Lägg till och checka in" in text(form) and 'name="walk_in" value="1"' in text(form)
    done = post(client, ADD, organiser, added({"csrf_token": csrf_of(form), "walk_in": "1"}))
    assert done.status_code == 303 and done.headers["Location"].startswith(f"{CHECK_IN}?q=Per+Telefon")
    assert "Per Telefon är incheckad." in text(get(client, done.headers["Location"], organiser))
    assert status_of(app_store, "Per Telefon").checked_in_at is not None


def test_the_people_use_case_checks_in_a_walk_in_only_when_they_got_a_seat(client, app_store):
    """ConsolePeople.add_by_hand holds the door's rule, so the route only says where to go next."""
    from chalicelib.bootstrap import wiring
    from chalicelib.registrations import Status

    now = datetime.now(UTC)
    app_store.put_event(open_event(capacity=1, waitlist_limit=5), now)
    people = wiring().people

    def add(name, email, walk_in):
        event = app_store.get_event(EVENT)
        assert event is not None
        fields = added({"name": name, "email": email})
        return people.add_by_hand(event, fields, base_url="http://127.0.0.1:8000", now=now, walk_in=walk_in)

    seated = add("Per Telefon", "per.telefon@example.se", walk_in=True)
    assert seated.checked_in and seated.registration.checked_in_at is not None
    waiting = add("Vera Väntar", "vera@example.se", walk_in=True)
    assert waiting.registration.status == Status.WAITLISTED and not waiting.checked_in
    assert status_of(app_store, "Vera Väntar").checked_in_at is None
    by_phone = add("Tor Telefon", "tor@example.se", walk_in=False)
    assert not by_phone.checked_in and status_of(app_store, "Tor Telefon").checked_in_at is None


def test_another_event_s_organiser_cannot_add_anyone(client, stranger, app_store):
    assert get(client, ADD, stranger).status_code == 404
    own = get(client, f"/console/events/{OTHER_EVENT}/add-person", stranger)
    refused = post(client, ADD, stranger, added({"csrf_token": csrf_of(own)}))
    assert refused.status_code == 404
    assert "Per Telefon" not in {r.answers.name for r in app_store.registrations(EVENT)}
