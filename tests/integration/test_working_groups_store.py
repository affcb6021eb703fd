"""Working groups through the store, on moto and DynamoDB Local: proposed only after the deadline,
saved with an optimistic version check, moved, erased people in no group, and each group told once
by the outbox, also when runs repeat or race, paced, with a line in each person's email history."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest

from chalicelib import privacy, working_group_steps
from chalicelib.events import Event
from chalicelib.forms import email_key
from chalicelib.notice_delivery import SendPace, deliver_notices
from chalicelib.notices import Notice
from chalicelib.registrations import Registration, register
from chalicelib.sectors import Sector
from chalicelib.store import DynamoStore
from chalicelib.working_groups import Group, GroupsChanged, NoGroups, TooEarly
from tests.fakes import RecordingMailer, UnexpectedNoticeMessages, plain_email
from tests.helpers import answers, assert_racing_runs_send_once, at, example_event

EVENT = "natverk-social-hallbarhet"
SIGN_UP = at("2027-05-01T12:00:00+02:00")
AFTER = at("2027-05-17T09:00:00+02:00")  # the example's last day is 15 May; the meeting is on 24 May
RETENTION = timedelta(days=90)
AREAS = ("barn-och-unga", "arbete-och-sysselsattning", "trygghet-och-tillit", "halsa-och-delaktighet")
SECTORS = tuple(Sector)  # every sector, in the order the form offers them


class Messages(UnexpectedNoticeMessages):
    """Records who was told which group with which members, and builds no other email (group emails have
    no organisers' copy; the real email is tested in test_mail)."""

    def working_group(
        self, notice: Notice, event: Event, registration: Registration, group: Group, members: list[Registration]
    ) -> EmailMessage:
        emails = ",".join(sorted(m.answers.email for m in members))
        return plain_email(registration.answers.email, f"group {group.number}: {emails}")


def signed_up(store, count):
    store.put_event(example_event(), SIGN_UP)
    for n in range(count):
        register(
            EVENT,
            answers(
                email=f"person{n}@example.se",
                organisation=f"Organisation {n % 9}",
                sector=SECTORS[n % len(SECTORS)],
                interests=[AREAS[n % 3]],
                share_with_group="yes" if n % 2 else None,
            ),
            store=store,
            now=SIGN_UP,
        )
    return store.get_event(EVENT)


def run(store: DynamoStore, mailer: RecordingMailer, now: datetime = AFTER, rate: float = 1000.0) -> Counter[str]:
    pace = SendPace(rate, windows=store, now=now, sleep=lambda _: None)
    return deliver_notices(store=store, mailer=mailer, messages=Messages(), pace=pace, now=now)


def propose(store, event, now=AFTER, expected=None):
    return working_group_steps.propose_groups(
        event, store=store, now=now, expected_version=expected, retention=RETENTION
    )


def test_groups_are_proposed_only_after_the_deadline_and_kept_with_the_events_data(store):
    event = signed_up(store, 12)
    with pytest.raises(TooEarly):
        propose(store, event, now=event.deadline_at - timedelta(seconds=1))
    assert store.working_groups(EVENT) is None, "nothing stored before the deadline"
    record = propose(store, event, now=event.deadline_at)
    stored = store.working_groups(EVENT)
    assert stored == record and stored.version == 1
    assert sorted(ref for group in stored.groups for ref in group.members) == sorted(
        r.registration_id for r in store.registrations(EVENT)
    )
    assert stored.expires_at == event.ends_at_or_default + RETENTION


def test_a_save_from_an_old_page_is_refused_and_changes_nothing(store):
    event = signed_up(store, 12)
    first = propose(store, event)
    with pytest.raises(GroupsChanged):
        propose(store, event, expected=None)  # a second page that saw no groups
    ref = first.groups[0].members[0]
    moved, who = working_group_steps.move_people(
        event, {ref: first.groups[1].number}, store=store, now=AFTER, expected_version=1
    )
    assert who == [ref] and moved.version == 2 and ref in moved.moved
    assert ref in store.working_groups(EVENT).groups[1].members
    with pytest.raises(GroupsChanged):
        working_group_steps.move_people(
            event, {ref: first.groups[0].number}, store=store, now=AFTER, expected_version=1
        )
    assert ref in store.working_groups(EVENT).groups[1].members, "the stale save wrote nothing"
    # Two saves of the same version racing: the store's condition lets one through.
    with pytest.raises(GroupsChanged):
        store.save_working_groups(moved, expected_version=1)


def test_the_console_s_one_form_proposes_saves_and_sends_and_refuses_an_old_page_without_http(store):
    """working_group_steps.change_groups: what the groups page's `do=` asks, decided without a route."""
    event = signed_up(store, 12)

    def change(do, version, chosen=None, confirmed=False):
        return working_group_steps.change_groups(
            event,
            do,
            version=version,
            chosen=chosen or {},
            confirmed=confirmed,
            store=store,
            now=AFTER,
            retention=RETENTION,
            author="organiser",
        )

    proposed = change("propose", None)
    assert proposed.done == "proposed" and proposed.record == store.working_groups(EVENT)
    ref = proposed.record.groups[0].members[0]
    assert change("save", 1, {ref: str(proposed.record.groups[0].number)}).done == "unchanged"
    with pytest.raises(GroupsChanged):
        change("save", None, {ref: "2"})  # the page showed no groups
    for wrong in ({ref: "två"}, {ref: "99"}, {"nobody": "1"}):
        with pytest.raises(ValueError):
            change("save", 1, wrong)
    with pytest.raises(ValueError):
        change("rename", 1)
    saved = change("save", 1, {ref: str(proposed.record.groups[1].number)})
    assert saved.done == "saved" and saved.moved == (ref,) and saved.record.version == 2
    with pytest.raises(working_group_steps.NotConfirmed):
        change("send", 2)
    with pytest.raises(GroupsChanged):
        change("send", 1, confirmed=True)
    assert store.working_groups(EVENT).sent_at is None, "nothing sent from an old page"
    assert change("send", 2, confirmed=True).done == "sent"
    assert store.working_groups(EVENT).sent_at == AFTER


def test_an_erased_person_is_in_no_group_any_more(store):
    event = signed_up(store, 8)
    record = propose(store, event)
    privacy.erase_person("person3@example.se", store=store, now=AFTER)
    rows = working_group_steps.group_rows(
        event, record, list(store.registrations(EVENT)), working_group_steps.organisations(event, store), "sv"
    )
    shown = [member["email"] for row in rows for member in row["members"]]
    assert "person3@example.se" not in shown and len(shown) == 7


def test_each_group_is_told_once_and_a_second_run_or_send_does_nothing(store):
    event = signed_up(store, 12)
    with pytest.raises(NoGroups):
        working_group_steps.send_groups(event, store=store, now=AFTER, expected_version=1)
    record = propose(store, event)
    working_group_steps.send_groups(event, store=store, now=AFTER, expected_version=record.version)
    with pytest.raises(GroupsChanged):
        working_group_steps.send_groups(event, store=store, now=AFTER, expected_version=record.version)
    with pytest.raises(GroupsChanged):
        working_group_steps.move_people(event, {}, store=store, now=AFTER, expected_version=record.version)
    mailer = RecordingMailer()
    counts = run(store, mailer)
    assert counts["sent"] == 12 and sorted(mailer.recipients()) == sorted(f"person{n}@example.se" for n in range(12))
    by_ref = {r.registration_id: r.answers.email for r in store.registrations(EVENT)}
    for message in mailer.sent:
        group = next(g for g in record.groups if by_ref_of(message["To"], by_ref) in g.members)
        assert message["Subject"] == f"group {group.number}: " + ",".join(sorted(by_ref[ref] for ref in group.members))
    assert run(store, mailer, AFTER + timedelta(minutes=1)) == {}
    assert len(mailer.sent) == 12 and store.active_notices() == []
    history = store.email_history(email_key("person0@example.se"), EVENT)
    assert [(line.kind, line.result) for line in history][0] == ("working_group", "sent")


def by_ref_of(address, by_ref):
    return next(ref for ref, email in by_ref.items() if email == address)


def test_concurrent_outbox_runs_tell_each_person_once(dynamodb_local_store):
    store = dynamodb_local_store
    event = signed_up(store, 24)
    record = propose(store, event)
    working_group_steps.send_groups(event, store=store, now=AFTER, expected_version=record.version)
    assert_racing_runs_send_once(run, store, [f"person{n}@example.se" for n in range(24)], AFTER + timedelta(minutes=1))


def test_the_sends_are_paced_and_what_one_run_may_not_send_the_next_run_sends(store):
    event = signed_up(store, 10)
    record = propose(store, event)
    working_group_steps.send_groups(event, store=store, now=AFTER, expected_version=record.version)
    mailer = RecordingMailer()
    first = run(store, mailer, rate=0.1)  # six a minute
    assert first["sent"] == 6 and first["left_for_next_run"] == 4
    second = run(store, mailer, AFTER + timedelta(minutes=1), rate=0.1)
    assert second["sent"] == 4 and len(set(mailer.recipients())) == 10
