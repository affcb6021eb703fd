"""The console's event rules: the form and the TOML file judged by one validator, export/import, quick changes."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.console import events as console_events
from chalicelib.console.events import ChangeRefused
from chalicelib.console.posted import EventFormInvalid
from chalicelib.events import parse_event_toml
from tests.helpers import EXAMPLE, at, example_event


def example():
    return parse_event_toml(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "event",
    [
        example(),
        example_event(capacity=None, meal_at=None, ends_at=None, description=None, interests=None),
        example_event(
            deadline=datetime(2027, 5, 15, 12, 30),
            confirm_address=True,
            confirm_within_hours=6,
            caterer="kok@hudiksvall.example",
            status="closed",
            reminders={"days_before": [7, 2], "at": "08:15"},
            digest={"hour": 6, "send": "daily", "language": "en"},
            standard_questions={"diet": False, "message": False},
            title={"sv": 'Träff med "citat" och \\ snedstreck', "en": "Line\nbreak"},
            waitlist_limit=0,
        ),
    ],
)
def test_the_exported_toml_reads_back_as_the_same_event(event):
    text = console_events.event_toml(event)
    assert console_events.same_description(parse_event_toml(text), event)


def test_the_export_does_not_carry_the_counters():
    text = console_events.event_toml(replace(example(), confirmed_count=12, waitlist_count=3))
    assert "confirmed_count" not in text and "waitlist_count" not in text


@pytest.mark.parametrize("event", [example(), example_event(deadline=datetime(2027, 5, 15, 12, 30), capacity=None)])
def test_the_edit_form_filled_from_an_event_makes_the_same_event(event):
    values = console_events.form_values(event)
    # As the edit page does: the questions of the event's own are kept from the stored event.
    assert console_events.same_description(console_events.event_from_form(values, "sv", existing=event), event)


def test_the_form_and_the_file_are_judged_alike_and_problems_land_on_their_fields():
    values = console_events.blank_form() | {
        "id": "Bad Id",
        "title_sv": "",
        "starts_at": "den 24 maj",
        "deadline_date": "2027-05-15",
        "venue": "Rådhussalen",
        "capacity": "noll",
        "organisers": "inte-en-adress",
        "interests": "Barn och unga\nBarn och unga",
    }
    with pytest.raises(EventFormInvalid) as error:
        console_events.event_from_form(values, "sv")
    errors = error.value.errors
    assert errors["id"].startswith("Använd 1–64 små bokstäver")
    assert errors["title_sv"] == "Den svenska texten behövs."
    assert errors["starts_at"] == "Skriv datum och klockslag, till exempel 2027-05-24 18:00."
    assert errors["capacity"].startswith("Skriv ett heltal, minst 1")
    assert errors["organisers"] == "inte-en-adress är inte en e-postadress."
    assert errors["interests"] == "Rad 2: området finns redan på en tidigare rad."
    assert "venue" not in errors and "deadline_date" not in errors


def test_form_messages_follow_the_page_language():
    values = console_events.form_values(example()) | {"ends_at": "2027-05-24T17:00"}
    with pytest.raises(EventFormInvalid) as swedish:
        console_events.event_from_form(values, "sv")
    with pytest.raises(EventFormInvalid) as english:
        console_events.event_from_form(values, "en")
    assert swedish.value.errors == {"ends_at": "Slutet måste vara efter starten."}
    assert english.value.errors == {"ends_at": "The end must be after the start."}


def test_a_deadline_after_the_start_is_refused_on_the_deadline_field():
    values = console_events.form_values(example()) | {"deadline_date": "2027-06-01"}
    with pytest.raises(EventFormInvalid) as error:
        console_events.event_from_form(values, "en")
    assert error.value.errors == {"deadline_date": "The last day to sign up cannot be after the meeting starts."}


def test_a_deadline_with_a_time_closes_at_that_time():
    values = console_events.form_values(example()) | {"deadline_date": "2027-05-15", "deadline_time": "12:00"}
    event = console_events.event_from_form(values, "sv")
    assert event.deadline_at == at("2027-05-15T12:00:00+02:00")


def test_editing_keeps_the_id_and_status_and_an_organiser_cannot_rename_the_organisers():
    stored = replace(example(), status="closed")
    values = console_events.form_values(stored) | {"id": "another", "organisers": "me@example.se\nboss@example.se"}
    edited = console_events.event_from_form(values, "sv", existing=stored, may_name_organisers=False)
    assert edited.id == stored.id and edited.status == "closed"
    assert edited.organisers == stored.organisers
    named = console_events.event_from_form(values, "sv", existing=stored, may_name_organisers=True)
    assert named.organisers == ("me@example.se", "boss@example.se")


def test_interest_areas_keep_their_ids_and_new_ones_get_one_from_the_name():
    stored = example()
    values = console_events.form_values(stored)
    values["interests"] += "\nÄldres hälsa | Health of the elderly"
    event = console_events.event_from_form(values, "sv", existing=stored)
    assert [area.id for area in event.interests] == [*(area.id for area in stored.interests), "aldres-halsa"]
    assert event.interests[-1].title == {"sv": "Äldres hälsa", "en": "Health of the elderly"}


def test_posted_values_take_texts_and_ticks_and_ignore_the_rest():
    values = console_events.posted_values(
        {"title_sv": "  Träff  ", "question_meal": "on", "confirm_address": "", "evil": "x", "venue": ["A", "B"]}
    )
    assert values["title_sv"] == "Träff" and values["venue"] == "A"
    assert values["question_meal"] is True and values["question_diet"] is False
    assert values["confirm_address"] is False and "evil" not in values


def test_an_imported_file_names_its_keys_in_the_page_language():
    text = EXAMPLE.read_text(encoding="utf-8").replace("capacity = 60", "capacity = 0\ncapcity = 3")
    with pytest.raises(EventFormInvalid) as error:
        console_events.read_import(text, "sv")
    lines = error.value.errors["toml"].splitlines()
    assert "capacity: Skriv ett heltal, minst 1. Lämna tomt om antalet platser inte är begränsat." in lines
    assert "capcity: Okänd nyckel. Kontrollera stavningen." in lines


def test_an_import_that_is_not_toml_or_empty_is_refused_with_a_message():
    with pytest.raises(EventFormInvalid) as broken:
        console_events.read_import("id = ", "en")
    assert broken.value.errors["toml"].startswith("The file is not valid TOML")
    with pytest.raises(EventFormInvalid) as empty:
        console_events.read_import("  ", "sv")
    assert empty.value.errors == {"toml": "Klistra in eller ladda upp en TOML-fil."}


def test_the_example_file_imports_as_the_command_line_reads_it():
    assert console_events.read_import(EXAMPLE.read_text(encoding="utf-8"), "sv") == example()


def test_raising_capacity_fills_as_many_seats_as_free_and_waiting():
    event = replace(example_event(capacity=2), confirmed_count=2, waitlist_count=5)
    raised = console_events.new_capacity(event, "5")
    assert raised.capacity == 5 and raised.waitlist_limit == event.waitlist_limit
    assert raised.confirmed_count == 2 and raised.waitlist_count == 5
    assert console_events.seats_to_fill(raised) == 3
    assert console_events.seats_to_fill(console_events.new_capacity(event, "40")) == 5
    assert console_events.seats_to_fill(event) == 0


def test_capacity_never_goes_below_the_seats_taken():
    event = replace(example_event(capacity=10), confirmed_count=7)
    with pytest.raises(ChangeRefused) as error:
        console_events.new_capacity(event, "6")
    assert error.value.code == "below_seats_taken" and error.value.params == {"taken": 7}
    assert console_events.new_capacity(event, "7").capacity == 7
    for bad in ("", "0", "sju", "-3"):
        with pytest.raises(ChangeRefused):
            console_events.new_capacity(event, bad)


def test_moving_the_deadline_is_judged_as_in_the_file():
    event = example()
    assert console_events.new_deadline(event, "2027-05-20").last_day == date(2027, 5, 20)
    with pytest.raises(ChangeRefused) as error:
        console_events.new_deadline(event, "2027-06-01")
    assert error.value.code == "deadline_after_start"
    with pytest.raises(ChangeRefused) as error:
        console_events.new_deadline(event, "snart")
    assert error.value.code == "deadline_format"


def test_close_early_and_reopen_keep_the_counts():
    event = replace(example(), confirmed_count=4)
    closed = console_events.closed(event)
    assert closed.status == "closed" and closed.confirmed_count == 4
    assert console_events.reopened(closed).status == "open"


def test_the_audit_log_names_the_changed_keys():
    event = example()
    changed = console_events.new_capacity(console_events.closed(event), "80")
    assert console_events.changed_keys(event, changed) == ["capacity", "status"]


def test_settings_that_work_against_each_other_are_warned_about():
    now = at("2027-05-01T12:00:00+02:00")
    assert console_events.warnings(example(), now) == []
    codes = [code for code, _ in console_events.warnings(example_event(meal_at=None, interests=None), now)]
    assert codes == ["meal_without_time", "interests_without_areas"]
    late = at("2027-05-20T12:00:00+02:00")
    assert [code for code, _ in console_events.warnings(example(), late)] == ["deadline_passed"]
    full = replace(example_event(capacity=2, waitlist_limit=0), confirmed_count=2)
    assert ("full_without_waitlist", {}) in console_events.warnings(full, now)
    held = example_event(confirm_address=True, confirm_within_hours=168, deadline=date(2027, 5, 22))
    assert ("hold_past_start", {"hours": 168}) in console_events.warnings(held, now)


def test_every_problem_and_warning_code_has_a_message():
    """Each code the validator can give has its text (the catalogue test checks the Swedish of each)."""
    import inspect

    from chalicelib import events, i18n

    used = set(__import__("re").findall(r'problem\(\s*[^,]+,\s*"([a-z_]+)"', inspect.getsource(events)))
    used |= {"not_toml", "missing"}
    assert used <= set(i18n.EVENT_PROBLEMS), used - set(i18n.EVENT_PROBLEMS)
    warned = set(__import__("re").findall(r'\(\s*"([a-z_]+)",\s*\{', inspect.getsource(console_events)))
    assert warned and warned <= set(i18n.EVENT_WARNINGS), warned - set(i18n.EVENT_WARNINGS)
    assert i18n.event_warning("hold_past_start", "sv", hours=1).startswith("En plats hålls i 1 timme ")
    assert i18n.event_warning("hold_past_start", "en", hours=168).startswith("A seat is held for 168 hours ")


def test_the_series_is_edited_in_the_console_form_and_judged_by_the_one_validator():
    values = console_events.form_values(example())
    assert values["series"] == "natverk-social-hallbarhet"
    moved = console_events.event_from_form(values | {"series": "  nasta-natverk "}, "sv")
    assert moved.series == "nasta-natverk"
    assert console_events.event_from_form(values | {"series": ""}, "sv").series == "", "empty: a single meeting"
    with pytest.raises(EventFormInvalid) as error:
        console_events.event_from_form(values | {"series": "Nätverket"}, "sv")
    assert error.value.errors["series"].startswith("Använd 1–64 små bokstäver")


def test_a_form_is_stale_unless_it_carries_the_events_save_time_and_one_without_it_is_refused():
    from chalicelib.console import event_admin

    saved = replace(example(), updated_at=datetime(2027, 5, 1, 9, 30, tzinfo=UTC))
    never_saved = replace(example(), updated_at=None)  # stored before save times were kept
    assert not event_admin.stale(saved, saved.updated_at.isoformat())
    assert event_admin.stale(saved, datetime(2027, 5, 1, 9, 0, tzinfo=UTC).isoformat()), "saved since"
    assert event_admin.stale(saved, None), "a post without the field: an old page or a hand-made one"
    assert event_admin.stale(saved, ["2027-05-01T09:30:00+00:00"]), "the field twice is not a version"
    assert not event_admin.stale(never_saved, event_admin.version_shown(never_saved))
    assert event_admin.stale(never_saved, None)
    assert event_admin.stale(never_saved, saved.updated_at.isoformat())
