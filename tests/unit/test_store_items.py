"""Item conversion: our fast reader agrees with boto3's TypeDeserializer on every stored shape, and
what is written is what stored items already hold."""

import re
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.events import NoticedDetail
from chalicelib.forms import parse_answers
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import Audience, Change, Notice
from chalicelib.registrations import EmailDelivery, EmailKind, Registration
from chalicelib.store.items import (
    event_attributes,
    event_from_item,
    plain_item,
    registration_from_item,
    registration_item,
)
from chalicelib.store.network import member_from_item
from chalicelib.store.notices import notice_from_item, notice_item
from chalicelib.store.schema import daily_emails_key
from chalicelib.store.working_groups import groups_from_item, groups_item
from chalicelib.working_groups import Group, WorkingGroups
from tests.helpers import PROJECT, answers, at, example_event


def test_fast_reading_matches_boto3_and_round_trips():
    event = example_event()
    now = at("2027-05-01T12:00:00+02:00")
    registration = Registration(
        event.id,
        "r1",
        parse_answers(answers(name="Åsa Öberg", meal="yes", attended_before=None), event),
        "confirmed",
        now,
        now,
        EmailDelivery(state="failed", attempts=2, due_at=now, error="Throttling"),
    )
    item = registration_item(registration)
    item["odd"] = {"SS": ["a", "b"]}
    item["nothing"] = {"NULL": True}
    assert plain_item(item) == {key: TypeDeserializer().deserialize(value) for key, value in item.items()}
    assert registration_from_item(plain_item(item)) == registration


def pending_registration(now):
    event = example_event()
    return Registration(
        event.id,
        "r1",
        parse_answers(answers(name="Åsa Öberg", meal="yes", diet="Glutenfri"), event),
        "pending",
        now,
        now,
        EmailDelivery(
            state="failed", kind=EmailKind.PROMOTION, attempts=2, due_at=now.replace(microsecond=0), error="x"
        ),
        expires_at=now + timedelta(days=90),
        hold_until=now + timedelta(hours=5),
    )


def test_a_registration_is_written_exactly_as_items_already_stored_are():
    """The item format is what existing tables hold: a changed byte here strands stored data."""
    item = registration_item(pending_registration(at("2027-05-01T12:00:00.250000+02:00")))
    assert item == {
        "PK": {"S": "EVENT#natverk-social-hallbarhet"},
        "SK": {"S": "REG#asa.oberg@example.se"},
        "GSI1PK": {"S": "OUTBOX"},
        "GSI1SK": {"S": "2027-05-01T10:00:00.000000Z"},
        "type": {"S": "registration"},
        "event_id": {"S": "natverk-social-hallbarhet"},
        "registration_id": {"S": "r1"},
        "status": {"S": "pending"},
        "created_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
        "updated_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
        "hold_until": {"S": "2027-05-01T15:00:00.250000+00:00"},
        "expires_at": {"N": "1816941600"},
        "email": {"S": "asa.oberg@example.se"},
        "email_state": {"S": "failed"},
        "email_kind": {"S": "promotion"},
        "email_attempts": {"N": "2"},
        "email_due_at": {"S": "2027-05-01T10:00:00+00:00"},
        "email_error": {"S": "x"},
        "name": {"S": "Åsa Öberg"},
        "organisation": {"S": "Röda Korset Hudiksvall"},
        "sector": {"S": "association"},
        "language": {"S": "sv"},
        "meal": {"BOOL": True},
        "diet": {"S": "Glutenfri"},
        "access_needs": {"S": ""},
        "attended_before": {"BOOL": False},
        "interests": {"L": [{"S": "barn-och-unga"}]},
        "message": {"S": ""},
    }


def test_every_moment_is_written_in_one_form_whatever_zone_it_came_in():
    stockholm = datetime(2027, 5, 1, 12, 0, 0, 250000, tzinfo=ZoneInfo("Europe/Stockholm"))
    in_utc = stockholm.astimezone(UTC)
    assert registration_item(pending_registration(stockholm)) == registration_item(pending_registration(in_utc))


# Items as the deployed version writes them, byte for byte: each is written so and read back.
NOW = at("2027-05-01T12:00:00.250000+02:00")
STORED_EVENT_TIMES = {
    "starts_at": "2027-05-24T16:00:00+00:00",
    "ends_at": "2027-05-24T18:30:00+00:00",
    "meal_at": "2027-05-24T15:00:00+00:00",
    "deadline_at": "2027-05-15T22:00:00+00:00",
    "deadline_ts": Decimal("1810418400.0"),
    "reminder_time": "09:00",
    "GSI1SK": "2027-05-24T16:00:00+00:00",
}
STORED_NOTICE = {
    "PK": {"S": "EVENT#ev"},
    "SK": {"S": "NOTICE#n1"},
    "type": {"S": "notice"},
    "event_id": {"S": "ev"},
    "notice_id": {"S": "n1"},
    "kind": {"S": "changed"},
    "audience": {"S": "everyone"},
    "created_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
    "author": {"S": "org@example.se"},
    "changes": {
        "L": [
            {
                "M": {
                    "name": {"S": "starts_at"},
                    "old": {"S": "2027-06-01T14:00:00+00:00"},
                    "new": {"S": "2027-06-01T15:00:00+00:00"},
                }
            },
            {"M": {"name": {"S": "ends_at"}, "old": {"S": ""}, "new": {"S": "2027-06-01T17:00:00+00:00"}}},
            {"M": {"name": {"S": "venue"}, "old": {"S": "A"}, "new": {"S": "B"}}},
        ]
    },
    "expires_at": {"N": "1816941600"},
    "finished_at": {"S": "2027-05-01T10:05:00.250000+00:00"},
}
STORED_GROUPS = {
    "PK": {"S": "EVENT#ev"},
    "SK": {"S": "GROUPS"},
    "type": {"S": "working_groups"},
    "event_id": {"S": "ev"},
    "version": {"N": "3"},
    "groups": {
        "L": [{"M": {"number": {"N": "1"}, "area": {"S": "Skola"}, "members": {"L": [{"S": "r1"}, {"S": "r2"}]}}}]
    },
    "moved": {"L": [{"S": "r2"}]},
    "proposed_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
    "updated_at": {"S": "2027-05-01T10:00:01.250000+00:00"},
    "sent_at": {"S": "2027-05-01T11:00:00.250000+00:00"},
    "expires_at": {"N": "1816941600"},
}
STORED_MEMBER = {
    "PK": {"S": "SERIES#natverket"},
    "SK": {"S": "MEMBER#ref1"},
    "type": {"S": "member"},
    "email": {"S": "asa.oberg@example.se"},
    "name": {"S": "Åsa Öberg"},
    "organisation": {"S": "Röda Korset"},
    "sector": {"S": "association"},
    "language": {"S": "sv"},
    "joined_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
    "updated_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
    "events": {"SS": ["ev"]},
}


def test_an_event_is_written_and_read_in_the_stored_time_format():
    event = example_event()
    attributes = event_attributes(event)
    assert {name: attributes[name] for name in STORED_EVENT_TIMES} == STORED_EVENT_TIMES
    stored = {
        **attributes,
        **STORED_EVENT_TIMES,
        "reminder_time": "08:05",
        "updated_at": "2027-05-01T10:00:00.250000+00:00",
    }
    read = event_from_item(stored)
    assert (read.starts_at, read.ends_at, read.meal_at, read.deadline_at) == (
        event.starts_at,
        event.ends_at,
        event.meal_at,
        event.deadline_at,
    )
    assert read.reminder_time == time(8, 5)
    assert read.updated_at == NOW
    assert event_attributes(replace(event, reminder_time=time(8, 5)))["reminder_time"] == "08:05"


def test_a_notice_is_written_and_read_in_the_stored_format():
    notice = Notice(
        "ev",
        "n1",
        NoticeKind.CHANGED,
        Audience.EVERYONE,
        NOW,
        author="org@example.se",
        changes=(
            Change(NoticedDetail.STARTS_AT, at("2027-06-01T16:00:00+02:00"), at("2027-06-01T17:00:00+02:00")),
            Change(NoticedDetail.ENDS_AT, None, at("2027-06-01T19:00:00+02:00")),
            Change(NoticedDetail.VENUE, "A", "B"),
        ),
        finished_at=NOW + timedelta(minutes=5),
        expires_at=NOW + timedelta(days=90),
    )
    assert notice_item(notice) == STORED_NOTICE
    read = notice_from_item(plain_item(STORED_NOTICE))
    assert read == notice
    assert [type(change.name) for change in read.changes] == [NoticedDetail] * 3, "read back as typed details"
    assert read.expires_at == NOW.replace(microsecond=0) + timedelta(days=90)


def test_a_notice_whose_changed_times_were_stored_with_an_offset_reads_the_same_moments():
    """The domain once stored a change's times as the event held them: any offset reads back."""
    stored = {**STORED_NOTICE, "changes": {"L": [STORED_NOTICE["changes"]["L"][0]]}}
    stored["changes"]["L"][0]["M"] = {
        "name": {"S": "starts_at"},
        "old": {"S": "2027-06-01T16:00:00+02:00"},
        "new": {"S": "2027-06-01T17:00:00+02:00"},
    }
    [change] = notice_from_item(plain_item(stored)).changes
    assert (change.old, change.new) == (at("2027-06-01T14:00:00+00:00"), at("2027-06-01T15:00:00+00:00"))


def test_working_groups_are_written_and_read_in_the_stored_format():
    groups = WorkingGroups(
        event_id="ev",
        groups=(Group(1, "Skola", ("r1", "r2")),),
        version=3,
        proposed_at=NOW,
        updated_at=NOW + timedelta(seconds=1),
        moved=frozenset({"r2"}),
        sent_at=NOW + timedelta(hours=1),
        expires_at=NOW.replace(microsecond=0) + timedelta(days=90),
    )
    assert groups_item(groups) == STORED_GROUPS
    assert groups_from_item(plain_item(STORED_GROUPS)) == groups


def test_a_network_member_is_read_in_the_stored_format():
    member = member_from_item("natverket", plain_item(STORED_MEMBER))
    assert (member.ref, member.joined_at, member.events) == ("ref1", NOW, frozenset({"ev"}))


def test_an_address_counts_its_emails_by_the_day_in_utc():
    half_past_midnight_in_sweden = datetime(2027, 5, 2, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert daily_emails_key("asa.oberg@example.se", half_past_midnight_in_sweden) == {
        "PK": {"S": "ADDRESS#asa.oberg@example.se"},
        "SK": {"S": "EMAILS#2027-05-01"},
    }


def test_the_store_modules_leave_time_formats_to_the_schema():
    """One time encoding: a store module writes and reads moments through schema.py's functions."""
    encoding = re.compile(r"isoformat|strftime|strptime|fromtimestamp|\.timestamp\(|\.date\(\)")
    spelled = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted((PROJECT / "chalicelib" / "store").glob("*.py"))
        if path.name != "schema.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if encoding.search(line)
    ]
    assert spelled == []
