"""Every page the app serves and every HTML email it sends, rendered through the app for the checkers.

vnu (tests/test_html_valid.py), the text checks (tests/test_pages.py) and axe with the focus check
(tests/browser/test_pages.py) all read this one collection. Pages come from the routes through
`chalice.test.Client`, emails from what moto's SES received while a small story plays out
(sign up, fill the event, sign up twice, cancel, the hourly job on digest, reminder and deadline
days), so a new page state or email kind is checked as soon as one of these steps reaches it.
`tests/test_pages.py` fails when a template is never rendered here: add the step that shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from chalicelib import bootstrap, config, pages, tokens
from chalicelib.console import event_admin
from chalicelib.events import parse_event_toml
from devtools.stages import stage_environment
from tests.helpers import (
    CUSTOM_QUESTIONS,
    EVENT,
    answers,
    csrf_of,
    matched,
    open_event,
    post_form,
    post_json,
    run_hourly_at,
    run_hourly_at_digest_hour,
    run_schedule,
)
from tests.mailbox import link_path, sent_mail, text_of

# The path of the console's sign-in link in the email that carries it.
SIGN_IN_LINK = r"/console/sign-in/[A-Za-z0-9_\-]+"

CLOSED_EVENT = """
id = "stangd-traff"
starts_at = 2026-03-10T18:00:00
deadline = 2026-03-01
venue = "Rådhussalen, Kulturhuset"
organisers = ["social.hallbarhet@hudiksvall.example"]
[title]
sv = "En träff vars anmälan har stängt"
en = "A meeting whose registration has closed"
"""

MUNICIPALITY_PAGE = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
    "<body><main><h1>{title}</h1>{snippet}</main></body></html>"
)


@dataclass(frozen=True)
class Document:
    name: str  # also its file name, without .html
    html: str
    is_email: bool = False
    our_stylesheet: bool = True  # False for the municipality's page: its CSS, not ours, styles the pasted form


@dataclass
class Collection:
    documents: list[Document] = field(default_factory=list)
    templates: set[str] = field(default_factory=set)  # every template rendered on the way

    def add(self, name: str, response: Any, status: int = 200) -> None:
        assert response.status_code == status, f"{name}: {response.status_code} {response.body[:300]!r}"
        assert response.headers["Content-Type"].startswith("text/html"), name
        self.documents.append(Document(name, response.body.decode("utf-8")))

    def names(self) -> list[str]:
        return [document.name for document in self.documents]


def render_everything(client: Any, store: Any, moto_endpoint: str, clock: Any, monkeypatch: Any) -> Collection:
    """Walk every route that answers in HTML, in each state a person can meet, then collect the emails."""
    collection = Collection()
    environment = pages.templates()
    original = environment.get_template

    def recording(name: Any, *args: Any, **kwargs: Any) -> Any:
        template = original(name, *args, **kwargs)
        assert template.name is not None, "a template loaded by name knows it"
        collection.templates.add(template.name)
        return template

    monkeypatch.setattr(environment, "get_template", recording)
    now = datetime.now(UTC)
    event = open_event(capacity=2, waitlist_limit=1, caterer="kok@hudiksvall.example")
    store.put_event(event, now)
    store.put_event(parse_event_toml(CLOSED_EVENT), now)
    # Its digests are off: the hourly job's counts below are about the first meeting.
    store.put_event(open_event(id=QUESTIONS_EVENT, questions=CUSTOM_QUESTIONS, digest={"send": "off"}), now)

    _form_pages(client, collection)
    _question_pages(client, collection)
    _registrations_and_own_pages(client, collection, moto_endpoint)
    _held_seat_pages(client, collection, store, moto_endpoint, now)
    _link_and_error_pages(client, collection)
    _organiser_pages_and_job_emails(client, collection, store, moto_endpoint, clock, event)
    session = _console_pages(client, collection, moto_endpoint)
    _console_people_pages(client, collection, store, session)
    for lang in ("sv", "en"):  # the example event is a meeting of the network's series of the same name
        network_page = client.http.get(f"/console/network/{EVENT}?lang={lang}", headers=session)
        collection.add(f"console-network-{lang}", network_page)
    csrf = csrf_of(network_page)
    merge = {"Content-Type": "application/x-www-form-urlencoded", **session}
    refused = client.http.post(
        f"/console/network/{EVENT}/merge", headers=merge, body=urlencode({"csrf_token": csrf, "keep": "Röda Korset"})
    )
    collection.add("console-network-merge-error-sv", refused, 422)
    fields = {"csrf_token": csrf, "keep": "Röda Korset", "other": "Rödakorset Hudiksvall", "lang": "en"}
    merged = client.http.post(f"/console/network/{EVENT}/merge", headers=merge, body=urlencode(fields))
    assert merged.status_code == 303, merged.body
    collection.add("console-network-merged-en", client.http.get(merged.headers["Location"], headers=session))
    _invitation_pages(client, collection, moto_endpoint, session)
    _console_event_pages(client, collection, moto_endpoint)
    _working_group_pages(client, collection, store, moto_endpoint, clock)
    _notice_pages(client, collection, store, moto_endpoint)
    for lang in ("sv", "en"):
        collection.add(f"privacy-{lang}", client.http.get(f"/privacy?lang={lang}"))
        iframe, form = pages.Pages(config).embed_snippets(event, lang, "http://127.0.0.1:8000")
        page = MUNICIPALITY_PAGE.format(lang=lang, title=event.text("title", lang), snippet=iframe + form)
        collection.documents.append(Document(f"municipality-page-with-pasted-form-{lang}", page, our_stylesheet=False))
    for index, message in enumerate(sent_mail(moto_endpoint)):
        html = message.get_body(preferencelist=("html",))
        assert html is not None, f"email {message['Subject']!r} has no HTML part"
        slug = re.sub(r"[^a-z0-9]+", "-", str(message["Subject"]).lower().translate(_ASCII)).strip("-")[:50]
        collection.documents.append(
            Document(f"email-{index:02d}-{slug}", html.get_content(), is_email=True, our_stylesheet=False)
        )
    names = collection.names()
    assert len(names) == len(set(names)), "document names are unique (they are file names)"
    return collection


_ASCII = str.maketrans("åäöé", "aaoe")


# A meeting with questions of the organisers' own (tests/helpers.py's CUSTOM_QUESTIONS).
QUESTIONS_EVENT = "traff-med-egna-fragor"


def _question_pages(client: Any, collection: Collection) -> None:
    """The form with the organisers' own questions: as it opens, with a mistake at each, and with the
    one workshop whose places are all taken shown as full."""
    path = f"/events/{QUESTIONS_EVENT}/registrations"
    for lang in ("sv", "en"):
        collection.add(f"form-questions-{lang}", client.http.get(f"/events/{QUESTIONS_EVENT}/form?lang={lang}"))
        mistakes = answers(language=lang, q_kollegor="många", q_tro="morgon", q_skor="x" * 20)
        collection.add(f"form-questions-errors-{lang}", post_form(client, mistakes, path=path), 422)
    for number in range(2):
        post_json(client, answers(email=f"robot{number}@example.se", q_workshop="robotik"), path=path)
    collection.add("form-questions-choice-full-sv", client.http.get(f"/events/{QUESTIONS_EVENT}/form"))


def _form_pages(client: Any, collection: Collection) -> None:
    for lang in ("sv", "en"):
        collection.add(f"form-{lang}", client.http.get(f"/events/{EVENT}/form?lang={lang}"))
        mistakes = {"name": "", "email": "inte-en-adress", "language": lang, "diet": "Vegansk"}
        collection.add(f"form-errors-{lang}", post_form(client, mistakes), 422)
        trapped = post_form(client, answers(website="https://www.example.se", language=lang))
        collection.add(f"form-honeypot-filled-{lang}", trapped, 422)
        collection.add(f"closed-{lang}", client.http.get(f"/events/stangd-traff/form?lang={lang}"))
        collection.add(f"not-found-{lang}", client.http.get(f"/events/no-such-event/form?lang={lang}"), 404)
    late = post_form(client, answers(), path="/events/stangd-traff/registrations")
    collection.add("closed-after-a-late-post", late, 409)
    elsewhere = client.http.post(
        f"/events/{EVENT}/registrations",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://elsewhere.example"},
        body="name=Eva",
    )
    collection.add("refused-other-site", elsewhere, 403)


def _registrations_and_own_pages(client: Any, collection: Collection, moto_endpoint: str) -> None:
    """Two seats: Åsa (sv) by the form, Bo (en) by JSON, then Cecilia takes the one waiting place; Åsa signs
    up twice, changes her answers, then cancels."""
    posted = post_form(client, answers(email="asa@example.se"))
    assert posted.status_code == 303, posted.body
    collection.add("thanks-confirmed-sv", client.http.get(f"/events/{EVENT}/{posted.headers['Location']}"))
    post_json(client, answers(email="ASA@example.se", meal="no"))  # a second sign-up: Åsa gets "already registered"
    post_json(client, answers(email="bo@example.se", name="Bo Ek", language="en", network_consent="yes"))
    for lang in ("sv", "en"):
        collection.add(f"form-full-{lang}", client.http.get(f"/events/{EVENT}/form?lang={lang}"))
    post_json(client, answers(email="cecilia@example.se", name="Cecilia Åberg", network_consent="yes"))
    for lang in ("sv", "en"):
        collection.add(f"form-waitlist-full-{lang}", client.http.get(f"/events/{EVENT}/form?lang={lang}"))
        for status, note in (("confirmed", ""), ("waitlisted", ""), ("confirmed", "delayed"), ("confirmed", "limited")):
            query = f"status={status}&lang={lang}" + (f"&email={note}" if note else "")
            name = f"thanks-{status}{'-' + note if note else ''}-{lang}"
            if name not in collection.names():
                collection.add(name, client.http.get(f"/events/{EVENT}/thanks?{query}"))
    links: dict[str, str] = {}
    for message in sent_mail(moto_endpoint):
        text = text_of(message)
        found = re.search(r"/registrations/([A-Za-z0-9_.\-]+)", text)
        if found:
            links.setdefault(message["To"].addresses[0].addr_spec, f"/registrations/{found.group(1)}")
    collection.add("manage-confirmed-sv", client.http.get(links["asa@example.se"]))
    collection.add("manage-confirmed-en", client.http.get(links["bo@example.se"]))
    collection.add("manage-waitlisted-sv", client.http.get(links["cecilia@example.se"]))
    edit = {"action": "update", "name": "Åsa Öberg", "organisation": "", "diet": "Glutenfri", "meal": "yes"}
    collection.add("manage-edit-errors-sv", post_form(client, edit, path=links["asa@example.se"]), 422)
    edit.update(organisation="Röda Korset", diet_consent="yes", sector="association")
    collection.add("manage-edit-saved-sv", post_form(client, edit, path=links["asa@example.se"]))
    collection.add("manage-cancelled-sv", client.http.post(links["asa@example.se"]))
    collection.add("manage-already-cancelled-sv", client.http.post(links["asa@example.se"]))
    collection.add("manage-after-cancelling-sv", client.http.get(links["asa@example.se"]))
    # Bo and Cecilia asked to be kept informed: their emails carry the one-click way out. Bo leaves;
    # Cecilia stays, to be named on the console's network page.
    for address, lang in (("cecilia@example.se", "sv"), ("bo@example.se", "en")):
        (leave,) = {
            str(message["List-Unsubscribe"]).strip("<>").split("/", 3)[3]
            for message in sent_mail(moto_endpoint)
            if message["To"].addresses[0].addr_spec == address
        }
        collection.add(f"network-leave-{lang}", client.http.get(f"/{leave}"))
        if lang == "en":
            collection.add("network-left-en", client.http.post(f"/{leave}", body="List-Unsubscribe=One-Click"))


HELD = "bekrafta-plats"


def _held_seat_pages(client: Any, collection: Collection, store: Any, moto_endpoint: str, now: datetime) -> None:
    """confirm_address: Dora (sv) gets a held seat and Erik (en) waits; Dora confirms (twice), then
    cancels, so Erik's seat is held for him in turn."""
    store.put_event(
        open_event(id=HELD, capacity=1, waitlist_limit=1, confirm_address=True, digest={"send": "off"}), now
    )
    path = f"/events/{HELD}/registrations"
    held = post_form(client, answers(email="dora@example.se", name="Dora Ödman"), path=path)
    assert held.status_code == 303 and "status=pending" in held.headers["Location"], held.headers
    collection.add("thanks-pending-sv", client.http.get(f"/events/{HELD}/{held.headers['Location']}"))
    collection.add("thanks-pending-en", client.http.get(f"/events/{HELD}/thanks?status=pending&lang=en"))
    post_json(client, answers(email="erik@example.se", name="Erik Ek", language="en"), path=path)

    dora = _latest_link(moto_endpoint, "dora@example.se", "/confirm")
    collection.add("confirm-held-sv", client.http.get(f"{dora}/confirm"))
    erik = _latest_link(moto_endpoint, "erik@example.se")  # waiting: his email has no confirm link
    collection.add("confirm-waitlisted-en", client.http.get(f"{erik}/confirm"))
    collection.add("confirm-confirmed-sv", client.http.post(f"{dora}/confirm"))
    collection.add("confirm-already-sv", client.http.post(f"{dora}/confirm"))
    collection.add("manage-cancelled-after-confirming-sv", client.http.post(dora))
    erik = _latest_link(moto_endpoint, "erik@example.se", "/confirm")  # promoted: his seat is held
    collection.add("confirm-held-after-promotion-en", client.http.get(f"{erik}/confirm"))


def _latest_link(moto_endpoint: str, address: str, ending: str = "") -> str:
    """The /registrations/{token} link in the latest email to `address` that has one followed by `ending`."""
    for message in reversed(sent_mail(moto_endpoint)):
        if message["To"].addresses[0].addr_spec == address:
            text = text_of(message)
            found = re.search(r"(/registrations/[A-Za-z0-9_.\-]+)" + re.escape(ending), text)
            if found:
                return found.group(1)
    raise AssertionError(f"no such link was sent to {address}")


def _link_and_error_pages(client: Any, collection: Collection) -> None:
    for lang in ("sv", "en"):
        collection.add(f"link-invalid-{lang}", client.http.get(f"/registrations/not-a-link?lang={lang}"), 403)
        long_ago = datetime.now(UTC) - timedelta(days=30)
        # A link lives until a week after its event as the event stands now: this one ended in March.
        expired = tokens.make_token(stage_environment("local")[config.SECRET], "stangd-traff", "gone", long_ago)
        collection.add(f"link-expired-{lang}", client.http.get(f"/registrations/{expired}?lang={lang}"), 410)


def _organiser_pages_and_job_emails(
    client: Any, collection: Collection, store: Any, moto_endpoint: str, clock: Any, event: Any
) -> None:
    """The digest (tomorrow 07:05), the reminders and the deadline hand-off (two days before, 09:05)."""
    assert run_hourly_at_digest_hour(client, clock, event)["digest_sent"] == 1
    clock.set(None)
    digest = text_of(sent_mail(moto_endpoint)[-1])
    assert re.search(rf"https?://\S+/console/events/{event.id}\b", digest), "the digest links to the console"
    for lang in ("sv", "en"):  # an attendee link from a digest sent before the console
        collection.add(f"organiser-moved-{lang}", client.http.get(f"/organiser/an-old-link?lang={lang}"), 410)
    reminder_day = (event.starts_at.astimezone(event.zone) - timedelta(days=2)).replace(hour=9, minute=5)
    counts = run_hourly_at(client, clock, reminder_day.astimezone(UTC))
    clock.set(None)
    assert counts.get("reminder_sent") and counts.get("handoff_caterer_sent"), counts


def _console_pages(client: Any, collection: Collection, moto_endpoint: str) -> dict[str, str]:
    """The organiser console: asking for a link, the link's button, the signed-in pages, and refusals."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    organiser = "social.hallbarhet@hudiksvall.example"
    for lang in ("sv", "en"):
        collection.add(f"console-sign-in-{lang}", client.http.get(f"/console?lang={lang}"))
        asked = client.http.post("/console/sign-in", headers=form, body=urlencode({"email": organiser, "lang": lang}))
        collection.add(f"console-check-email-{lang}", asked)
        wrong = client.http.post("/console/sign-in", headers=form, body=urlencode({"email": "fel", "lang": lang}))
        collection.add(f"console-sign-in-error-{lang}", wrong, 422)
    collection.add("console-signed-out-sv", client.http.get("/console?signed_out=1"))
    run_schedule(client, "email_outbox")  # the job that emails the links asked for
    link = link_path(sent_mail(moto_endpoint)[-1], SIGN_IN_LINK)
    collection.add("console-sign-in-button-sv", client.http.get(link))
    collection.add("console-sign-in-button-en", client.http.get(f"{link}?lang=en"))
    signed_in = client.http.post(link, headers=form, body="")
    assert signed_in.status_code == 303, signed_in.body
    collection.add("console-link-used-sv", client.http.get(link), 410)
    collection.add("console-link-unknown-en", client.http.get(f"/console/sign-in/{'A' * 43}?lang=en"), 404)
    session = {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}
    for lang in ("sv", "en"):
        collection.add(f"console-events-{lang}", client.http.get(f"/console?lang={lang}", headers=session))
        collection.add(
            f"console-event-{lang}", client.http.get(f"/console/events/{EVENT}?lang={lang}", headers=session)
        )
        audit = client.http.get(f"/console/events/{EVENT}/audit?lang={lang}", headers=session)
        collection.add(f"console-audit-{lang}", audit)
    collection.add("console-not-found-sv", client.http.get("/console/events/no-such-event", headers=session), 404)
    refused = client.http.post("/console/sign-out", headers={**form, **session}, body="csrf_token=wrong")
    collection.add("console-forbidden-sv", refused, 403)
    return session


def _console_people_pages(client: Any, collection: Collection, store: Any, session: dict[str, str]) -> None:
    """The event's people: the list (all, and a search that finds nobody), one person, the door list,
    check-in (empty, found, after a tap, a refused tap), a person cancelled on their behalf, and the
    add-by-hand form (empty, for a walk-in, with mistakes)."""
    form = {"Content-Type": "application/x-www-form-urlencoded", **session}
    base = f"/console/events/{EVENT}"

    def get(path: str) -> Any:
        return client.http.get(path, headers=session)

    seated = [r for r in store.registrations(EVENT) if r.status == "confirmed"]
    gone = [r for r in store.registrations(EVENT) if r.status == "cancelled"]
    person = f"{base}/people/{seated[0].registration_id}"
    for lang in ("sv", "en"):
        collection.add(f"console-people-{lang}", get(f"{base}/people?lang={lang}"))
        collection.add(f"console-person-{lang}", get(f"{person}?lang={lang}"))
        collection.add(f"console-door-list-{lang}", get(f"{base}/door-list?lang={lang}"))
        collection.add(f"console-check-in-{lang}", get(f"{base}/check-in?lang={lang}"))
    collection.add("console-people-none-found-sv", get(f"{base}/people?q=ingen+alls&status=all&meal=yes"))
    name = seated[0].answers.name.split()[0]
    found = get(f"{base}/check-in?q={name}&lang=en")
    collection.add("console-check-in-found-en", found)
    csrf = csrf_of(found)
    tap = client.http.post(
        f"{person.replace('/people/', '/check-in/')}",
        headers=form,
        body=urlencode({"csrf_token": csrf, "q": name, "present": "1"}),
    )
    assert tap.status_code == 303, tap.body
    collection.add("console-check-in-after-a-tap-sv", get(tap.headers["Location"]))
    refused = client.http.post(
        f"{base}/check-in/{gone[0].registration_id}", headers=form, body=urlencode({"csrf_token": csrf, "present": "1"})
    )
    collection.add("console-check-in-refused-sv", refused, 409)
    cancelled = client.http.post(f"{person}/cancel", headers=form, body=urlencode({"csrf_token": csrf, "tell": "no"}))
    assert cancelled.status_code == 303, cancelled.body
    collection.add("console-person-cancelled-sv", get(cancelled.headers["Location"]))
    _console_waiting_list_pages(client, collection, store, session, csrf)
    for lang in ("sv", "en"):
        collection.add(f"console-add-person-{lang}", get(f"{base}/add-person?lang={lang}"))
    collection.add("console-add-walk-in-sv", get(f"{base}/add-person?walk_in=1"))
    mistakes = {"csrf_token": csrf, "name": "", "email": "inte-en-adress", "diet": "Vegansk", "meal": "yes"}
    wrong = client.http.post(f"{base}/add-person", headers=form, body=urlencode(mistakes))
    collection.add("console-add-person-errors-sv", wrong, 422)


def _console_waiting_list_pages(
    client: Any, collection: Collection, store: Any, session: dict[str, str], csrf: str
) -> None:
    """Someone on the waiting list: with every seat taken (and a refused move up), with a seat free,
    moved up, and their confirmation sent again."""
    form = {"Content-Type": "application/x-www-form-urlencoded", **session}
    for who in ("doris", "erik"):  # the seat the cancellation freed, then the waiting list
        assert post_json(client, answers(name=f"{who.title()} Lind", email=f"{who}@example.se")).status_code == 201
    (waiting,) = [r for r in store.registrations(EVENT) if r.status == "waitlisted"]
    person = f"/console/events/{EVENT}/people/{waiting.registration_id}"
    collection.add("console-person-waiting-no-seat-sv", client.http.get(person, headers=session))
    refused = client.http.post(f"{person}/promote?lang=en", headers=form, body=urlencode({"csrf_token": csrf}))
    collection.add("console-person-promote-refused-en", refused, 409)
    store.put_event(open_event(capacity=3, waitlist_limit=1, caterer="kok@hudiksvall.example"), datetime.now(UTC))
    collection.add("console-person-waiting-en", client.http.get(f"{person}?lang=en", headers=session))
    promoted = client.http.post(f"{person}/promote", headers=form, body=urlencode({"csrf_token": csrf}))
    assert promoted.status_code == 303, promoted.body
    collection.add("console-person-promoted-sv", client.http.get(promoted.headers["Location"], headers=session))
    resent = client.http.post(f"{person}/resend?lang=en", headers=form, body=urlencode({"csrf_token": csrf}))
    assert resent.status_code == 303, resent.body
    collection.add("console-person-resent-en", client.http.get(resent.headers["Location"], headers=session))


def _console_event_pages(client: Any, collection: Collection, moto_endpoint: str) -> None:
    """The console's event pages, signed in as the local stage's administrator: the new-event form (blank,
    with mistakes, with the preview), the edit form, the quick changes (and a refused one), the import."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    admin = "admin@hudiksvall.example"
    session = _signed_in(client, moto_endpoint, admin)
    posting = {**form, **session}

    def csrf(path: str) -> str:
        return csrf_of(client.http.get(path, headers=session))

    start = (datetime.now(UTC) + timedelta(days=40)).date()
    new_event = {
        "id": "ny-traff",
        "title_sv": "Ny träff",
        "starts_at": f"{start} 18:00",
        "deadline_date": f"{start - timedelta(days=10)}",
        "venue": "Stadshuset",
        "timezone": "Europe/Stockholm",
        "organisers": admin,
        "question_message": "on",
    }
    for lang in ("sv", "en"):
        q = f"?lang={lang}"
        collection.add(f"console-new-event-{lang}", client.http.get(f"/console/events/new{q}", headers=session))
        token = csrf(f"/console/events/new{q}")
        mistakes = urlencode({**new_event, "starts_at": "snart", "capacity": "noll", "csrf_token": token})
        collection.add(
            f"console-new-event-errors-{lang}",
            client.http.post(f"/console/events{q}", headers=posting, body=mistakes),
            400,
        )
        preview = urlencode({**new_event, "do": "preview", "csrf_token": token})
        collection.add(
            f"console-new-event-preview-{lang}", client.http.post(f"/console/events{q}", headers=posting, body=preview)
        )
        collection.add(
            f"console-edit-event-{lang}", client.http.get(f"/console/events/{EVENT}/edit{q}", headers=session)
        )
        collection.add(
            f"console-event-changes-{lang}", client.http.get(f"/console/events/{EVENT}/changes{q}", headers=session)
        )
        refused = urlencode({"new_capacity": "0", "csrf_token": token})
        collection.add(
            f"console-event-changes-refused-{lang}",
            client.http.post(f"/console/events/{EVENT}/capacity{q}", headers=posting, body=refused),
            400,
        )
        collection.add(f"console-import-{lang}", client.http.get(f"/console/events/import{q}", headers=session))
        own = f"/console/events/{QUESTIONS_EVENT}"
        collection.add(f"console-event-questions-{lang}", client.http.get(f"{own}{q}", headers=session))
        collection.add(
            f"console-people-questions-{lang}",
            client.http.get(f"{own}/people{q}&answer=workshop:robotik", headers=session),
        )
        people = client.http.get(f"{own}/people{q}", headers=session).body.decode()
        person = matched(rf'href="({own}/people/[^"?]+)', people).group(1)
        collection.add(f"console-person-questions-{lang}", client.http.get(f"{person}{q}", headers=session))
        _question_editor_pages(client, collection, session, lang)
        broken = urlencode({"toml": "id = ", "csrf_token": token})
        collection.add(
            f"console-import-errors-{lang}",
            client.http.post(f"/console/events/import{q}", headers=posting, body=broken),
            400,
        )


def _question_editor_pages(client: Any, collection: Collection, session: dict[str, str], lang: str) -> None:
    """The question editor on the meeting with questions: the list, the type to add, a new question's
    form, a question's own form, one with mistakes at its fields, and the warning before a choice gets
    fewer places than are taken (its two places are taken by now). Nothing is saved."""
    posting = {"Content-Type": "application/x-www-form-urlencoded", **session}
    base, q = f"/console/events/{QUESTIONS_EVENT}/questions", f"?lang={lang}"
    collection.add(f"console-questions-{lang}", client.http.get(f"{base}{q}", headers=session))
    collection.add(f"console-question-type-{lang}", client.http.get(f"{base}/new{q}", headers=session))
    collection.add(f"console-question-new-{lang}", client.http.get(f"{base}/new{q}&type=one_choice", headers=session))
    edit = client.http.get(f"{base}/workshop{q}", headers=session)
    collection.add(f"console-question-edit-{lang}", edit)
    form = matched(r'<form id="form".*?</form>', edit.body.decode(), re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.update(label_sv="Vilken workshop väljer du?", choice_0_sv="Robotik i vården", choice_1_sv="Naturvandring")
    mistakes = urlencode({**fields, "label_sv": "", "choice_0_limit": "noll", "choice_2_en": "Only English"})
    collection.add(
        f"console-question-errors-{lang}", client.http.post(f"{base}/workshop{q}", headers=posting, body=mistakes), 400
    )
    lowered = urlencode({**fields, "choice_0_limit": "1"})
    warned = client.http.post(f"{base}/workshop{q}", headers=posting, body=lowered)
    assert "confirm_lower" in warned.body.decode(), "the workshop's two places are taken"
    collection.add(f"console-question-fewer-places-{lang}", warned)


def _invitation_pages(client: Any, collection: Collection, moto_endpoint: str, session: dict[str, str]) -> None:
    """Invitations: the meeting with questions is open in the same series, and Cecilia (a member)
    has not signed up for it: its invite page (preview and button), the first meeting's (full: the
    reason, no button), the invitation sent by the outbox (collected with the emails) and the form
    its link opens, filled in."""
    for lang in ("sv", "en"):
        q = f"?lang={lang}"
        invite = client.http.get(f"/console/events/{QUESTIONS_EVENT}/invite{q}", headers=session)
        collection.add(f"console-invite-{lang}", invite)
    collection.add("console-invite-refused-sv", client.http.get(f"/console/events/{EVENT}/invite", headers=session))
    token = csrf_of(invite)
    posting = {"Content-Type": "application/x-www-form-urlencoded", **session}
    sent = client.http.post(
        f"/console/events/{QUESTIONS_EVENT}/invite", headers=posting, body=urlencode({"csrf_token": token})
    )
    assert sent.status_code == 303, sent.body
    bootstrap.wiring().sleep = lambda _: None  # moto's rate is one a second: the pace is tested elsewhere
    run_schedule(client, "email_outbox")
    (invitation,) = [m for m in sent_mail(moto_endpoint) if str(m["Subject"]).startswith("Inbjudan")]
    link = link_path(invitation, r"/events/\S+invitation=\S+")
    collection.add("form-invited-sv", client.http.get(link))


def _signed_in(client: Any, moto_endpoint: str, address: str) -> dict[str, str]:
    """A console session for `address` (at the app's clock), as the Cookie header."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    client.http.post("/console/sign-in", headers=form, body=urlencode({"email": address}))
    run_schedule(client, "email_outbox")  # the job that emails the link asked for
    signed_in = client.http.post(link_path(sent_mail(moto_endpoint)[-1], SIGN_IN_LINK), headers=form, body="")
    assert signed_in.status_code == 303, signed_in.body
    return {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}


def _working_group_pages(client: Any, collection: Collection, store: Any, moto_endpoint: str, clock: Any) -> None:
    """Working groups: the page while registration is open, then (the clock past the last day) proposed,
    a stale save refused, emailed by the outbox (the emails are collected with the rest) and as sent."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    session = _signed_in(client, moto_endpoint, "admin@hudiksvall.example")
    collection.add("console-groups-too-early-sv", client.http.get(f"/console/events/{EVENT}/groups", headers=session))
    event = store.get_event(EVENT)
    clock.set(event.deadline_at + timedelta(hours=1))
    session = _signed_in(client, moto_endpoint, "admin@hudiksvall.example")
    posting = {**form, **session}
    path = f"/console/events/{EVENT}/groups"
    token = csrf_of(client.http.get(path, headers=session))
    collection.add("console-groups-none-en", client.http.get(f"{path}?lang=en", headers=session))
    proposed = client.http.post(
        path, headers=posting, body=urlencode({"do": "propose", "version": "", "csrf_token": token})
    )
    assert proposed.status_code == 303, proposed.body
    for lang in ("sv", "en"):
        collection.add(f"console-groups-{lang}", client.http.get(f"{path}?lang={lang}&done=proposed", headers=session))
    stale = urlencode({"do": "save", "version": "0", "csrf_token": token, "lang": "en"})
    collection.add("console-groups-changed-en", client.http.post(path, headers=posting, body=stale), 409)
    bootstrap.wiring().sleep = lambda _: None  # moto's rate is one a second: the pace is tested elsewhere
    send = urlencode({"do": "send", "version": "1", "confirm": "yes", "csrf_token": token})
    assert client.http.post(path, headers=posting, body=send).status_code == 303
    run_schedule(client, "email_outbox")
    collection.add("console-groups-sent-sv", client.http.get(f"{path}?done=sent", headers=session))
    clock.set(None)


def _notice_pages(client: Any, collection: Collection, store: Any, moto_endpoint: str) -> None:
    """Telling registrants: the message page (blank, previewed, refused), the cancel page (and its
    refusal), a change and a message and the cancellation sent by the outbox (their emails are
    collected with the rest), then the event page listing them and the cancelled form and own page."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    session = _signed_in(client, moto_endpoint, "admin@hudiksvall.example")
    posting = {**form, **session}
    token = csrf_of(client.http.get(f"/console/events/{EVENT}/message", headers=session))
    words = "Välkomna! <b>Program</b>: https://hudiksvall.se/program\n\nMvh arrangörerna"
    for lang in ("sv", "en"):
        q = f"?lang={lang}"
        collection.add(
            f"console-message-{lang}", client.http.get(f"/console/events/{EVENT}/message{q}", headers=session)
        )
        preview = urlencode({"audience": "everyone", "text": words, "do": "preview", "csrf_token": token, "lang": lang})
        collection.add(
            f"console-message-preview-{lang}",
            client.http.post(f"/console/events/{EVENT}/message{q}", headers=posting, body=preview),
        )
        empty = urlencode({"audience": "everyone", "text": "", "do": "send", "csrf_token": token, "lang": lang})
        collection.add(
            f"console-message-errors-{lang}",
            client.http.post(f"/console/events/{EVENT}/message{q}", headers=posting, body=empty),
            400,
        )
        collection.add(f"console-cancel-{lang}", client.http.get(f"/console/events/{EVENT}/cancel{q}", headers=session))
        unticked = urlencode({"note": "", "csrf_token": token, "lang": lang})
        collection.add(
            f"console-cancel-errors-{lang}",
            client.http.post(f"/console/events/{EVENT}/cancel{q}", headers=posting, body=unticked),
            400,
        )
    bootstrap.wiring().sleep = lambda _: None  # moto's rate is one a second: the pace is tested elsewhere
    existing = store.get_event(EVENT)
    moved = replace(existing, venue="Folkets hus, Hudiksvall")
    now = datetime.now(UTC)
    event_admin.save(
        existing, moved, "sv", event_admin.Writer(store, now, lambda *_: None), notify=event_admin.Notify(True)
    )
    sent = urlencode({"audience": "confirmed", "text": words, "do": "send", "csrf_token": token})
    assert client.http.post(f"/console/events/{EVENT}/message", headers=posting, body=sent).status_code == 303
    run_schedule(client, "email_outbox")
    own = _latest_link(moto_endpoint, "bo@example.se")
    ticked = urlencode({"note": "Lokalen är inte tillgänglig.", "confirm": "yes", "csrf_token": token})
    assert client.http.post(f"/console/events/{EVENT}/cancel", headers=posting, body=ticked).status_code == 303
    run_schedule(client, "email_outbox")
    for lang in ("sv", "en"):
        q = f"?lang={lang}"
        collection.add(
            f"console-event-cancelled-{lang}",
            client.http.get(f"/console/events/{EVENT}{q}&done=cancelled", headers=session),
        )
        collection.add(f"form-cancelled-{lang}", client.http.get(f"/events/{EVENT}/form{q}"))
    collection.add("manage-meeting-cancelled-en", client.http.get(own))


_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "td", "th", "dt", "dd", "br", "title", "legend"}
_BLOCKS |= {"label", "fieldset", "form", "main", "section", "table", "thead", "tbody", "body", "head", "button"}


class _VisibleText(HTMLParser):
    """The text a reader sees: inline elements run together, blocks start a new line, no script or style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "".join(parser.parts)
