"""Test data: the Hudiksvall meeting and a valid registration, with overrides."""

from __future__ import annotations

import base64
import json
import marshal
import os
import re
import threading
import tomllib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import CodeType
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlencode

import pytest

from chalicelib import pages
from chalicelib.events import Event, event_from_mapping
from chalicelib.mail import Links, Mailer, Writing, WrittenEmail, digest_email
from chalicelib.notice_delivery import NoticeMessages, NoticeStore, SendPace, deliver_notices
from chalicelib.registrations import Outcome, Registration, register
from tests.fakes import RecordingMailer

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "examples" / "natverk-social-hallbarhet.toml"
IN_CI = os.environ.get("CI") == "true"

EVENT = "natverk-social-hallbarhet"
URL = f"/events/{EVENT}/registrations"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


T = TypeVar("T")


def all_at_once(action: Callable[[], T], times: int) -> list[T]:
    """`action` in `times` threads let go together by one barrier (job runs or presses racing), each
    one's result."""
    start = threading.Barrier(times)

    def one(_: int) -> T:
        start.wait()
        return action()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(one, range(times)))


def deliver_notices_unpaced(
    store: NoticeStore, mailer: Mailer, messages: NoticeMessages, now: datetime, pace: SendPace | None = None
) -> Counter[str]:
    """One outbox run of the notices, with `messages` as the email builder; unless a test gives its own
    pace, one far above any test's sends that never sleeps. Its counts."""
    pace = pace or SendPace(1000.0, windows=store, now=now, sleep=lambda _: None)
    return deliver_notices(store=store, mailer=mailer, messages=messages, pace=pace, now=now)


def assert_racing_runs_send_once(run: Callable[..., Any], store: Any, expected: list[str], later: datetime) -> None:
    """Four outbox runs at once, `run(store, mailer)`, send each address in `expected` one email between
    them; a run at `later` sends nothing more and leaves no notice active."""
    mailer = RecordingMailer()
    results = all_at_once(lambda: run(store, mailer), 4)
    assert sorted(mailer.recipients()) == sorted(expected), "each person once, nobody twice"
    assert sum(result["sent"] for result in results) == len(expected)
    run(store, mailer, later)
    assert sorted(mailer.recipients()) == sorted(expected) and store.active_notices() == []


def matched(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """`pattern`'s first match in `text`; when there is none the test fails there, saying what it looked for."""
    match = re.search(pattern, text, flags)
    assert match is not None, f"{pattern!r} not found in {text[:1000]!r}"
    return match


def csrf_of(page: Any) -> str:
    """The CSRF token a console page's forms carry (the page as the test client answered it)."""
    return matched(r'name="csrf_token" value="([0-9a-f]+)"', page.body.decode()).group(1)


def code_with_column_positions(pyc: bytes) -> list[str]:
    """The code objects of a .pyc (the module's and every function, class and comprehension in it) whose
    instructions carry column positions, by qualified name: none when it was compiled with
    `-X no_debug_ranges`."""
    module = marshal.loads(pyc[16:])  # noqa: S302 - bytecode this test suite compiled itself

    def nested(code: CodeType) -> list[CodeType]:
        inner = [constant for constant in code.co_consts if isinstance(constant, CodeType)]
        return [code, *(found for constant in inner for found in nested(constant))]

    return [
        code.co_qualname
        for code in nested(module)
        if any(start is not None or end is not None for _, _, start, end in code.co_positions())
    ]


def require(reason: str) -> NoReturn:
    """A tier this machine cannot run: skipped here, a failure in CI (where `make test` installs it all)."""
    if IN_CI:
        pytest.fail(f"CI must run every tier: {reason}")
    pytest.skip(reason)


def example_event(**overrides: Any) -> Event:
    """The Hudiksvall network meeting from examples/, with keys replaced as given."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(overrides)
    for key in [key for key, value in overrides.items() if value is None]:
        del data[key]
    return event_from_mapping(data)


def series_meeting(event_id: str, series: str, starts_at: datetime, **overrides: Any) -> Event:
    """A meeting of a network's series at `starts_at` (local time): its meal an hour before, two hours
    long, the last day to sign up a week before, seats and waiting list without a limit."""
    return example_event(
        id=event_id,
        series=series,
        starts_at=starts_at,
        meal_at=starts_at - timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=2),
        deadline=(starts_at - timedelta(days=7)).date(),
        capacity=None,
        waitlist_limit=None,
        **overrides,
    )


# The organisers' own questions of the seed meeting's example: a yes/no, a workshop with a limited
# choice, a follow-up shown only for one workshop, a number and a sensitive question.
CUSTOM_QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "presentera",
        "type": "yes_no",
        "label": {"sv": "Vill du presentera din verksamhet?", "en": "Would you like to present your organisation?"},
        "help": {"sv": "Fem minuter var i början av träffen.", "en": "Five minutes each at the start."},
    },
    {
        "id": "workshop",
        "type": "one_choice",
        "required": True,
        "label": {"sv": "Vilken workshop väljer du?", "en": "Which workshop do you choose?"},
        "choices": [
            {"id": "robotik", "sv": "Robotik i vården", "en": "Robotics in care", "limit": 2},
            {"id": "natur", "sv": "Naturvandring", "en": "Nature walk"},
        ],
    },
    {
        "id": "skor",
        "type": "short_text",
        "label": {"sv": "Vilken skostorlek har du?", "en": "What is your shoe size?"},
        "max_length": 10,
        "show_when": {"question": "workshop", "equals": "natur"},
    },
    {
        "id": "kollegor",
        "type": "number",
        "label": {"sv": "Hur många kollegor tar du med?", "en": "How many colleagues are you bringing?"},
        "min": 0,
        "max": 5,
    },
    {
        "id": "tro",
        "type": "several_choices",
        "label": {"sv": "Behöver du ett tyst rum för bön?", "en": "Do you need a quiet room for prayer?"},
        "choices": [{"id": "morgon", "sv": "På morgonen"}, {"id": "kvall", "sv": "På kvällen"}],
        "max_choices": 1,
        "sensitive": True,
    },
]


def question_event(**overrides: Any) -> Event:
    """The example meeting with the organisers' own questions above."""
    return example_event(questions=CUSTOM_QUESTIONS, **overrides)


def answers(**overrides: Any) -> dict[str, Any]:
    """A valid registration as a JSON client would send it."""
    data: dict[str, Any] = {
        "name": "Åsa Öberg",
        "email": "asa.oberg@example.se",
        "organisation": "Röda Korset Hudiksvall",
        "sector": "association",
        "meal": "yes",
        "diet": "Vegetarisk",
        "diet_consent": "yes",
        "attended_before": "no",
        "interests": ["barn-och-unga"],
        "language": "sv",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def at(text: str) -> datetime:
    """An instant from an ISO string with offset (tests read better in local time)."""
    return datetime.fromisoformat(text).astimezone(UTC)


def event_today(now: datetime | None = None) -> date:
    """Today where the example meeting happens (its deadline is a Stockholm date), not on this machine:
    near midnight the two differ, and a deadline of "yesterday" could then still be open."""
    return (now or datetime.now(UTC)).astimezone(example_event().zone).date()


def early_in_a_sender_window(now: datetime | None = None) -> datetime:
    """The first second of the sender limit's current window: three posts a test makes cannot straddle two."""
    from chalicelib.store.limits import CLIENT_WINDOW_SECONDS

    moment = now or datetime.now(UTC)
    return datetime.fromtimestamp(int(moment.timestamp()) // CLIENT_WINDOW_SECONDS * CLIENT_WINDOW_SECONDS + 1, UTC)


def open_event(now: datetime | None = None, **overrides):
    """The example meeting, moved so that it is open at `now` (the real clock unless given)."""
    today = event_today(now)
    defaults = {
        "starts_at": datetime.combine(today + timedelta(days=60), datetime.min.time()).replace(hour=18),
        "meal_at": datetime.combine(today + timedelta(days=60), datetime.min.time()).replace(hour=17),
        "ends_at": None,
        "deadline": today + timedelta(days=30),
    }
    return example_event(**{**defaults, **overrides})


def sign_up(
    store: Any,
    *,
    now: datetime,
    event_id: str = EVENT,
    sleep: Callable[[float], None] = lambda _: None,
    **overrides: Any,
) -> Outcome:
    """register() at `now` of the valid answers with `overrides` (email=..., q_workshop=...) for
    `event_id`; `sleep` is what its retries wait with (no waiting unless a test records it)."""
    return register(event_id, answers(**overrides), store=store, now=now, sleep=sleep)


def fill(store: Any, capacity: int, people: int, now: datetime, **event: Any) -> list[Registration]:
    """The example meeting (with `event`'s keys replaced) with `capacity` seats, and `people` who sign up
    one second apart from `now`: the first `capacity` get seats, the rest wait in order. Their
    registrations, in that order."""
    store.put_event(example_event(capacity=capacity, waitlist_limit=people, **event), now)
    return [
        sign_up(store, now=now + timedelta(seconds=i), email=f"p{i:03d}@example.se").registration for i in range(people)
    ]


def writing_at(now: datetime, sender: str = "Signup <anmalan@signup.local>") -> Writing:
    """What the service writes its emails with, at `now`: our templates, from `sender`."""
    return Writing(sender=sender, templates=pages.templates(), now=now)


# The links a person's email carries, as the service would fill them in.
EMAIL_LINKS = Links(manage="https://signup.example/registrations/TOKEN", privacy="https://signup.example/privacy")


def written_digest(
    event: Event,
    summary: Any,
    *,
    now: datetime,
    final: bool = False,
    caterer: bool = False,
    csv_bytes: bytes = b"",
    live_link: str = "",
    sender: str = "Signup <anmalan@signup.local>",
) -> WrittenEmail:
    """The organisers' digest of `summary` as the service writes it (the caterer's when `caterer`: to
    kok@example.se), to the meeting's organisers otherwise."""
    return digest_email(
        event,
        summary,
        final=final,
        caterer=caterer,
        csv_bytes=csv_bytes,
        live_link=live_link,
        recipients=["kok@example.se"] if caterer else list(event.organisers),
        writing=writing_at(now, sender),
    )


def post_json(client, body, headers=JSON, path=URL):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.http.post(path, headers=headers, body=raw)


def post_form(client, fields, path=URL):
    return client.http.post(path, headers=FORM, body=urlencode(fields, doseq=True))


def error_of(response: Any) -> dict[str, Any]:
    """The `error` object of a refused request's JSON body (its code, message and fields)."""
    error: dict[str, Any] = json.loads(response.body)["error"]
    return error


def _b(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


# Header injection through RFC 2047 encoded words: q and b encodings, CR or LF alone, split across
# two words, other charsets. Each decodes to a line break and a header (or a blank line and a body).
ENCODED_WORDS = {
    "q, CRLF, Bcc": "=?utf-8?q?victim=40example=2Eorg=0D=0ABcc=3A_attacker=40evil=2Eexample?=",
    "q, LF alone, To": "=?utf-8?q?x=0ATo=3A_attacker=40evil=2Eexample?=",
    "q, CR alone, Cc": "=?utf-8?q?x=0DCc=3A_attacker=40evil=2Eexample?=",
    "Q upper case": "=?UTF-8?Q?x=0D=0ABcc=3A_attacker=40evil=2Eexample?=",
    "b, CRLF, Bcc": _b("x\r\nBcc: attacker@evil.example"),
    "b, LF alone": _b("x\nBcc: attacker@evil.example"),
    "split across two words": "=?utf-8?q?x=0D?= =?utf-8?q?=0ABcc=3A_attacker=40evil=2Eexample?=",
    "iso-8859-1": "=?iso-8859-1?q?=C5sa=0D=0ABcc=3A_attacker=40evil=2Eexample?=",
    "windows-1252 b": _b("Åsa\r\nBcc: attacker@evil.example", "windows-1252"),
    "us-ascii": "=?us-ascii?q?x=0D=0ABcc=3A_attacker=40evil=2Eexample?=",
    "a replaced body": "=?utf-8?q?x=0D=0A=0D=0ADin_plats_=C3=A4r_avbokad=2E_Logga_in_h=C3=A4r?=",
    "a second From": "=?utf-8?q?x=0D=0AFrom=3A_attacker=40evil=2Eexample?=",
}


class Clock:
    """The app's clock in a test (`chalicelib.bootstrap` is given it): the real time until `set`."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment or datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        """From now on the app's time is `moment` (UTC); None goes back to the real time."""
        self.moment = moment


def run_schedule(client, name):
    """Invoke a scheduled function (`hourly`, `email_outbox`) through the app, as EventBridge would; its result."""
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return client.lambda_.invoke(name, event).payload


def tomorrow_at_digest_hour(event: Event) -> datetime:
    """Five past the event's digest hour tomorrow in the event's zone, in UTC: a moment the hourly job
    sends the organisers' digest (and, being a day later, counts today's sign-ups as news)."""
    tomorrow = datetime.now(event.zone) + timedelta(days=1)
    return tomorrow.replace(hour=event.digest_hour, minute=5, second=0, microsecond=0).astimezone(UTC)


def run_hourly_at(client, clock, moment):
    """Invoke the hourly schedule through the app as if it were `moment` (UTC)."""
    clock.set(moment)
    return run_schedule(client, "hourly")


def run_hourly_at_digest_hour(client, clock, event: Event):
    """Invoke the hourly schedule at tomorrow's digest hour of `event`, when it sends the organisers'
    digest; its counts."""
    return run_hourly_at(client, clock, tomorrow_at_digest_hour(event))
