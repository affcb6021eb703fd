"""The network on the public side: the separate, unticked choice on the form of a meeting in a
series, what a sign-up with and without it keeps, and the privacy notice's account of it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from chalicelib.network import member_ref
from tests.helpers import EVENT, answers, csrf_of, open_event, post_form, post_json
from tests.mailbox import sent_mail

SERIES = "natverk-social-hallbarhet"


def test_a_meeting_in_a_series_asks_to_keep_people_informed_unticked_in_both_languages(client, app_store):
    app_store.put_event(open_event(), datetime.now(UTC))
    swedish = client.http.get(f"/events/{EVENT}/form").body.decode()
    assert "Håll mig informerad om nätverkets träffar" in swedish
    box = swedish[swedish.index('id="network_consent"') - 40 : swedish.index("Håll mig informerad")]
    assert 'type="checkbox"' in box and "checked" not in box, "never ticked for the person"
    english = client.http.get(f"/events/{EVENT}/form?lang=en").body.decode()
    assert "Keep me informed about the network's meetings" in english
    app_store.put_event(open_event(series=None), datetime.now(UTC))
    assert "network_consent" not in client.http.get(f"/events/{EVENT}/form").body.decode()


def test_only_a_ticked_choice_makes_a_member_and_the_event_json_names_the_series(client, app_store):
    app_store.put_event(open_event(), datetime.now(UTC))
    assert client.http.get(f"/events/{EVENT}").json_body["series"] == SERIES
    assert post_form(client, answers(email="ja@example.se", network_consent="yes")).status_code == 303
    assert post_json(client, answers(email="nej@example.se")).status_code == 201
    assert post_json(client, answers(email="tom@example.se", network_consent="no")).status_code == 201
    assert app_store.get_member(SERIES, member_ref("ja@example.se")).email == "ja@example.se"
    for email in ("nej@example.se", "tom@example.se"):
        assert app_store.get_member(SERIES, member_ref(email)) is None
    assert app_store.get_registration(EVENT, "ja@example.se").answers.network_consent is True


def test_a_choice_that_is_neither_yes_nor_no_is_refused_and_nothing_is_kept(client, app_store):
    app_store.put_event(open_event(), datetime.now(UTC))
    response = post_json(client, answers(email="kanske@example.se", network_consent="kanske"))
    assert response.status_code == 422
    assert "network_consent" in response.json_body["error"]["fields"]
    assert app_store.get_registration(EVENT, "kanske@example.se") is None
    assert app_store.get_member(SERIES, member_ref("kanske@example.se")) is None


def test_the_privacy_notice_says_what_the_network_keeps_and_why(client):
    swedish = client.http.get("/privacy").body.decode()
    assert "Håll mig informerad om nätverkets träffar" in swedish and "tills du avslutar" in swedish
    assert "aldrig med namn mellan träffarna" in swedish
    assert "never named from one meeting to the next" in client.http.get("/privacy?lang=en").body.decode()


def test_the_openapi_document_of_a_series_meeting_offers_the_choice(client, app_store):
    app_store.put_event(open_event(), datetime.now(UTC))
    document = client.http.get(f"/events/{EVENT}/openapi.json").json_body
    body = document["paths"]["/events/{event_id}/registrations"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    assert "network_consent" in schema["properties"] and "network_consent" not in schema["required"]


def leave_link(message):
    """The path behind the message's List-Unsubscribe header (RFC 2369: an URL in angle brackets)."""
    header = message["List-Unsubscribe"]
    assert header and header.startswith("<") and header.endswith(">")
    return "/" + header[1:-1].split("/", 3)[3]


def test_a_members_email_carries_the_one_click_way_out_and_a_post_takes_effect_at_once(
    client, app_store, moto_endpoint
):
    app_store.put_event(open_event(), datetime.now(UTC))
    post_json(client, answers(email="ja@example.se", network_consent="yes"))
    post_json(client, answers(email="nej@example.se"))
    member_mail, other_mail = sent_mail(moto_endpoint)
    assert other_mail["List-Unsubscribe"] is None, "someone who did not join is on no list"
    assert member_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = leave_link(member_mail)
    assert path.startswith("/network/leave/")
    token = path.rsplit("/", 1)[1]
    padded = token.split(".")[0] + "=" * (-len(token.split(".")[0]) % 4)
    assert b"example.se" not in base64.urlsafe_b64decode(padded), "the link names no address"
    assert path.split("/")[-1] in member_mail.get_body(preferencelist=("plain",)).get_content()

    page = client.http.get(path)
    assert page.status_code == 200 and '<form method="post">' in page.body.decode()
    assert app_store.get_member(SERIES, member_ref("ja@example.se")) is not None, "a GET never acts"

    # What a mail program sends (RFC 8058 section 3.2): no Origin, no cookie, just this body.
    one_click = client.http.post(
        path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="List-Unsubscribe=One-Click"
    )
    assert one_click.status_code == 200 and "Du har lämnat nätverkets utskick" in one_click.body.decode()
    assert app_store.get_member(SERIES, member_ref("ja@example.se")) is None, "at once"
    again = client.http.post(path, headers={"Content-Type": "multipart/form-data; boundary=x"}, body="")
    assert again.status_code == 200 and again.body == one_click.body, "a second press answers the same"


def test_a_forged_way_out_changes_nothing(client, app_store, moto_endpoint):
    app_store.put_event(open_event(), datetime.now(UTC))
    post_json(client, answers(email="ja@example.se", network_consent="yes"))
    path = leave_link(sent_mail(moto_endpoint)[0])
    forged = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    assert client.http.post(forged, body="List-Unsubscribe=One-Click").status_code == 403
    assert client.http.get(forged).status_code == 403
    assert app_store.get_member(SERIES, member_ref("ja@example.se")) is not None


# -- the console's network page --------------------------------------------------------------------


def test_the_console_shows_the_network_with_tables_behind_the_chart_and_names_only_members(
    client, app_store, moto_endpoint
):
    from tests.test_app_console import ORGANISER, get, sign_in
    from tests.unit.test_network import FIRST_DAY, meeting, sign_up_to_meeting

    app_store.put_event(open_event(), datetime.now(UTC))
    app_store.put_event(meeting(1, organisers=["annan@hudiksvall.example"]), FIRST_DAY)
    app_store.put_event(open_event(id="annat", series="annat-natverk", organisers=["bo@example.se"]), FIRST_DAY)
    sign_up_to_meeting(app_store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(app_store, 1, "bertil@example.se", "Röda Korset", "association")
    sign_up_to_meeting(app_store, 1, "cecilia@example.se", "Ahls bygg", "company")  # came, not signed up for the next
    post_json(client, answers(email="anna@example.se", name="Anna", organisation="Hudiksvall kommun", sector="public"))
    post_json(client, answers(email="bertil@example.se", name="Bertil", organisation="Röda korset"))

    assert get(client, f"/console/network/{SERIES}").status_code == 303, "signed out: to the sign-in page"
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    page = get(client, f"/console/network/{SERIES}", cookie)
    body = page.body.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<svg viewBox="0 0' in body and 'aria-hidden="true"' in body, "the chart, beside its table"
    assert "<caption" in body and '<th scope="col" class="number">Återkommande personer</th>' in body
    assert "inga företag än" in body and "inga andra än" in body
    assert '<th scope="row">Anna</th><td>Hudiksvall kommun</td><td class="number">2</td>' in body, "Anna asked"
    assert '<th scope="row">Ahls bygg</th><td>Företag</td><td class="number">1</td>' in body, "to remind"
    assert "Bertil" not in body and "bertil@" not in body, "counted, never named"
    english = get(client, f"/console/network/{SERIES}?lang=en", cookie).body.decode()
    assert "no companies yet" in english and "Returning organisations" in english

    event_page = get(client, f"/console/events/{EVENT}", cookie).body.decode()
    assert f'/console/network/{SERIES}"' in event_page
    not_mine = get(client, "/console/network/annat-natverk", cookie)
    missing = get(client, "/console/network/no-such-series", cookie)
    assert not_mine.status_code == missing.status_code == 404
    assert not_mine.body.decode().replace("annat-natverk", "no-such-series") == missing.body.decode()


def test_an_organiser_merges_two_names_in_the_console_behind_csrf_and_the_audit_log_says_so(
    client, app_store, moto_endpoint
):

    from tests.test_app_console import ORGANISER, get, post, sign_in

    app_store.put_event(open_event(), datetime.now(UTC))
    post_json(client, answers(email="a@example.se", organisation="ICA Maxi AB", sector="company"))
    post_json(client, answers(email="b@example.se", organisation="Maxi ICA Stormarknad", sector="company"))
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    page = get(client, f"/console/network/{SERIES}", cookie)
    csrf = csrf_of(page)
    path = f"/console/network/{SERIES}/merge"
    fields = {"keep": "ICA Maxi", "other": "Maxi ICA Stormarknad"}
    assert post(client, path, cookie, {**fields, "csrf_token": "0" * len(csrf)}).status_code == 403
    assert app_store.network_records(SERIES)[1] == [], "refused without the session's token"

    merged = post(client, path, cookie, {**fields, "csrf_token": csrf})
    assert merged.status_code == 303 and merged.headers["Location"].endswith(f"/console/network/{SERIES}?merged=1")
    after = get(client, f"/console/network/{SERIES}?merged=1", cookie).body.decode()
    assert "Ihopslaget." in after and "maxi ica stormarknad räknas som ICA Maxi" in after
    again = post(client, path, cookie, {"keep": "ica maxi ab", "other": "ICA Maxi", "csrf_token": csrf})
    assert again.status_code == 422 and "redan samma organisation" in again.body.decode()
    empty = post(client, path, cookie, {"keep": "", "other": "x", "csrf_token": csrf, "lang": "en"})
    assert empty.status_code == 422 and "Write both organisations" in empty.body.decode()
    audit = get(client, f"/console/events/{EVENT}/audit", cookie).body.decode()
    assert "Slog ihop två av nätverkets organisationer" in audit and "Maxi ICA Stormarknad → ICA Maxi" in audit


def test_the_merge_form_s_limit_is_the_one_line_answer_s_in_the_field_and_the_message(
    client, app_store, moto_endpoint, monkeypatch
):
    """Written once (fields.SINGLE_LINE_MAX): a different limit shows in both inputs and the refusal."""

    from chalicelib import network
    from chalicelib.routes import console_network
    from tests.test_app_console import ORGANISER, get, post, sign_in

    monkeypatch.setattr(network, "SINGLE_LINE_MAX", 30)
    monkeypatch.setattr(console_network, "SINGLE_LINE_MAX", 30)
    app_store.put_event(open_event(), datetime.now(UTC))
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    page = get(client, f"/console/network/{SERIES}", cookie)
    assert page.body.decode().count('maxlength="30"') == 2
    fields = {"keep": "x" * 31, "other": "ICA Maxi", "csrf_token": csrf_of(page)}
    long = post(client, f"/console/network/{SERIES}/merge", cookie, fields)
    assert long.status_code == 422 and "högst 30 tecken vardera" in long.body.decode()
    assert long.body.decode().count('maxlength="30"') == 2
    assert app_store.network_records(SERIES)[1] == [], "nothing merged"
