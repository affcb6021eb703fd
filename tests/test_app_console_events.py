"""The console's event pages through the app (moto): who may create and edit, CSRF, the one validator's
messages by field, preview, quick changes, TOML export and import, and the audit log."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import i18n
from chalicelib.console import events as rules
from chalicelib.events import parse_event_toml
from chalicelib.registrations import Status
from chalicelib.store.schema import event_key
from tests.helpers import EVENT, answers, csrf_of, event_today, matched, open_event, post_json
from tests.mailbox import sent_mail
from tests.test_app_console import ADMIN, ORGANISER, get, other_event, post, sign_in, with_csrf

OTHER_EVENT = "annan-traff"


@pytest.fixture
def events(app_store):
    app_store.put_event(other_event(), datetime.now(UTC))
    return app_store


@pytest.fixture
def admin(client, events, moto_endpoint):
    return sign_in(client, moto_endpoint, ADMIN)


@pytest.fixture
def organiser(client, events, moto_endpoint):
    return sign_in(client, moto_endpoint, ORGANISER)


def new_event_fields(**overrides):
    today = event_today()
    fields = {
        "id": "ny-traff",
        "title_sv": "Ny träff om trygghet",
        "title_en": "A new meeting about safety",
        "starts_at": f"{today + timedelta(days=40)}T18:00",
        "deadline_date": f"{today + timedelta(days=30)}",
        "venue": "Stadshuset, Hudiksvall",
        "timezone": "Europe/Stockholm",
        "capacity": "20",
        "organisers": "ny.arrangor@hudiksvall.example",
        "reminder_days": "2",
        "reminder_at": "09:00",
        "digest_hour": "7",
        "digest_send": "changes",
        "digest_language": "sv",
        "question_access_needs": "on",
        "question_message": "on",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def path_of(redirect):
    """Where a 303 sends the browser, as a path the test client can open."""
    location = redirect.headers["Location"]
    return "/" + location.split("://", 1)[1].partition("/")[2] if "://" in location else location


def audit_actions(store, event_id):
    return [entry.action for entry in store.audit_entries(event_id)]


# -- create ---------------------------------------------------------------------------------


def test_the_digest_s_language_is_offered_by_the_one_table_of_language_names(client, admin, monkeypatch):
    monkeypatch.setitem(i18n.LANGUAGE_NAMES, "en", "Brittiska")
    page = get(client, "/console/events/new", admin).body.decode()
    select = matched(r'<select id="digest_language".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', select)
    assert offered == [("sv", "Svenska"), ("en", "Brittiska")]


def test_an_administrator_creates_an_event_that_opens_its_public_form(client, admin, events):
    fields = with_csrf(client, admin, "/console/events/new", new_event_fields())
    response = post(client, "/console/events", admin, fields)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/console/events/ny-traff/edit?done=created")
    stored = events.get_event("ny-traff")
    assert stored.title == {"sv": "Ny träff om trygghet", "en": "A new meeting about safety"}
    assert stored.capacity == 20 and stored.organisers == ("ny.arrangor@hudiksvall.example",)
    assert stored.questions == frozenset({"access_needs", "message"})
    assert "event_created" in audit_actions(events, "ny-traff")
    form = get(client, "/events/ny-traff/form")
    assert form.status_code == 200 and "Ny träff om trygghet" in form.body.decode()
    edit = get(client, path_of(response), admin)
    assert "Träffen är skapad." in edit.body.decode()


def test_an_organiser_cannot_create_events(client, organiser, events):
    assert get(client, "/console/events/new", organiser).status_code == 404
    fields = with_csrf(client, organiser, "/console", new_event_fields())
    assert post(client, "/console/events", organiser, fields).status_code == 404
    assert events.get_event("ny-traff") is None


def test_without_the_csrf_token_nothing_is_created(client, admin, events):
    response = post(client, "/console/events", admin, new_event_fields())
    assert response.status_code == 403
    assert events.get_event("ny-traff") is None
    wrong = post(client, "/console/events", admin, {**new_event_fields(), "csrf_token": "0" * 64})
    assert wrong.status_code == 403 and events.get_event("ny-traff") is None


def test_invalid_fields_answer_400_with_a_message_at_each_field_and_nothing_is_saved(client, admin, events):
    fields = with_csrf(
        client,
        admin,
        "/console/events/new",
        new_event_fields(id="Ny Träff", starts_at="imorgon", capacity="noll", organisers="inte-en-adress"),
    )
    response = post(client, "/console/events", admin, fields)
    body = response.body.decode()
    assert response.status_code == 400
    assert "Träffen kunde inte sparas" in body
    assert 'id="id-error"' in body and "Använd 1–64 små bokstäver" in body
    assert 'id="starts_at-error"' in body and "Skriv datum och klockslag" in body
    assert 'id="capacity-error"' in body and "Skriv ett heltal, minst 1" in body
    assert "inte-en-adress är inte en e-postadress." in body
    assert 'href="#starts_at">Börjar: Skriv datum och klockslag' in body, "the summary links to the field"
    assert 'value="Stadshuset, Hudiksvall"' in body, "what was written is kept"
    assert events.get_event("Ny Träff") is None and events.get_event("ny-traff") is None


def test_messages_come_in_english_on_the_english_page(client, admin, events):
    fields = with_csrf(client, admin, "/console/events/new?lang=en", new_event_fields(starts_at="tomorrow"))
    response = post(client, "/console/events?lang=en", admin, fields)
    body = response.body.decode()
    assert response.status_code == 400 and "The meeting could not be saved" in body
    assert "Write a date and time, for example 2027-05-24 18:00." in body


def test_creating_over_an_existing_event_is_refused(client, admin, events):
    fields = with_csrf(client, admin, "/console/events/new", new_event_fields(id=EVENT))
    response = post(client, "/console/events", admin, fields)
    assert response.status_code == 400 and "Det finns redan en träff med den adressen" in response.body.decode()
    assert events.get_event(EVENT).venue == "Rådhussalen, Kulturhuset"


def test_the_preview_renders_the_public_form_for_the_unsaved_event(client, admin, events):
    fields = with_csrf(client, admin, "/console/events/new", {**new_event_fields(), "do": "preview"})
    response = post(client, "/console/events", admin, fields)
    body = response.body.decode()
    assert response.status_code == 200 and "<iframe" in body and 'sandbox=""' in body
    srcdoc = html.unescape(matched(r'srcdoc="([^"]*)"', body).group(1))
    assert "Ny träff om trygghet" in srcdoc and "Stadshuset, Hudiksvall" in srcdoc
    assert 'name="access_needs"' in srcdoc and 'name="attended_before"' not in srcdoc
    assert events.get_event("ny-traff") is None, "a preview saves nothing"


# -- edit -------------------------------------------------------------------------------------------


def edit_fields(page, event, **changes):
    """The edit form's fields as a browser posts them: the event's values, `changes`, the CSRF token
    and the version of the event the page showed (`edited_from`)."""
    values = rules.form_values(event) | changes
    fields = {k: ("on" if v is True else v) for k, v in values.items() if v is not False}
    edited_from = matched(r'name="edited_from" value="([^"]*)"', page.body.decode()).group(1)
    return fields | {"csrf_token": csrf_of(page), "edited_from": edited_from}


def test_an_organiser_edits_their_event_but_not_its_organisers(client, organiser, events):
    page = get(client, f"/console/events/{EVENT}/edit", organiser)
    assert page.status_code == 200 and 'name="organisers"' not in page.body.decode()
    fields = edit_fields(page, events.get_event(EVENT), venue="Stora salen", organisers="me@example.se")
    response = post(client, f"/console/events/{EVENT}/edit", organiser, fields)
    assert response.status_code == 303
    stored = events.get_event(EVENT)
    assert stored.venue == "Stora salen" and stored.organisers == (ORGANISER,)
    (entry,) = [e for e in events.audit_entries(EVENT) if e.action == "event_edited"]
    assert entry.detail == "venue"


def test_two_people_editing_at_once_the_second_save_is_refused_and_keeps_what_they_wrote(
    client, organiser, admin, events
):
    def edit_form(cookie):
        page = get(client, f"/console/events/{EVENT}/edit", cookie)
        values = rules.form_values(events.get_event(EVENT))
        fields = {k: ("on" if v is True else v) for k, v in values.items() if v is not False}
        edited_from = matched(r'name="edited_from" value="([^"]+)"', page.body.decode()).group(1)
        return fields | {"csrf_token": csrf_of(page), "edited_from": edited_from}

    first, second = edit_form(organiser), edit_form(admin)
    assert post(client, f"/console/events/{EVENT}/edit", organiser, first | {"venue": "Stora salen"}).status_code == 303
    refused = post(client, f"/console/events/{EVENT}/edit", admin, second | {"address": "Storgatan 1"})
    assert refused.status_code == 409
    body = refused.body.decode()
    assert "Någon annan sparade ändringar i träffen" in body and 'value="Storgatan 1"' in body
    stored = events.get_event(EVENT)
    assert stored.venue == "Stora salen" and stored.address != "Storgatan 1"
    # The page now carries the newer version: saving again is a deliberate choice, and it applies.
    again = second | {"address": "Storgatan 1", "csrf_token": csrf_of(refused)}
    again["edited_from"] = matched(r'name="edited_from" value="([^"]+)"', body).group(1)
    assert post(client, f"/console/events/{EVENT}/edit", admin, again).status_code == 303
    assert events.get_event(EVENT).address == "Storgatan 1"


def test_an_edit_posted_without_the_version_the_form_showed_is_refused_and_saves_nothing(client, organiser, events):
    """Every edit form carries `edited_from`: a post without it came from a page older than the field,
    or was made by hand, and saving it could undo what someone saved meanwhile (event_admin.stale)."""
    page = get(client, f"/console/events/{EVENT}/edit", organiser)
    fields = edit_fields(page, events.get_event(EVENT), venue="Stora salen")
    del fields["edited_from"]
    refused = post(client, f"/console/events/{EVENT}/edit", organiser, fields)
    assert refused.status_code == 409
    body = refused.body.decode()
    assert "Någon annan sparade ändringar i träffen" in body and 'value="Stora salen"' in body
    assert events.get_event(EVENT).venue != "Stora salen"
    assert "event_edited" not in audit_actions(events, EVENT)


def stored_before_save_times(store, event_id):
    """The event as stored before events kept when they were last saved (no `updated_at`)."""
    store.client.update_item(TableName=store.table, Key=event_key(event_id), UpdateExpression="REMOVE updated_at")
    assert store.get_event(event_id).updated_at is None


def test_a_meeting_stored_before_save_times_were_kept_is_edited_from_its_form(client, organiser, events):
    stored_before_save_times(events, EVENT)
    page = get(client, f"/console/events/{EVENT}/edit", organiser)
    assert 'name="edited_from" value=""' in page.body.decode()
    fields = edit_fields(page, events.get_event(EVENT), venue="Stora salen")
    assert post(client, f"/console/events/{EVENT}/edit", organiser, fields).status_code == 303
    assert events.get_event(EVENT).venue == "Stora salen"


def test_an_organiser_of_another_event_gets_404_everywhere(client, organiser, events):
    for path in (f"/console/events/{OTHER_EVENT}/edit", f"/console/events/{OTHER_EVENT}/changes"):
        assert get(client, path, organiser).status_code == 404
    assert get(client, f"/console/events/{OTHER_EVENT}/event.toml", organiser).status_code == 404
    csrf = csrf_of(get(client, "/console", organiser))
    response = post(
        client,
        f"/console/events/{OTHER_EVENT}/organisers",
        organiser,
        {"csrf_token": csrf, "new_organisers": ORGANISER},
    )
    assert response.status_code == 404
    assert events.get_event(OTHER_EVENT).organisers == ("bo@example.se",)
    response = post(
        client, f"/console/events/{OTHER_EVENT}/capacity", organiser, {"csrf_token": csrf, "new_capacity": "1"}
    )
    assert response.status_code == 404


def test_organisers_are_named_by_administrators_only(client, organiser, admin, events):
    def name_a_friend(session):
        csrf = csrf_of(get(client, f"/console/events/{EVENT}/changes", session))
        fields = {"csrf_token": csrf, "new_organisers": f"{ORGANISER}\nfriend@example.se"}
        return post(client, f"/console/events/{EVENT}/organisers", session, fields)

    refused = name_a_friend(organiser)
    assert refused.status_code == 403 and events.get_event(EVENT).organisers == (ORGANISER,)
    named = name_a_friend(admin)
    assert named.status_code == 303
    assert events.get_event(EVENT).organisers == (ORGANISER, "friend@example.se")
    assert "organisers_named" in audit_actions(events, EVENT)


# -- quick changes ----------------------------------------------------------------------------------


def test_raising_capacity_moves_people_up_and_emails_them(client, organiser, events, moto_endpoint):
    events.put_event(open_event(capacity=1, waitlist_limit=5), datetime.now(UTC))
    for i in range(4):
        post_json(client, answers(email=f"p{i}@example.se"))
    before = len(sent_mail(moto_endpoint))
    csrf = csrf_of(get(client, f"/console/events/{EVENT}/changes", organiser))
    response = post(client, f"/console/events/{EVENT}/capacity", organiser, {"csrf_token": csrf, "new_capacity": "3"})
    assert response.status_code == 303 and "promoted=2" in response.headers["Location"]
    statuses = {r.answers.email: r.status for r in events.registrations(EVENT)}
    assert [statuses[f"p{i}@example.se"] for i in range(4)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]
    new_mail = sent_mail(moto_endpoint)[before:]
    assert sorted(str(m["To"]) for m in new_mail) == ["p1@example.se", "p2@example.se"]
    (entry,) = [e for e in events.audit_entries(EVENT) if e.action == "capacity_changed"]
    assert entry.detail == "capacity; promoted 2"
    page = get(client, path_of(response), organiser)
    assert "Flyttade upp från väntelistan: 2." in page.body.decode()


@pytest.mark.parametrize(
    ("seats", "sv", "en"),
    [
        (1, "Nu: 1 av 1 plats tagen, 0 på väntelistan.", "Now: 1 of 1 seat taken, 0 on the waiting list."),
        (2, "Nu: 2 av 2 platser tagna, 0 på väntelistan.", "Now: 2 of 2 seats taken, 0 on the waiting list."),
    ],
)
def test_the_changes_page_says_the_seats_taken_in_the_form_the_number_of_seats_needs(
    client, organiser, events, seats, sv, en
):
    events.put_event(open_event(capacity=seats, waitlist_limit=5), datetime.now(UTC))
    for i in range(seats):
        post_json(client, answers(email=f"p{i}@example.se"))
    page = " ".join(html.unescape(get(client, f"/console/events/{EVENT}/changes", organiser).body.decode()).split())
    english = " ".join(
        html.unescape(get(client, f"/console/events/{EVENT}/changes?lang=en", organiser).body.decode()).split()
    )
    assert sv in page and en in english


@pytest.mark.parametrize(
    ("moved", "sv", "en"),
    [
        (
            1,
            "Flyttade upp från väntelistan: 1. Personen har fått ett mejl om sin plats.",
            "Moved up from the waiting list: 1. The person has been emailed about their seat.",
        ),
        (
            2,
            "Flyttade upp från väntelistan: 2. De har fått ett mejl om sin plats.",
            "Moved up from the waiting list: 2. They have been emailed about their seat.",
        ),
    ],
)
def test_the_changes_page_says_how_many_moved_up_in_the_form_the_count_needs(client, organiser, events, moved, sv, en):
    events.put_event(open_event(), datetime.now(UTC))
    page = html.unescape(get(client, f"/console/events/{EVENT}/changes?promoted={moved}", organiser).body.decode())
    english = html.unescape(
        get(client, f"/console/events/{EVENT}/changes?promoted={moved}&lang=en", organiser).body.decode()
    )
    assert sv in " ".join(page.split()) and en in " ".join(english.split())


def test_capacity_below_the_seats_taken_is_refused_with_a_message(client, organiser, events):
    events.put_event(open_event(capacity=5), datetime.now(UTC))
    for i in range(3):
        post_json(client, answers(email=f"p{i}@example.se"))
    csrf = csrf_of(get(client, f"/console/events/{EVENT}/changes", organiser))
    response = post(client, f"/console/events/{EVENT}/capacity", organiser, {"csrf_token": csrf, "new_capacity": "2"})
    assert response.status_code == 400
    assert "3 platser är redan tagna" in response.body.decode()
    assert events.get_event(EVENT).capacity == 5


def test_close_early_reopen_and_move_the_deadline(client, organiser, events):
    csrf = csrf_of(get(client, f"/console/events/{EVENT}/changes", organiser))
    assert (
        post(client, f"/console/events/{EVENT}/status", organiser, {"csrf_token": csrf, "open": "0"}).status_code == 303
    )
    assert events.get_event(EVENT).status == "closed"
    assert "Anmälan är stängd" in get(client, f"/events/{EVENT}/form").body.decode()
    assert (
        post(client, f"/console/events/{EVENT}/status", organiser, {"csrf_token": csrf, "open": "1"}).status_code == 303
    )
    assert events.get_event(EVENT).status == "open"
    day = event_today() + timedelta(days=10)
    moved = post(
        client, f"/console/events/{EVENT}/deadline", organiser, {"csrf_token": csrf, "new_deadline_date": str(day)}
    )
    assert moved.status_code == 303 and events.get_event(EVENT).last_day == day
    late = post(
        client,
        f"/console/events/{EVENT}/deadline",
        organiser,
        {"csrf_token": csrf, "new_deadline_date": str(day + timedelta(days=400))},
    )
    assert late.status_code == 400 and "kan inte vara efter att träffen börjar" in late.body.decode()
    assert "<h2>Ändringen kunde inte göras</h2>" in late.body.decode()
    assert {"deadline_moved", "registration_reopened", "registration_closed"} <= set(audit_actions(events, EVENT))


def test_a_quick_change_without_csrf_changes_nothing(client, organiser, events):
    for path, fields in (
        ("status", {"open": "0"}),
        ("capacity", {"new_capacity": "99"}),
        ("deadline", {"new_deadline_date": str(event_today())}),
    ):
        assert post(client, f"/console/events/{EVENT}/{path}", organiser, fields).status_code == 403
    stored = events.get_event(EVENT)
    assert stored.status == "open" and stored.capacity == 60


# -- export and import ------------------------------------------------------------------------------


def test_the_exported_file_reads_back_as_the_event_and_the_download_is_logged(client, organiser, events):
    response = get(client, f"/console/events/{EVENT}/event.toml", organiser)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{EVENT}.toml"'
    assert response.headers["Cache-Control"] == "no-store"
    assert rules.same_description(parse_event_toml(response.body.decode()), events.get_event(EVENT))
    assert "event_exported" in audit_actions(events, EVENT)


def test_an_uploaded_file_creates_an_event_and_a_bad_one_is_named_by_key(client, admin, events):
    text = rules.event_toml(open_event(id="importerad", capacity=12))
    csrf = csrf_of(get(client, "/console/events/import", admin))
    boundary = "grans"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="toml_file"; filename="e.toml"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": admin}
    response = client.http.post("/console/events/import", headers=headers, body=body)
    assert response.status_code == 303 and events.get_event("importerad").capacity == 12
    bad = post(
        client,
        "/console/events/import",
        admin,
        {"csrf_token": csrf, "toml": text.replace("capacity = 12", "capacity = 0")},
    )
    assert bad.status_code == 400
    assert "capacity: Skriv ett heltal, minst 1." in bad.body.decode()
    assert "<h2>Träffen kunde inte sparas</h2>" in bad.body.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "caterer: Skriv en enda e-postadress: cateringen får ett mejl."),
        ("en", "caterer: Write one email address: the caterer gets one email."),
    ],
)
def test_an_imported_file_with_two_caterers_is_refused_at_the_caterer(client, admin, events, language, message):
    text = rules.event_toml(open_event(id="tva-kok", caterer="kok@hudiksvall.example")).replace(
        'caterer = "kok@hudiksvall.example"', 'caterer = ["kok@hudiksvall.example", "kok@annan.example"]'
    )
    page = "/console/events/import" + ("?lang=en" if language == "en" else "")
    csrf = csrf_of(get(client, page, admin))
    refused = post(client, page, admin, {"csrf_token": csrf, "toml": text})
    assert refused.status_code == 400 and events.get_event("tva-kok") is None
    assert message in html.unescape(refused.body.decode())


def test_an_organiser_imports_over_their_own_event_only(client, organiser, events):
    text = rules.event_toml(events.get_event(EVENT)).replace(
        'venue = "Rådhussalen, Kulturhuset"', 'venue = "Nya salen"'
    )
    csrf = csrf_of(get(client, f"/console/events/{EVENT}/changes", organiser))
    response = post(client, f"/console/events/{EVENT}/import", organiser, {"csrf_token": csrf, "toml": text})
    assert response.status_code == 303 and events.get_event(EVENT).venue == "Nya salen"
    other = text.replace(f'id = "{EVENT}"', f'id = "{OTHER_EVENT}"')
    refused = post(client, f"/console/events/{EVENT}/import", organiser, {"csrf_token": csrf, "toml": other})
    assert refused.status_code == 400 and events.get_event(OTHER_EVENT).venue != "Nya salen"
    assert "Filen beskriver en annan träff" in refused.body.decode()


def test_editing_another_s_event_is_404_and_a_body_that_cannot_be_read_changes_nothing(client, organiser, events):
    csrf = csrf_of(get(client, "/console", organiser))
    values = rules.form_values(events.get_event(OTHER_EVENT)) | {"venue": "Min sal", "csrf_token": csrf}
    fields = {key: ("on" if value is True else value) for key, value in values.items() if value is not False}
    assert post(client, f"/console/events/{OTHER_EVENT}/edit", organiser, fields).status_code == 404
    assert events.get_event(OTHER_EVENT).venue != "Min sal"
    garbled = client.http.post(
        f"/console/events/{EVENT}/capacity",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": organiser},
        body=b"new_capacity=%FF&csrf_token=" + csrf.encode(),
    )
    assert garbled.status_code == 400 and "Ingenting har ändrats" in garbled.body.decode()
    as_json = client.http.post(
        f"/console/events/{EVENT}/capacity",
        headers={"Content-Type": "application/json", "Cookie": organiser},
        body='{"new_capacity": "99"}',
    )
    assert as_json.status_code == 415 and events.get_event(EVENT).capacity == 60
