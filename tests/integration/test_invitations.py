"""Invitations through the store, on moto and DynamoDB Local: the outbox invites each member of the
series who has not signed up once per meeting, whether a run repeats, two run at once or the
organiser presses twice; paced like every notice; a line in each person's email history; a member
who signed up, left or was erased meanwhile is not written to; nothing goes out for a meeting that
closed or was cancelled since."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from email.message import EmailMessage

from chalicelib import privacy
from chalicelib.events import Event
from chalicelib.forms import email_key
from chalicelib.invitations import marker
from chalicelib.network import Member, member_ref
from chalicelib.notice_delivery import SendPace
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import EventEdit, Notice, new_notice
from chalicelib.store import DynamoStore
from tests.fakes import RecordingMailer, UnexpectedNoticeMessages, plain_email
from tests.helpers import assert_racing_runs_send_once, deliver_notices_unpaced
from tests.unit.test_network import FIRST_DAY, SERIES, meeting, sign_up_to_meeting

NEXT = "natverk-2"
NOW = meeting(2).deadline_at - timedelta(days=10)


class Messages(UnexpectedNoticeMessages):
    """A plain invitation per member, and no other email (an invitation has no organisers' copy)."""

    def invitation(self, notice: Notice, event: Event, member: Member) -> EmailMessage:
        return plain_email(member.email, f"invitation {event.id} {member.language}")


def run(store: DynamoStore, mailer: RecordingMailer, now: datetime = NOW, pace: SendPace | None = None) -> Counter[str]:
    return deliver_notices_unpaced(store, mailer, Messages(), now, pace)


def series_with_members(store, count=0):
    """Meeting 1 is over, meeting 2 open: Anna, Cilla, Dan and Eva joined the network at meeting 1,
    Bo did not; Cilla has signed up for meeting 2; and `count` more members (member0…)."""
    for number in (1, 2):
        store.put_event(meeting(number), FIRST_DAY)
    sign_up_to_meeting(store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(store, 1, "bo@example.se", "Röda Korset", "association")
    sign_up_to_meeting(store, 1, "cilla@example.se", "ICA Maxi AB", "company", consent=True)
    sign_up_to_meeting(store, 1, "dan@example.se", "Svenska kyrkan", "association", consent=True)
    sign_up_to_meeting(store, 1, "eva@example.se", "Helsinge Hälsa", "other", consent=True, language="en")
    for number in range(count):
        sign_up_to_meeting(store, 1, f"member{number}@example.se", f"Organisation {number}", "company", consent=True)
    sign_up_to_meeting(store, 2, "cilla@example.se", "ICA Maxi AB", "company")
    return store.get_event(NEXT)


def invite(store, now=NOW):
    event = store.get_event(NEXT)
    notice = new_notice(event, NoticeKind.INVITATION, now=now, expires_at=event.ends_at_or_default + timedelta(days=30))
    store.put_notice(notice)
    return notice


def test_each_member_not_signed_up_is_invited_once_and_a_second_press_or_run_sends_nothing(store):
    series_with_members(store)
    store.suppress(email_key("dan@example.se"), "bounce", NOW)
    invite(store)
    invite(store, NOW + timedelta(seconds=1))  # the organiser pressed twice
    mailer = RecordingMailer()
    counts = run(store, mailer)
    assert sorted(mailer.recipients()) == ["anna@example.se", "eva@example.se"], "no Bo, Cilla or Dan"
    assert {m["Subject"] for m in mailer.sent} == {f"invitation {NEXT} sv", f"invitation {NEXT} en"}
    assert counts["sent"] == 2 and counts["suppressed"] == 2 and counts["notices_finished"] == 2
    assert store.active_notices() == []
    invite(store, NOW + timedelta(minutes=5))
    assert run(store, mailer, NOW + timedelta(minutes=10))["sent"] == 0
    assert len(mailer.sent) == 2


def test_each_invitation_is_a_line_in_the_members_email_history_kept_as_long_as_the_meeting(store):
    series_with_members(store)
    notice = invite(store)
    run(store, RecordingMailer())
    (line,) = store.email_history(email_key("anna@example.se"), NEXT)
    assert (line.kind, line.result, line.event_id) == ("invitation", "sent", NEXT)
    assert line.message_id.startswith("message-"), "SES's message id, to find the email by"
    assert notice.expires_at is not None
    assert store.email_history(email_key("bo@example.se"), NEXT) == [], "not a member: never invited"


def test_a_member_who_signs_up_before_the_run_is_not_invited(store):
    series_with_members(store)
    invite(store)
    sign_up_to_meeting(store, 2, "Anna+jobb@example.se", "Hudiksvalls kommun", "public")
    mailer = RecordingMailer()
    run(store, mailer)
    assert sorted(mailer.recipients()) == ["dan@example.se", "eva@example.se"], "not Anna: she signed up"


def test_a_member_who_left_or_was_erased_after_the_run_read_the_members_is_not_claimed(store):
    series_with_members(store)
    lease = NOW + timedelta(minutes=15)
    store.remove_member(SERIES, member_ref("anna@example.se"))
    assert not store.claim_invitation(NEXT, SERIES, member_ref("anna@example.se"), NOW, lease)
    privacy.erase_person("eva@example.se", store=store, now=NOW)
    assert not store.claim_invitation(NEXT, SERIES, member_ref("eva@example.se"), NOW, lease)
    assert store.claim_invitation(NEXT, SERIES, member_ref("dan@example.se"), NOW, lease)
    assert not store.claim_invitation(NEXT, SERIES, member_ref("dan@example.se"), NOW, lease), "claimed once"
    assert marker(member_ref("dan@example.se")) in store.sent_markers(NEXT)


def test_a_failed_send_is_tried_again_by_the_next_run_and_the_others_are_not_repeated(store):
    series_with_members(store)
    invite(store)
    mailer = RecordingMailer(failures=1)
    first = run(store, mailer)
    assert first["failed"] == 1 and first["sent"] == 2 and store.active_notices() != []
    second = run(store, mailer, NOW + timedelta(minutes=10))
    assert second["sent"] == 1 and second["notices_finished"] == 1
    assert sorted(mailer.recipients()) == ["anna@example.se", "dan@example.se", "eva@example.se"]


def test_invitations_are_paced_and_what_a_run_may_not_send_the_next_run_sends(store):
    series_with_members(store, count=4)  # 7 to invite
    invite(store)
    mailer, waits = RecordingMailer(), []
    first = run(store, mailer, pace=SendPace(1.0, windows=store, now=NOW, sleep=waits.append, run_seconds=3))
    assert first["sent"] == 3 and first["left_for_next_run"] == 4 and waits == [1.0, 1.0]
    later = NOW + timedelta(minutes=10)
    run(store, mailer, later, pace=SendPace(1.0, windows=store, now=later, sleep=lambda _: None, run_seconds=10))
    assert len(mailer.recipients()) == 7 == len(set(mailer.recipients()))
    assert store.active_notices() == []


def test_an_invitation_to_a_meeting_cancelled_or_closed_since_it_was_asked_for_sends_nothing(store):
    event = series_with_members(store)
    invite(store)
    mailer = RecordingMailer()
    counts = run(store, mailer, event.deadline_at)
    assert mailer.sent == [] and counts["invitations_refused_closed"] == 1 and store.active_notices() == []
    store.save_event(EventEdit(replace(store.get_event(NEXT), status="cancelled"), NOW))
    invite(store)
    counts = run(store, mailer)
    assert mailer.sent == [] and counts["invitations_refused_cancelled"] == 1


def test_concurrent_outbox_runs_invite_each_member_once(dynamodb_local_store):
    store = dynamodb_local_store
    series_with_members(store, count=26)  # 29 to invite
    invite(store)
    invite(store, NOW + timedelta(seconds=1))  # and a doubled press
    members = ["anna@example.se", "dan@example.se", "eva@example.se"] + [f"member{n}@example.se" for n in range(26)]
    assert_racing_runs_send_once(run, store, members, NOW + timedelta(minutes=10))
