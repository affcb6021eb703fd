"""The organiser console's sign-in, session, CSRF and authorisation, through the app (moto's server)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError
from chalice.test import Client

from chalicelib.console import auth
from chalicelib.errors import Contention
from chalicelib.store import DynamoStore
from chalicelib.store.schema import event_key
from tests.helpers import EVENT, FORM, csrf_of, matched, open_event, run_schedule
from tests.mailbox import sent_with_destinations

ORGANISER = "social.hallbarhet@hudiksvall.example"  # the example event's organiser
ADMIN = "admin@hudiksvall.example"  # the local stage's administrator
OTHER_EVENT = "annan-traff"
LINK = re.compile(r"https?://[^/\s]+(/console/sign-in/[A-Za-z0-9_\-]{43}(?:\?\S*)?)")


def other_event():
    return replace(open_event(id=OTHER_EVENT, organisers=["bo@example.se"]), title={"sv": "Bos träff", "en": "Bo's"})


@pytest.fixture
def events(app_store):
    app_store.put_event(other_event(), datetime.now(UTC))
    return app_store


def ask(client, email, lang=None, headers=None):
    """Ask for a link, then run the outbox job that emails it (EventBridge runs it every minute)."""
    fields = {"email": email, **({"lang": lang} if lang else {})}
    response = client.http.post("/console/sign-in", headers={**FORM, **(headers or {})}, body=urlencode(fields))
    if response.status_code == 200:
        run_schedule(client, "email_outbox")
    return response


def mails_to(moto_endpoint, address):
    return [message for destinations, message in sent_with_destinations(moto_endpoint) if address in destinations]


def emailed_link(moto_endpoint, address):
    (message, *_) = reversed(mails_to(moto_endpoint, address))
    text = message.get_body(preferencelist=("plain",)).get_content().replace("=\n", "")
    return LINK.search(text).group(1)


def press(client, link, headers=None):
    return client.http.post(link, headers={**FORM, **(headers or {})}, body="")


def cookie_of(response):
    return response.headers["Set-Cookie"].split(";")[0]


def sign_in(client, moto_endpoint, address=ORGANISER):
    assert ask(client, address).status_code == 200
    response = press(client, emailed_link(moto_endpoint, address))
    assert response.status_code == 303, response.body
    return cookie_of(response)


def get(client, path, cookie=None):
    return client.http.get(path, headers={"Cookie": cookie} if cookie else {})


def post(client, path, cookie, fields, headers=None):
    return client.http.post(path, headers={**FORM, "Cookie": cookie, **(headers or {})}, body=urlencode(fields))


def with_csrf(client, cookie, page_path, fields=None):
    """`fields` and the CSRF token the form at `page_path` carries for `cookie`'s session."""
    return {**(fields or {}), "csrf_token": csrf_of(get(client, page_path, cookie))}


# -- asking for a link -------------------------------------------------------------


def test_without_a_session_the_console_is_the_sign_in_page_and_never_cached_or_framed(client):
    response = get(client, "/console")
    body = response.body.decode()
    assert response.status_code == 200 and "Logga in på Signup" in body and 'name="email"' in body
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in response.headers
    english = get(client, "/console?lang=en").body.decode()
    assert "Sign in to Signup" in english and 'lang="en"' in english


def test_asking_for_a_link_answers_alike_for_anyone_and_emails_only_organisers_and_administrators(
    client, events, moto_endpoint
):
    stranger = ask(client, "someone@example.se")
    organiser = ask(client, ORGANISER)
    admin = ask(client, ADMIN)
    assert stranger.status_code == organiser.status_code == admin.status_code == 200
    assert stranger.body == organiser.body == admin.body and "Titta i din e-post" in stranger.body.decode()
    assert mails_to(moto_endpoint, "someone@example.se") == []
    (mail,) = mails_to(moto_endpoint, ORGANISER)
    assert str(mail["Subject"]) == "Logga in på Signup" and len(mails_to(moto_endpoint, ADMIN)) == 1
    assert "15 minuter" in mail.get_body(preferencelist=("plain",)).get_content()


def test_asking_for_a_link_does_the_same_work_for_any_address_and_emails_nothing_itself(
    client: Client, events: DynamoStore, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer's timing must not tell who organises something: the request's AWS calls are the same
    for an organiser, an administrator and a stranger (one transaction: count and queue), and no SES
    call is among them. The outbox job then emails only those who may sign in."""
    from botocore.client import BaseClient

    calls: list[tuple[str, str, object]] = []
    real_call = BaseClient._make_api_call  # type: ignore[attr-defined]  # private: botocore-stubs leave it out

    def recording(self, operation, params):
        shape = [sorted(item) for item in params.get("TransactItems", [])]
        calls.append((self.meta.service_model.service_name, operation, shape))
        return real_call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    made = {}
    for address in (ORGANISER, "someone@example.se", ADMIN, "Someone.Else@Example.se"):
        calls.clear()
        fields = urlencode({"email": address})
        assert client.http.post("/console/sign-in", headers=FORM, body=fields).status_code == 200
        made[address] = list(calls)
    assert made[ORGANISER] == made["someone@example.se"] == made[ADMIN] == made["Someone.Else@Example.se"]
    # The address's count, the queued request, the sender's count: one transaction.
    assert made[ORGANISER] == [("dynamodb", "TransactWriteItems", [["Update"], ["Put"], ["Update"]])]
    assert sent_with_destinations(moto_endpoint) == [], "nothing is emailed while the person waits"
    monkeypatch.setattr(BaseClient, "_make_api_call", real_call)
    assert run_schedule(client, "email_outbox") == {"links_sent": 2, "links_not_sent": 2}
    assert len(mails_to(moto_endpoint, ORGANISER)) == len(mails_to(moto_endpoint, ADMIN)) == 1
    assert mails_to(moto_endpoint, "someone@example.se") == []
    assert run_schedule(client, "email_outbox") == {}, "each request is emailed once"


def test_a_link_ses_could_not_take_is_sent_on_a_later_run_and_a_stale_request_is_dropped(
    client, events, moto_endpoint, monkeypatch, clock
):
    from chalicelib.mail import SendFailed, SesMailer

    def throttled(mailer, message):
        raise SendFailed("TooManyRequestsException")

    start = datetime.now(UTC)
    clock.set(start)
    client.http.post("/console/sign-in", headers=FORM, body=urlencode({"email": ORGANISER}))
    with monkeypatch.context() as ses_down:
        ses_down.setattr(SesMailer, "send", throttled)
        assert run_schedule(client, "email_outbox") == {"links_failed": 1}
    assert run_schedule(client, "email_outbox") == {}, "tried again a minute later, not at once"
    clock.set(start + timedelta(minutes=1))
    assert run_schedule(client, "email_outbox") == {"links_sent": 1}
    assert press(client, emailed_link(moto_endpoint, ORGANISER)).status_code == 303
    client.http.post("/console/sign-in", headers=FORM, body=urlencode({"email": ADMIN}))
    clock.set(start + timedelta(minutes=17))  # the job was down longer than a link lives
    assert run_schedule(client, "email_outbox") == {"links_too_late": 1}
    assert mails_to(moto_endpoint, ADMIN) == []


def test_the_link_comes_in_the_language_asked_in(client, events, moto_endpoint):
    page = ask(client, ORGANISER, lang="en").body.decode()
    # The job sends the link (every minute on AWS): the page must not say it has already gone.
    assert "Check your email" in page and "arrives within about a minute" in page
    assert "inom ungefär en minut" in ask(client, ADMIN).body.decode()
    (mail,) = mails_to(moto_endpoint, ORGANISER)
    assert str(mail["Subject"]) == "Sign in to Signup" and emailed_link(moto_endpoint, ORGANISER).endswith("?lang=en")


def test_an_address_that_is_not_one_is_asked_again_in_the_form_s_language(client, events):
    response = ask(client, "inte-en-adress")
    assert response.status_code == 422 and "Skriv en giltig e-postadress" in response.body.decode()
    assert 'value="inte-en-adress"' in response.body.decode()
    english = ask(client, "", lang="en")
    assert english.status_code == 422 and "Please fill in this field" in english.body.decode()


def test_too_many_links_for_one_address_are_refused_plainly_and_nothing_is_sent(client, events, moto_endpoint):
    for _ in range(5):
        assert ask(client, ORGANISER).status_code == 200
    refused = ask(client, ORGANISER)
    assert refused.status_code == 429 and "flera inloggningslänkar till den här adressen" in refused.body.decode()
    assert "En administratör kan ändå göra en inloggningslänk åt dig med kommandot ./signup console link" in (
        refused.body.decode()
    )
    # The page answers the POST; its language switch leads to a page that answers GET.
    assert 'href="/console?lang=en" lang="en"' in refused.body.decode()
    english = ask(client, ORGANISER, lang="en").body.decode()
    assert "An administrator can still make a sign-in link for you with the command ./signup console link" in english
    assert len(mails_to(moto_endpoint, ORGANISER)) == 5
    # A stranger's address is counted alike, so the limit tells nobody which addresses may sign in.
    for _ in range(5):
        ask(client, "someone@example.se")
    assert ask(client, "someone@example.se").status_code == 429


def test_one_sender_may_ask_for_many_addresses_up_to_the_stage_s_generous_limit(client, events, monkeypatch):
    monkeypatch.setenv("SIGNUP_CONSOLE_SIGN_INS_PER_SENDER", "3")
    for number in range(3):
        assert ask(client, f"person{number}@hudiksvall.se").status_code == 200
    refused = ask(client, "person9@hudiksvall.se")
    assert refused.status_code == 429 and "från din uppkoppling" in refused.body.decode()


# -- the link ------------------------------------------------------------------------


def test_opening_the_link_shows_a_button_and_signs_nobody_in(client, events, moto_endpoint):
    ask(client, ORGANISER)
    link = emailed_link(moto_endpoint, ORGANISER)
    for _ in range(2):  # a mail scanner, then the person
        opened = get(client, link)
        assert opened.status_code == 200 and "Set-Cookie" not in opened.headers
        assert f'action="{link}"' in opened.body.decode() and "<script" not in opened.body.decode()
        # The token never leaves in a Referer to another site; our own button's post keeps its Origin.
        assert opened.headers["Referrer-Policy"] == "same-origin"
    assert press(client, link).status_code == 303


def test_pressing_the_button_sets_a_host_only_secure_http_only_strict_cookie(client, events, moto_endpoint):
    ask(client, ORGANISER)
    response = press(client, emailed_link(moto_endpoint, ORGANISER))
    assert response.status_code == 303 and response.headers["Location"] == "/console"
    name_value, *attributes = [part.strip() for part in response.headers["Set-Cookie"].split(";")]
    assert name_value.startswith("__Host-signup-session=") and len(name_value) > 60
    assert set(attributes) == {"Max-Age=28800", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_used_link_gets_a_clear_page_and_no_session(client, events, moto_endpoint):
    ask(client, ORGANISER)
    link = emailed_link(moto_endpoint, ORGANISER)
    assert press(client, link).status_code == 303
    for again in (press(client, link), get(client, link)):
        assert again.status_code == 410 and "Länken är redan använd" in again.body.decode()
        assert "Set-Cookie" not in again.headers and "Be om en ny länk" in again.body.decode()


def test_an_expired_link_gets_a_clear_page_and_no_session(client, events, moto_endpoint, clock):
    ask(client, ORGANISER)
    link = emailed_link(moto_endpoint, ORGANISER)
    clock.set(datetime.now(UTC) + timedelta(minutes=15, seconds=1))
    for response in (get(client, link), press(client, link), get(client, link + "?lang=en")):
        assert response.status_code == 410 and "Set-Cookie" not in response.headers
    assert "gäller i 15 minuter" in press(client, link).body.decode()
    assert "The link has expired" in get(client, link + "?lang=en").body.decode()


@pytest.mark.parametrize(
    ("minutes", "language", "works_for", "expired"),
    [
        (1, "sv", "Länken gäller i 1 minut och fungerar en gång.", "En inloggningslänk gäller i 1 minut."),
        (2, "sv", "Länken gäller i 2 minuter och fungerar en gång.", "En inloggningslänk gäller i 2 minuter."),
        (1, "en", "The link works for 1 minute, once.", "A sign-in link works for 1 minute."),
        (2, "en", "The link works for 2 minutes, once.", "A sign-in link works for 2 minutes."),
    ],
)
def test_the_minutes_a_link_works_are_said_in_the_right_form_on_the_page_in_the_email_and_when_expired(
    client, events, moto_endpoint, clock, monkeypatch, minutes, language, works_for, expired
):
    monkeypatch.setattr(auth, "SIGN_IN_VALID", timedelta(minutes=minutes))
    asked = ask(client, ORGANISER, lang=language)
    assert works_for in " ".join(asked.body.decode().split())
    (message, *_) = reversed(mails_to(moto_endpoint, ORGANISER))
    for kind in ("plain", "html"):
        assert works_for in " ".join(message.get_body(preferencelist=(kind,)).get_content().split())
    clock.set(datetime.now(UTC) + timedelta(minutes=minutes, seconds=1))
    query = "?lang=en" if language == "en" else ""
    late = get(client, emailed_link(moto_endpoint, ORGANISER) + query)
    assert late.status_code == 410 and expired in late.body.decode()


@pytest.mark.parametrize("token", ["A" * 43, "not-a-link", "x" * 5000, "%00" * 10])
def test_a_forged_link_gets_a_clear_page_and_no_session(client, events, token):
    for response in (get(client, f"/console/sign-in/{token}"), press(client, f"/console/sign-in/{token}")):
        assert response.status_code == 404 and "Länken fungerar inte" in response.body.decode()
        assert "Set-Cookie" not in response.headers


def test_the_button_pressed_from_another_site_signs_nobody_in_and_keeps_the_link(client, events, moto_endpoint):
    ask(client, ORGANISER)
    link = emailed_link(moto_endpoint, ORGANISER)
    refused = press(client, link, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "Set-Cookie" not in refused.headers
    assert press(client, link).status_code == 303


# -- sessions ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/console/events/natverk-social-hallbarhet", f"/console/events/{EVENT}/audit"])
def test_without_a_session_every_console_page_redirects_to_sign_in(client, events, path):
    for cookie in (None, "__Host-signup-session=forged.value", "theme=dark"):
        response = get(client, path, cookie)
        assert response.status_code == 303 and response.headers["Location"] == "/console?" + urlencode({"next": path})
        # The stop still carries the app's security headers.
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_a_session_ends_8_hours_after_its_last_use(client, events, moto_endpoint, clock):
    cookie = sign_in(client, moto_endpoint)
    start = datetime.now(UTC)
    clock.set(start + timedelta(hours=7))
    page = get(client, "/console", cookie)
    assert page.status_code == 200 and "Dina träffar" in page.body.decode()
    moved = cookie_of(page)  # the idle clock moved: a fresh cookie
    clock.set(start + timedelta(hours=14))
    assert get(client, "/console", moved).status_code == 200
    assert "Logga in på Signup" in get(client, "/console", cookie).body.decode()  # the old one lapsed
    clock.set(start + timedelta(hours=24, seconds=1))
    assert "Logga in på Signup" in get(client, "/console", moved).body.decode()  # 24 h absolute


def test_signing_out_ends_this_session_and_nothing_else(client, events, moto_endpoint):
    laptop = sign_in(client, moto_endpoint)
    phone = sign_in(client, moto_endpoint)
    page = get(client, "/console", laptop)
    signed_out = post(client, "/console/sign-out", laptop, {"csrf_token": csrf_of(page)})
    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/console?signed_out=1"
    assert signed_out.headers["Set-Cookie"].startswith("__Host-signup-session=;")
    assert get(client, f"/console/events/{EVENT}", laptop).status_code == 303  # even if the cookie was kept
    assert get(client, f"/console/events/{EVENT}", phone).status_code == 200
    assert "Du är utloggad" in get(client, "/console?signed_out=1").body.decode()


def test_signing_out_everywhere_ends_every_session_of_the_person(client, events, moto_endpoint):
    laptop = sign_in(client, moto_endpoint)
    phone = sign_in(client, moto_endpoint)
    admin = sign_in(client, moto_endpoint, ADMIN)
    page = get(client, "/console", phone)
    assert post(client, "/console/sign-out-everywhere", phone, {"csrf_token": csrf_of(page)}).status_code == 303
    assert get(client, f"/console/events/{EVENT}", laptop).status_code == 303
    assert get(client, f"/console/events/{EVENT}", phone).status_code == 303
    assert get(client, f"/console/events/{EVENT}", admin).status_code == 200  # someone else's stays
    assert get(client, f"/console/events/{EVENT}", sign_in(client, moto_endpoint)).status_code == 200


def test_signing_out_everywhere_ends_the_links_still_in_the_mailbox_too(client, events, moto_endpoint):
    """Someone reading a stolen mailbox must not outlast the one remedy the console offers."""
    signed_in = sign_in(client, moto_endpoint)
    assert ask(client, ORGANISER).status_code == 200
    pending = emailed_link(moto_endpoint, ORGANISER)
    page = get(client, "/console", signed_in)
    assert post(client, "/console/sign-out-everywhere", signed_in, {"csrf_token": csrf_of(page)}).status_code == 303
    refused = press(client, pending)
    assert refused.status_code != 303 and "Set-Cookie" not in refused.headers
    assert get(client, f"/console/events/{EVENT}", sign_in(client, moto_endpoint)).status_code == 200


def test_a_tagged_address_gets_no_link_the_link_goes_to_the_address_on_record(client, events, moto_endpoint):
    """`admin+x@` has admin@'s mailbox key, but a `+` is not a subaddress on every mail system."""
    before = len(mails_to(moto_endpoint, ADMIN))
    assert ask(client, "admin+mallory@hudiksvall.example").status_code == 200
    assert mails_to(moto_endpoint, "admin+mallory@hudiksvall.example") == []
    assert len(mails_to(moto_endpoint, ADMIN)) == before + 1
    assert press(client, emailed_link(moto_endpoint, ADMIN)).status_code == 303


# -- CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/console/sign-out", "/console/sign-out-everywhere"])
def test_a_missing_or_wrong_csrf_token_is_403_and_changes_nothing(client, events, moto_endpoint, path):
    cookie = sign_in(client, moto_endpoint)
    other = get(client, "/console", sign_in(client, moto_endpoint, ADMIN))
    right = csrf_of(get(client, "/console", cookie))
    altered = right[:-1] + ("1" if right.endswith("0") else "0")
    for fields in ({}, {"csrf_token": ""}, {"csrf_token": csrf_of(other)}, {"csrf_token": altered}):
        refused = post(client, path, cookie, fields)
        assert refused.status_code == 403 and "Ingenting har ändrats" in refused.body.decode()
        assert refused.headers["Cache-Control"] == "no-store"
    from_elsewhere = post(client, path, cookie, {"csrf_token": right}, headers={"Origin": "https://evil.example"})
    assert from_elsewhere.status_code == 403
    assert get(client, f"/console/events/{EVENT}", cookie).status_code == 200  # still signed in


# -- who sees what -------------------------------------------------------------------------


def test_an_organiser_sees_only_her_events_and_gets_404_on_another_s(client, events, moto_endpoint):
    cookie = sign_in(client, moto_endpoint)
    listing = get(client, "/console", cookie).body.decode()
    assert "Nätverk för social hållbarhet" in listing and "Bos träff" not in listing
    hidden = get(client, f"/console/events/{OTHER_EVENT}", cookie)
    missing = get(client, "/console/events/no-such-event", cookie)
    assert hidden.status_code == missing.status_code == 404
    # The same page but for the path in its language switch, which the asker typed anyway.
    assert hidden.body.decode().replace(OTHER_EVENT, "?") == missing.body.decode().replace("no-such-event", "?")
    assert "Träffen hittades inte" in hidden.body.decode() and "Bos träff" not in hidden.body.decode()
    audit = get(client, f"/console/events/{OTHER_EVENT}/audit", cookie)
    assert audit.status_code == 404 and "Träffen hittades inte" in audit.body.decode()


def test_an_administrator_sees_every_event(client, events, moto_endpoint):
    cookie = sign_in(client, moto_endpoint, ADMIN)
    listing = get(client, "/console", cookie).body.decode()
    assert "Alla träffar" in listing and "Nätverk för social hållbarhet" in listing and "Bos träff" in listing
    assert get(client, f"/console/events/{OTHER_EVENT}", cookie).status_code == 200


def test_the_events_list_puts_upcoming_meetings_first_with_seats_waiting_deadline_and_days_left(
    client, app_store, moto_endpoint
):
    now = datetime.now(UTC)
    past = open_event(now - timedelta(days=200), id="forra-traffen", title={"sv": "Förra träffen"})
    full = replace(
        open_event(id="full-traff", capacity=2, title={"sv": "Full träff"}), starts_at=now + timedelta(days=90)
    )
    for event in (past, full):
        app_store.put_event(event, now)
    app_store.client.update_item(
        TableName=app_store.table,
        Key=event_key("full-traff"),
        UpdateExpression="SET confirmed_count = :two, waitlist_count = :three",
        ExpressionAttributeValues={":two": {"N": "2"}, ":three": {"N": "3"}},
    )
    page = get(client, "/console", sign_in(client, moto_endpoint)).body.decode()
    upcoming, past_part = page.split("Tidigare träffar")
    assert upcoming.index("Nätverk för social hållbarhet") < upcoming.index("Full träff")
    assert "Förra träffen" in past_part
    full_row = matched(r"Full träff</a></th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", full_row)
    assert cells[1:] == ["2 av 2", "3", cells[3], "30"], cells
    # Numbers line up right, under headings that do too: each heading is in step with its cells.
    headings = re.findall(r'<th scope="col"( class="number")?>([^<]*)</th>', upcoming)
    classes = re.findall(r"<td( class=\"number\")?>", full_row)
    assert [name for _, name in headings][1:4] == ["Datum", "Platser tagna", "Väntelista"], headings
    assert [number for number, _ in headings][1:] == classes == ["", *[' class="number"'] * 2, "", ' class="number"']
    assert re.search(r"Förra träffen</a></th>.*?<td[^>]*>Stängd</td>\s*</tr>", past_part, re.S)


def test_the_event_page_shows_counts_and_links_to_the_audit_log(client, events, moto_endpoint):
    cookie = sign_in(client, moto_endpoint)
    page = get(client, f"/console/events/{EVENT}", cookie)
    body = page.body.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Nätverk för social hållbarhet" in body and "Har plats" in body
    assert f'href="/console/events/{EVENT}/audit"' in body
    english = get(client, f"/console/events/{EVENT}?lang=en", cookie).body.decode()
    assert "Have a seat" in english and f'href="/console/events/{EVENT}/audit?lang=en"' in english


def test_a_sign_in_is_written_to_the_audit_log_of_each_event_the_person_sees(client, events, moto_endpoint):
    organiser = sign_in(client, moto_endpoint)
    admin = sign_in(client, moto_endpoint, ADMIN)
    log = get(client, f"/console/events/{EVENT}/audit", organiser).body.decode()
    assert log.count("Loggade in") == 2 and ORGANISER in log and ADMIN in log
    other_log = get(client, f"/console/events/{OTHER_EVENT}/audit", admin).body.decode()
    assert other_log.count("Loggade in") == 1 and ORGANISER not in other_log


def test_aws_trouble_in_the_console_is_a_503_that_says_nothing_changed(client, events, moto_endpoint, monkeypatch):
    cookie = sign_in(client, moto_endpoint)

    def throttled(*args, **kwargs):
        raise ClientError({"Error": {"Code": "ThrottlingException"}}, "Query")

    monkeypatch.setattr(DynamoStore, "list_events", throttled)
    response = get(client, "/console", cookie)
    assert response.status_code == 503 and "Ingenting har ändrats" in response.body.decode()
    monkeypatch.setattr(DynamoStore, "queue_sign_in_request", throttled)
    assert ask(client, ORGANISER).status_code == 503


def test_a_cookie_for_another_secret_is_no_session(client, events):
    forged = auth.encode_session("not-our-secret", auth.new_session(ADMIN, 0, datetime.now(UTC)))
    response = get(client, f"/console/events/{EVENT}", f"{auth.COOKIE_NAME}={forged}")
    assert response.status_code == 303


def test_two_requests_counted_at_once_are_counted_again_and_a_lasting_conflict_is_a_503(
    client, events, moto_endpoint, monkeypatch, unpaced
):
    counted = DynamoStore.queue_sign_in_request
    conflicts = iter([True])

    def conflict_once(self, *args, **kwargs):
        if next(conflicts, False):
            raise Contention("TransactionConflict")
        return counted(self, *args, **kwargs)

    waits = unpaced  # the wiring's one way to wait, given to the console's use cases
    monkeypatch.setattr(DynamoStore, "queue_sign_in_request", conflict_once)
    assert ask(client, ORGANISER).status_code == 200 and len(mails_to(moto_endpoint, ORGANISER)) == 1
    assert len(waits) == 1, "one wait before counting again"

    def always_conflicting(self, *args, **kwargs):
        raise Contention("TransactionConflict")

    monkeypatch.setattr(DynamoStore, "queue_sign_in_request", always_conflicting)
    busy = ask(client, ORGANISER)
    assert busy.status_code == 503 and "Ingenting har ändrats" in busy.body.decode()
    assert len(mails_to(moto_endpoint, ORGANISER)) == 1


def test_after_signing_in_from_a_console_page_s_link_the_person_lands_on_that_page(client, events, moto_endpoint):
    page = f"/console/events/{EVENT}"
    to_sign_in = get(client, page + "?lang=en").headers["Location"]
    assert to_sign_in == "/console?" + urlencode({"next": page, "lang": "en"})
    form = get(client, to_sign_in).body.decode()
    assert f'name="next" value="{page}"' in form
    asked = client.http.post(
        "/console/sign-in", headers=FORM, body=urlencode({"email": ORGANISER, "next": page, "lang": "en"})
    )
    assert asked.status_code == 200
    run_schedule(client, "email_outbox")
    link = emailed_link(moto_endpoint, ORGANISER)
    assert link.endswith("?" + urlencode({"next": page, "lang": "en"}))
    button = get(client, link).body.decode()
    assert f'action="{html.escape(link)}"' in button
    pressed = press(client, link)
    assert pressed.status_code == 303 and pressed.headers["Location"] == page + "?lang=en"
    assert get(client, page, cookie_of(pressed)).status_code == 200


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/console/events/x", "/events/x"])
def test_a_next_page_that_is_not_a_console_page_is_dropped(client, events, moto_endpoint, elsewhere):
    client.http.post("/console/sign-in", headers=FORM, body=urlencode({"email": ORGANISER, "next": elsewhere}))
    run_schedule(client, "email_outbox")
    link = emailed_link(moto_endpoint, ORGANISER)
    assert "next" not in link
    pressed = press(client, f"{link}?{urlencode({'next': elsewhere})}")
    assert pressed.status_code == 303 and pressed.headers["Location"] == "/console"
