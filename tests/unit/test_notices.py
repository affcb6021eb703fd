"""Telling registrants, as plain rules: who gets what, the organiser's text made safe, the calendar
revision, the pace, and each notice email as a mail program reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from icalendar import Calendar

from chalicelib.calendar_file import calendar_sequence
from chalicelib.email_history import HistoryKind
from chalicelib.errors import EventCancelled, RegistrationClosed
from chalicelib.events import NoticedDetail
from chalicelib.forms import parse_answers
from chalicelib.mail import notice_copy_email, notice_email
from chalicelib.notice_delivery import SendPace
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import (
    DETAIL_NAMES,
    HISTORY_KIND,
    Audience,
    MessageInvalid,
    meeting_changes,
    message_text,
    new_notice,
    receives,
    with_calendar,
)
from chalicelib.plain_text import linked_paragraphs
from chalicelib.registrations import EmailDelivery, EmailKind, EmailState, Registration, Status, register
from tests.fakes import InMemoryStore
from tests.helpers import EMAIL_LINKS, answers, at, example_event, writing_at
from tests.mailbox import parts_of, read_back

NOW = at("2027-05-01T12:00:00+02:00")
SENDER = "Hudiksvalls kommun – Signup <anmalan@signup.local>"


def person(status=Status.CONFIRMED, registration_id="abc123", **overrides):
    event = example_event()
    return Registration(
        event_id=event.id,
        registration_id=registration_id,
        answers=parse_answers(answers(**overrides), event),
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


def message_to(audience):
    return new_notice(example_event(), NoticeKind.MESSAGE, now=NOW, audience=audience, text="Hej")


def built(notice, event, registration):
    return read_back(
        notice_email(
            notice,
            event,
            registration,
            links=EMAIL_LINKS,
            writing=writing_at(NOW, SENDER),
            with_calendar=with_calendar(notice, registration),
        )
    )


# -- who gets what ------------------------------------------------------------------------------


def test_each_notice_is_named_in_the_email_history_by_a_kind_of_its_own():
    """A person's history tells an organiser's message from a cancellation, and from any of the
    registration's own emails: one HistoryKind per NoticeKind, none spelled like an EmailKind."""
    assert set(HISTORY_KIND) == set(NoticeKind)
    assert all(isinstance(kind, HistoryKind) for kind in HISTORY_KIND.values())
    assert len(set(HISTORY_KIND.values())) == len(NoticeKind)
    assert not {str(kind) for kind in HistoryKind} & {str(kind) for kind in EmailKind}


def test_each_audience_reaches_exactly_its_people():
    seated_eater = person(Status.CONFIRMED, meal="yes")
    seated_not_eating = person(Status.CONFIRMED, meal="no", diet=None, diet_consent=None)
    held = person(Status.PENDING, meal="yes")
    waiting = person(Status.WAITLISTED, meal="yes")
    cancelled = person(Status.CANCELLED)
    everyone = [seated_eater, seated_not_eating, held, waiting, cancelled]
    reached = {audience: [p for p in everyone if receives(message_to(audience), p)] for audience in Audience}
    assert reached[Audience.EVERYONE] == [seated_eater, seated_not_eating, held, waiting]
    assert reached[Audience.CONFIRMED] == [seated_eater, seated_not_eating, held]
    assert reached[Audience.WAITING] == [waiting]
    assert reached[Audience.EATING] == [seated_eater, held]


def test_an_address_that_bounced_gets_no_notice():
    bounced = replace(person(), email=EmailDelivery(state=EmailState.SUPPRESSED))
    assert not receives(message_to(Audience.EVERYONE), bounced)


def test_only_a_confirmed_seat_gets_a_calendar_file_with_a_change_or_cancellation():
    event = example_event()
    change = new_notice(event, NoticeKind.CHANGED, now=NOW)
    assert with_calendar(change, person(Status.CONFIRMED))
    assert not with_calendar(change, person(Status.WAITLISTED))
    assert not with_calendar(change, person(Status.PENDING)), "a held seat was never sent a calendar file"
    assert not with_calendar(message_to(Audience.EVERYONE), person(Status.CONFIRMED))


def test_a_message_is_trimmed_and_must_say_something_within_its_limit():
    assert message_text("  Hej!\r\nVälkomna   \r\n\r\n") == "Hej!\nVälkomna"
    with pytest.raises(MessageInvalid) as empty:
        message_text(" \n\t ")
    assert empty.value.code == "message_empty"
    with pytest.raises(MessageInvalid) as long:
        message_text("x" * 10_001)
    assert long.value.code == "message_too_long" and long.value.params == {"limit": 10_000}


def test_meeting_changes_name_only_time_and_place_with_old_and_new():
    before = example_event()
    after = replace(before, starts_at=before.starts_at + timedelta(hours=1), venue="Folkets hus", capacity=99)
    changes = meeting_changes(before, after)
    assert [(c.name, c.old, c.new) for c in changes] == [
        (NoticedDetail.STARTS_AT, before.starts_at, after.starts_at),
        (NoticedDetail.VENUE, before.venue, "Folkets hus"),
    ]
    assert all(type(c.name) is NoticedDetail for c in changes)
    assert meeting_changes(before, replace(before, capacity=3)) == ()


def test_every_detail_a_change_notice_reports_is_an_attribute_of_the_event_and_has_its_words():
    event = example_event()
    assert all(hasattr(event, detail) for detail in NoticedDetail)
    assert set(DETAIL_NAMES) == set(NoticedDetail)


# -- the organiser's text in HTML ---------------------------------------------------------------


def test_organiser_html_is_escaped_and_only_web_addresses_become_links():
    html = str(
        linked_paragraphs(
            'Hej <script>alert(1)</script> & <a href="javascript:x">klick</a>\n'
            "Läs https://hudiksvall.se/program?a=1&b=2. Inte javascript:alert(1) eller data:text/html,x\n\n"
            'Sista "https://example.se/x"onmouseover=alert(1)'
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "&lt;a href=&#34;javascript:x&#34;&gt;" in html
    assert '<a href="https://hudiksvall.se/program?a=1&amp;b=2">https://hudiksvall.se/program?a=1&amp;b=2</a>.' in html
    assert html.count("<a ") == 2, "two web addresses, two links, nothing else"
    assert "onmouseover" not in html.split('<a href="https://example.se/x">')[1].split(">")[0]
    assert html.count("<p>") == 2 and "<br>" in html


# -- the calendar revision ------------------------------------------------------------------------


def test_every_later_calendar_file_outranks_the_one_before():
    event = example_event()
    published = calendar_sequence(event, cancelled=False)
    withdrawn_by_person = calendar_sequence(event, cancelled=True)
    changed = replace(event, calendar_version=event.calendar_version + 1)
    called_off = replace(changed, status="cancelled", calendar_version=changed.calendar_version + 1)
    sequence = [
        published,
        withdrawn_by_person,
        calendar_sequence(changed, cancelled=False),
        calendar_sequence(called_off, cancelled=True),
    ]
    assert sequence == [0, 1, 1, 2]
    assert calendar_sequence(changed, cancelled=False) > published
    assert calendar_sequence(called_off, cancelled=True) > calendar_sequence(changed, cancelled=False)


# -- the notice emails ------------------------------------------------------------------------------


def test_a_cancellation_withdraws_the_calendar_entry_with_a_higher_sequence_in_swedish():
    event = replace(example_event(), status="cancelled", calendar_version=1)
    notice = new_notice(event, NoticeKind.CANCELLED, now=NOW, text="Lokalen är inte tillgänglig.")
    message = built(notice, event, person())
    assert message["Subject"] == f"Inställt: {event.title['sv']}"
    found = parts_of(message)
    plain = found["text/plain"].get_content()
    assert "Arrangörerna har ställt in träffen" in plain and "Lokalen är inte tillgänglig." in plain
    assert "registrations/TOKEN" not in plain, "nothing to change once the meeting is off"
    calendar_part = found["text/calendar"]
    assert calendar_part.get_param("method") == "CANCEL"
    entry = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
    assert str(entry["UID"]) == f"{event.id}.abc123@signup"
    assert int(entry["SEQUENCE"]) == 1 and str(entry["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("kind", "opening", "their_words", "calendar"),
    [
        (NoticeKind.CANCELLED, "The organisers have cancelled the meeting.", "The organisers write:", "removes it"),
        (NoticeKind.CHANGED, "The organisers have changed the meeting.", "The organisers write:", "updates it"),
        (NoticeKind.MESSAGE, "A message from the organisers:", None, None),
    ],
)
def test_each_kind_of_notice_takes_its_own_branch_of_the_email_in_both_parts(kind, opening, their_words, calendar):
    event = replace(example_event(), calendar_version=1, status="cancelled" if kind == NoticeKind.CANCELLED else "open")
    notice = new_notice(event, kind, now=NOW, text="Ta med kaffekopp.")
    seated = parts_of(built(notice, event, person(language="en")))
    waiting = parts_of(built(notice, event, person(status=Status.WAITLISTED, language="en")))
    assert ("text/calendar" in seated) == (calendar is not None)
    for part in ("text/plain", "text/html"):
        text = " ".join(seated[part].get_content().split())
        assert opening in text and "Ta med kaffekopp." in text
        assert (their_words in text) if their_words else ("The organisers write:" not in text)
        said = "If you added the meeting to your calendar" in text
        assert (
            f"If you added the meeting to your calendar, the attached file {calendar}." in text
            if calendar
            else not said
        )
        still_waiting = "You are still on the waiting list." in " ".join(waiting[part].get_content().split())
        assert still_waiting == (kind != NoticeKind.CANCELLED), "a cancelled meeting has no waiting list to be on"


def test_a_change_says_exactly_what_changed_old_and_new_in_english_with_an_updated_entry():
    before = example_event()
    after = replace(
        before, starts_at=before.starts_at + timedelta(hours=1), address="Storgatan 1, Hudiksvall", calendar_version=1
    )
    notice = new_notice(after, NoticeKind.CHANGED, now=NOW, changes=meeting_changes(before, after))
    message = built(notice, after, person(language="en"))
    assert message["Subject"] == f"Changed: {after.title['en']}"
    plain = parts_of(message)["text/plain"].get_content()
    assert "Start time: Monday 24 May 2027 at 19:00 (before: Monday 24 May 2027 at 18:00)" in plain
    assert "Street address: Storgatan 1, Hudiksvall (before: " in plain
    calendar_part = parts_of(message)["text/calendar"]
    assert calendar_part.get_param("method") == "PUBLISH"
    entry = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
    assert int(entry["SEQUENCE"]) == 1 and entry.decoded("DTSTART") == after.starts_at.astimezone(after.zone)


def test_the_waiting_list_hears_of_a_change_without_a_calendar_file():
    before = example_event()
    after = replace(before, venue="Folkets hus", calendar_version=1)
    notice = new_notice(after, NoticeKind.CHANGED, now=NOW, changes=meeting_changes(before, after))
    message = built(notice, after, person(Status.WAITLISTED))
    assert message["Subject"] == f"Ändrat: {after.title['sv']}"
    assert "text/calendar" not in parts_of(message)
    plain = parts_of(message)["text/plain"].get_content()
    assert f"Plats: Folkets hus (tidigare: {before.venue})" in plain and "Du står kvar på väntelistan" in plain


def test_a_message_keeps_the_organisers_words_out_of_the_headers_and_escaped_in_html():
    event = example_event()
    text = "Välkomna!\r\nBcc: someone@evil.example\n<b>Program</b>: https://hudiksvall.se/program"
    notice = new_notice(event, NoticeKind.MESSAGE, now=NOW, audience=Audience.CONFIRMED, text=message_text(text))
    message = built(notice, event, person())
    assert message["Subject"] == f"Meddelande om {event.title['sv']}"
    assert message["Bcc"] is None and message["To"] == "asa.oberg@example.se"
    html = parts_of(message)["text/html"].get_content()
    assert "&lt;b&gt;Program&lt;/b&gt;" in html and "<b>Program" not in html
    assert '<a href="https://hudiksvall.se/program">' in html
    assert "text/calendar" not in parts_of(message)


def test_the_organisers_copy_says_to_whom_and_how_many():
    event = example_event()
    notice = new_notice(event, NoticeKind.MESSAGE, now=NOW, audience=Audience.EATING, text="Maten serveras 17.00")
    message = read_back(notice_copy_email(notice, event, recipients=12, writing=writing_at(NOW, SENDER)))
    assert message["Subject"] == f"Kopia: Meddelande om {event.title['sv']}"
    assert [a.addr_spec for a in message["To"].addresses] == list(event.organisers)
    plain = parts_of(message)["text/plain"].get_content()
    assert "alla med plats som äter (12)" in plain and "Maten serveras 17.00" in plain


# -- the pace ---------------------------------------------------------------------------------------


class Windows:
    """Minute windows shared by runs, as the store keeps them."""

    def __init__(self) -> None:
        self.sent: dict[int, int] = {}
        self.asked: list[int] = []
        self.windows: list[int] = []

    def reserve_sends(self, window: int, wanted: int, limit: int) -> int:
        self.asked.append(wanted)
        self.windows.append(window)
        granted = max(0, min(wanted, limit - self.sent.get(window, 0)))
        self.sent[window] = self.sent.get(window, 0) + granted
        return granted


def test_a_run_sends_its_share_at_the_rate_then_stops() -> None:
    windows = Windows()
    waits: list[float] = []
    pace = SendPace(2.0, windows=windows, now=NOW, sleep=waits.append, run_seconds=5)
    taken = 0
    while pace.take():
        taken += 1
    assert taken == 10, "2 a second for 5 seconds"
    assert waits == [0.5] * 9, "half a second between sends, none before the first"
    assert windows.asked == [10], "ten seconds' worth reserved at a time (here the whole run)"


def test_a_run_reserves_in_the_minute_its_sends_go_out_so_an_overlapping_run_shares_it() -> None:
    windows = Windows()
    started = NOW.replace(second=50)
    minute = int(started.timestamp()) // 60
    first = SendPace(1.0, windows=windows, now=started, sleep=lambda _: None)
    assert sum(1 for _ in iter(first.take, False)) == 60
    assert windows.windows == [minute] + [minute + 1] * 5, "10 s in the first minute, the rest in the next"
    later = SendPace(1.0, windows=windows, now=started + timedelta(seconds=10), sleep=lambda _: None)
    assert sum(1 for _ in iter(later.take, False)) == 10, "the next minute had 10 of its 60 left"


def test_runs_in_the_same_minute_share_the_accounts_rate() -> None:
    windows = Windows()
    first = SendPace(0.1, windows=windows, now=NOW, sleep=lambda _: None)
    second = SendPace(0.1, windows=windows, now=NOW + timedelta(seconds=20), sleep=lambda _: None)
    sent_first = sum(1 for _ in iter(first.take, False))
    sent_second = sum(1 for _ in iter(second.take, False))
    assert (sent_first, sent_second) == (6, 0), "0.1 a second is 6 a minute, for both runs together"
    later = SendPace(0.1, windows=windows, now=NOW + timedelta(minutes=1), sleep=lambda _: None)
    assert sum(1 for _ in iter(later.take, False)) == 6


# -- the form once the meeting is off ------------------------------------------------------------


def test_signing_up_for_a_cancelled_meeting_is_refused_as_cancelled_even_by_hand():
    event = replace(example_event(), status="cancelled")
    store = InMemoryStore(event)
    with pytest.raises(EventCancelled) as refused:
        register(event.id, answers(), store=store, now=NOW)
    assert isinstance(refused.value, RegistrationClosed) and refused.value.http_status == 409
    with pytest.raises(EventCancelled):
        register(event.id, answers(), store=store, now=NOW, by_hand=True)
    assert list(store.registrations(event.id)) == []
