"""`./signup` against moto's server, as an organiser uses it with `make run`."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from chalicelib import bootstrap
from devtools import cli
from tests.helpers import EVENT, EXAMPLE, PROJECT, answers, open_event, post_json
from tests.mailbox import sent_mail


@pytest.fixture(autouse=True)
def restore_environment():
    """The CLI sets the stage's variables in os.environ, as a Lambda would have them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def run(capsys, *argv):
    """The command's code, output and errors; it runs by the app's clock (the `clock` fixture sets both)."""
    capsys.readouterr()  # only this command's output
    code = cli.main(list(argv), clock=bootstrap.wiring().clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_put_list_and_show_an_event(app_store, capsys):
    code, out, _ = run(capsys, "event", "put", str(EXAMPLE), "--stage", "local")
    assert code == 0 and "Saved event natverk-social-hallbarhet" in out
    code, out, _ = run(capsys, "event", "list")
    assert code == 0 and "natverk-social-hallbarhet\t2027-05-24 18:00" in out
    assert "Nätverk för social hållbarhet" in out
    code, out, _ = run(capsys, "event", "show", "natverk-social-hallbarhet")
    assert code == 0 and '"venue": "Rådhussalen, Kulturhuset"' in out
    assert '"waitlist_limit": 60' in out, "the waiting list's bound (as many as the seats by default)"
    assert '"confirm_address": false' in out and "confirm_within_hours" not in out


def test_show_tells_how_long_seats_are_held_in_an_event_that_confirms_addresses(app_store, client, capsys):
    app_store.put_event(open_event(confirm_address=True, confirm_within_hours=6), datetime.now(UTC))
    post_json(client, answers())
    details = json.loads(run(capsys, "event", "show", EVENT)[1])
    assert (details["confirm_address"], details["confirm_within_hours"], details["held"]) == (True, 6, 1)


def test_a_bad_event_file_names_the_key_and_writes_nothing(app_store, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        .replace("capacity = 60", "capacity = -5")
        .replace('id = "natverk-social-hallbarhet"', 'id = "ny-traff"'),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "event", "put", str(bad))
    assert code == 1
    assert "capacity: expected a whole number of seats" in err and "nothing was written" in err
    assert app_store.get_event("ny-traff") is None


def test_re_putting_an_event_keeps_its_registrations_counted(app_store, client, capsys):
    post_json(client, answers())
    assert run(capsys, "event", "put", str(EXAMPLE))[0] == 0
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_registrations_list_shows_who_signed_up(app_store, client, capsys):
    post_json(client, answers(name="Åsa Öberg", organisation="Röda Korset"))
    code, out, _ = run(capsys, "registrations", "list", EVENT)
    assert code == 0
    assert "Åsa Öberg\tRöda Korset" in out and "1 registration: 1 confirmed" in out
    post_json(client, answers(email="bo@example.se", name="Bo Ek"))
    assert "2 registrations: 2 confirmed" in run(capsys, "registrations", "list", EVENT)[1]


def test_registrations_list_counts_held_seats_so_the_counts_add_up(app_store, client, capsys):
    app_store.put_event(open_event(capacity=5, confirm_address=True), datetime.now(UTC))
    post_json(client, answers(email="held@example.se"))
    code, out, _ = run(capsys, "registrations", "list", EVENT)
    assert code == 0
    assert "1 registration: 1 confirmed" not in out
    assert "1 registration: 0 confirmed, 1 pending, 0 waitlisted, 0 cancelled" in out


@pytest.mark.parametrize(
    ("what", "params", "one", "two"),
    [
        (
            "cancelled",
            {},
            "1 person signed up gets a cancellation email.",
            "2 people signed up get a cancellation email.",
        ),
        ("registrations", {}, "1 registration", "2 registrations"),
        ("deleted", {}, "1 item deleted", "2 items deleted"),
        ("freed", {}, "1 seat freed", "2 seats freed"),
        (
            "groups",
            {"event": EVENT},
            f"The 1 group of {EVENT} is stored to be emailed; the outbox sends it.",
            f"The 2 groups of {EVENT} are stored to be emailed; the outbox sends them.",
        ),
    ],
)
def test_the_command_line_s_counts_agree_with_their_nouns(what, params, one, two):
    assert (cli._counted(what, 1, **params), cli._counted(what, 2, **params)) == (one, two)


def test_unknown_event_is_a_clear_error(app_store, capsys):
    code, _, err = run(capsys, "event", "show", "nope")
    assert code == 1 and "No event 'nope'" in err


def test_the_wrapper_script_lists_its_commands():
    result = subprocess.run([str(PROJECT / "signup"), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("event", "registrations"):
        assert command in result.stdout


def test_digest_preview_renders_without_sending(app_store, client, capsys, tmp_path, moto_endpoint):
    post_json(client, answers(name="Åsa Öberg", organisation="Röda Korset"))
    html = tmp_path / "digest.html"
    code, out, _ = run(capsys, "digest", EVENT, "--preview", "--html", str(html))
    assert code == 0
    assert "Subject: Anmälningar till Nätverk för social hållbarhet" in out
    assert "Åsa Öberg, Röda Korset" in out
    assert "Åsa Öberg" in html.read_text(encoding="utf-8")
    assert len(sent_mail(moto_endpoint)) == 1, "only the confirmation: the preview sent nothing"
    # The example meeting belongs to the network's series: the digest has its section, numbers only.
    assert "== Nätverket natverk-social-hallbarhet ==" in out
    assert "(den här träffen): anmälda 1, kom –; personer 1 ny, 0 återkommande" in out
    assert "Saknas på den här träffen: inga företag än, ingen offentlig verksamhet än, inga andra än." in out
    assert "Personer: 1 ny, 0 återkommande." in html.read_text(encoding="utf-8")


def test_a_preview_of_an_email_without_the_part_asked_for_stops_with_a_clear_message():
    message = EmailMessage()
    message["Subject"] = "Anmälningar till mötet"
    message.set_content("Bara text.")
    assert cli.body_text(message, "plain") == "Bara text.\n"
    with pytest.raises(SystemExit, match="'Anmälningar till mötet' has no text/html part"):
        cli.body_text(message, "html")


def test_jobs_run_at_a_given_time_sends_what_is_due(app_store, client, capsys, moto_endpoint):
    post_json(client, answers())
    event = app_store.get_event(EVENT)
    seven = (datetime.now(event.zone) + timedelta(days=1)).replace(hour=7, minute=1, second=0, microsecond=0)
    code, out, _ = run(capsys, "jobs", "run", "--now", seven.isoformat())
    assert code == 0 and "digest_sent 1" in out
    assert sent_mail(moto_endpoint)[-1]["Subject"].startswith("Anmälningar till")


def test_jobs_run_without_a_time_runs_at_the_clock_s_time_and_the_app_keeps_that_clock(
    app_store, client, capsys, moto_endpoint, clock
):
    post_json(client, answers())
    event = app_store.get_event(EVENT)
    seven = (datetime.now(event.zone) + timedelta(days=1)).replace(hour=7, minute=1, second=0, microsecond=0)
    clock.set(seven.astimezone(UTC))
    code, out, _ = run(capsys, "jobs", "run")
    assert code == 0 and f"Ran the jobs at {seven.astimezone(UTC).isoformat()}" in out and "digest_sent 1" in out
    assert sent_mail(moto_endpoint)[-1]["Subject"].startswith("Anmälningar till")
    assert bootstrap.wiring().clock() == seven.astimezone(UTC), "the app still runs by the test's clock"


def test_jobs_run_refuses_a_time_without_offset(app_store, capsys):
    with pytest.raises(SystemExit, match="offset"):
        cli.main(["jobs", "run", "--now", "2027-05-24T07:00"])


def test_jobs_on_a_deployed_stage_without_a_base_url_stop_with_a_clear_message(capsys, monkeypatch):
    monkeypatch.delenv("SIGNUP_BASE_URL", raising=False)
    code, out, err = run(capsys, "jobs", "run", "--stage", "prod")
    assert code == 1 and out == ""
    assert "export SIGNUP_BASE_URL=https://" in err and "Traceback" not in err


def test_embed_prints_an_iframe_and_a_plain_form_that_posts_here(app_store, capsys):
    code, out, _ = run(capsys, "embed", EVENT, "--redirect", "http://localhost:8000/tack")
    assert code == 0
    assert f'src="http://127.0.0.1:8000/events/{EVENT}/form"' in out
    assert 'e.origin !== "http://127.0.0.1:8000"' in out
    assert f'action="http://127.0.0.1:8000/events/{EVENT}/registrations"' in out
    assert 'name="redirect" value="http://localhost:8000/tack"' in out
    assert 'name="form_token"' not in out, "a pasted form cannot carry a fresh timing token"


def test_person_export_and_erase_across_events(app_store, client, capsys):
    app_store.put_event(open_event(id="andra-traffen", capacity=1), datetime.now(UTC))
    post_json(client, answers(email="Asa.Oberg@example.se", name="Åsa Öberg"))
    post_json(client, answers(email="asa.oberg@example.se"), path="/events/andra-traffen/registrations")
    post_json(client, answers(email="next@example.se"), path="/events/andra-traffen/registrations")  # waiting
    code, out, _ = run(capsys, "person", "export", "ASA.OBERG@example.se")
    exported = json.loads(out)
    assert code == 0 and {r["event_id"] for r in exported["registrations"]} == {EVENT, "andra-traffen"}
    assert exported["registrations"][0]["name"] == "Åsa Öberg"
    assert any(r["SK"].startswith("EMAILS#") for r in exported["address_records"])

    assert run(capsys, "person", "erase", "asa.oberg@example.se")[0] == 1, "asks for --yes first"
    code, out, err = run(capsys, "person", "erase", "asa.oberg@example.se", "--yes")
    assert code == 0 and "2 seats freed" in out
    assert json.loads(run(capsys, "person", "export", "asa.oberg@example.se")[1])["registrations"] == []
    second = app_store.get_event("andra-traffen")
    assert (second.confirmed_count, second.waitlist_count) == (1, 0), "the waiting person moved up"
    assert [r.status for r in app_store.registrations("andra-traffen")] == ["confirmed"]
    assert '"message": "person erased"' in err and "asa.oberg" not in err.lower(), "logs say that, never whom"


def test_console_link_prints_a_one_time_sign_in_link_for_an_administrator(app_store, client, capsys):
    code, out, _ = run(capsys, "console", "link", "Admin@Hudiksvall.example", "--stage", "local")
    assert code == 0 and "Signs in admin@hudiksvall.example once, within 15 minutes" in out
    link = out.splitlines()[0].removeprefix("http://127.0.0.1:8000")
    assert link.startswith("/console/sign-in/") and client.http.get(link).status_code == 200
    signed_in = client.http.post(link, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="")
    assert signed_in.status_code == 303 and signed_in.headers["Set-Cookie"].startswith("__Host-signup-session=")
    assert client.http.post(link, headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 410


def test_the_old_organiser_link_commands_are_gone(capsys):
    with pytest.raises(SystemExit):
        cli.main(["organiser", "link", EVENT])
    assert "invalid choice: 'organiser'" in capsys.readouterr().err


def test_console_link_refuses_an_address_that_may_not_sign_in(app_store, capsys):
    code, out, err = run(capsys, "console", "link", "someone@example.se")
    assert code == 1 and out == "" and "may not sign in on stage local" in err and "SIGNUP_ADMINS" in err
    code, _, err = run(capsys, "console", "link", "inte-en-adress")
    assert code == 1 and "is not an email address" in err
    code, out, _ = run(capsys, "console", "link", "social.hallbarhet@hudiksvall.example")  # an event's organiser
    assert code == 0 and "/console/sign-in/" in out


# -- telling registrants ----------------------------------------------------------------------------


def test_message_stores_a_notice_for_its_audience_and_jobs_run_sends_it_with_a_copy(
    app_store, client, capsys, tmp_path, moto_endpoint
):
    # No digest: from 07:00 local time the hourly job would send the organisers theirs in the same run.
    app_store.put_event(open_event(digest={"send": "off"}), datetime.now(UTC))
    post_json(client, answers(email="ett@example.se"))
    post_json(client, answers(email="tva@example.se", meal="no", diet=None, diet_consent=None))
    text = tmp_path / "msg.md"
    text.write_text("Välkomna! Programmet: https://hudiksvall.se/program\n", encoding="utf-8")
    code, out, _ = run(capsys, "message", EVENT, "--to", "eating", "--file", str(text))
    assert code == 0 and "to eating (1) stored" in out
    assert [entry.action for entry in app_store.audit_entries(EVENT)] == ["message_sent"]
    before = len(sent_mail(moto_endpoint))
    code, out, _ = run(capsys, "jobs", "run")
    assert code == 0 and "notice_sent 2" in out
    to = sorted(str(message["To"]) for message in sent_mail(moto_endpoint)[before:])
    assert to == ["ett@example.se", "social.hallbarhet@hudiksvall.example"]


def test_an_empty_message_is_refused_and_nothing_is_stored(app_store, capsys, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("\n  \n", encoding="utf-8")
    code, _, err = run(capsys, "message", EVENT, "--file", str(empty))
    assert code == 1 and "Write a message." in err and app_store.notices(EVENT) == []


def test_event_cancel_asks_for_yes_then_cancels_once(app_store, client, capsys):
    post_json(client, answers())
    code, _, err = run(capsys, "event", "cancel", EVENT)
    assert code == 1 and "--yes" in err and not app_store.get_event(EVENT).is_cancelled
    assert "and 1 person signed up gets a cancellation email." in err
    code, out, _ = run(capsys, "event", "cancel", EVENT, "--yes", "--note", "Lokalen är inte tillgänglig.")
    assert code == 0 and app_store.get_event(EVENT).is_cancelled
    assert [notice.text for notice in app_store.notices(EVENT)] == ["Lokalen är inte tillgänglig."]
    code, _, err = run(capsys, "event", "cancel", EVENT, "--yes")
    assert code == 1 and "already cancelled" in err and len(app_store.notices(EVENT)) == 1
    code, _, err = run(capsys, "event", "put", str(EXAMPLE))
    assert code == 1 and "is cancelled" in err


def test_event_put_tells_people_of_a_new_venue_only_with_notify(app_store, capsys, tmp_path):
    assert run(capsys, "event", "put", str(EXAMPLE))[0] == 0
    moved = tmp_path / "moved.toml"
    moved.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('"Rådhussalen, Kulturhuset"', '"Folkets hus"'), encoding="utf-8"
    )
    code, out, _ = run(capsys, "event", "put", str(moved))
    assert code == 0 and "nobody was told (add --notify" in out and app_store.notices(EVENT) == []
    version = app_store.get_event(EVENT).calendar_version
    moved.write_text(moved.read_text(encoding="utf-8").replace('"Folkets hus"', '"Stadshuset"'), encoding="utf-8")
    code, out, _ = run(capsys, "event", "put", str(moved), "--notify")
    assert code == 0 and "will be told what changed (venue)" in out
    (notice,) = app_store.notices(EVENT)
    assert [(c.name, c.old, c.new) for c in notice.changes] == [("venue", "Folkets hus", "Stadshuset")]
    assert app_store.get_event(EVENT).calendar_version == version + 1


def test_network_report_and_merge_over_a_series(app_store, capsys):
    from tests.unit.test_network import FIRST_DAY, meeting, sign_up_to_meeting

    for number in (1, 2, 3):
        app_store.put_event(meeting(number), FIRST_DAY)
    sign_up_to_meeting(app_store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(app_store, 1, "bo@example.se", "ICA Maxi AB", "company")
    sign_up_to_meeting(app_store, 2, "anna@example.se", "Hudiksvall kommun", "public", consent=True)
    sign_up_to_meeting(app_store, 2, "bo@example.se", "Maxi ICA Stormarknad", "company")
    before = (meeting(3).starts_at - timedelta(days=1)).isoformat()
    code, out, _ = run(capsys, "network", "report", "natverk-social-hallbarhet", "--now", before)
    assert code == 0
    assert "Organisationer: 1 ny, 1 återkommande." in out, "the second meeting: the municipality came back"
    assert "inga föreningar än" in out and "inga andra än" in out
    assert "  - Anna, Hudiksvall kommun (2 träffar)" in out
    assert "Bo" not in out and "bo@" not in out, "no consent: counted, never named"
    assert "  - Maxi ICA Stormarknad (Företag, 1 träff)" in out

    code, out, _ = run(capsys, "network", "merge", "natverk-social-hallbarhet", "ICA Maxi", "Maxi ICA Stormarknad")
    assert code == 0 and "now counts as 'ICA Maxi'" in out
    code, out, _ = run(capsys, "network", "report", "natverk-social-hallbarhet", "--lang", "en", "--now", before)
    assert "Organisations: 0 new, 2 returning." in out and "no associations yet" in out
    assert "  - ICA Maxi (Company, 2 meetings)" in out
    code, _, err = run(capsys, "network", "merge", "natverk-social-hallbarhet", "ica maxi ab", "ICA MAXI")
    assert code == 1 and "already one organisation" in err
    code, _, err = run(capsys, "network", "report", "no-such-series")
    assert code == 1 and "No meetings in the series 'no-such-series'" in err


def test_network_invite_counts_on_a_dry_run_then_stores_one_invitation_and_refuses_a_closed_meeting(
    app_store, capsys, clock
):
    from chalicelib.registrations import register
    from tests.unit.test_network import FIRST_DAY, meeting, sign_up_to_meeting

    app_store.put_event(meeting(1), FIRST_DAY)
    sign_up_to_meeting(app_store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(app_store, 1, "cilla@example.se", "ICA Maxi AB", "company", consent=True)
    sign_up_to_meeting(app_store, 1, "bo@example.se", "Röda Korset", "association")
    register(EVENT, answers(email="cilla@example.se", name="Cilla"), store=app_store, now=datetime.now(UTC))
    code, out, _ = run(capsys, "network", "invite", EVENT, "--dry-run")
    assert code == 0 and "Dry run, nothing stored: 1 to invite; left out: 1 signed up already" in out
    assert "anna" not in out.lower() and "@" not in out, "counts, not addresses"
    assert app_store.notices(EVENT) == []
    code, out, _ = run(capsys, "network", "invite", EVENT)
    assert code == 0 and "Invitations stored: 1 to invite" in out
    assert [notice.kind for notice in app_store.notices(EVENT)] == ["invitation"]
    assert [entry.action for entry in app_store.audit_entries(EVENT)] == ["invitations_sent"]
    clock.set(app_store.get_event(EVENT).deadline_at)  # the same meeting, once its last day is over
    code, _, err = run(capsys, "network", "invite", EVENT, "--dry-run")
    assert code == 1 and "Registration for this meeting has closed: invitations can no longer be sent." in err
    assert len(app_store.notices(EVENT)) == 1


def test_the_network_report_shows_registered_and_came_from_the_consoles_check_in(app_store, capsys):
    from chalicelib.console.network_view import network_view
    from chalicelib.console.people import check_in
    from chalicelib.network_report import digest_section, network_report
    from tests.unit.test_network import FIRST_DAY, SERIES, meeting, sign_up_to_meeting

    for number in (1, 2):
        app_store.put_event(meeting(number), FIRST_DAY)
    for number in (1, 2):
        sign_up_to_meeting(app_store, number, "anna@example.se", "Hudiksvalls kommun", "public")
        sign_up_to_meeting(app_store, number, "bo@example.se", "Röda Korset", "association")
    at_the_door = meeting(1).starts_at
    check_in(app_store.get_registration("natverk-1", "anna@example.se"), present=True, store=app_store, now=at_the_door)
    before = (meeting(2).starts_at - timedelta(days=1)).isoformat()
    code, out, _ = run(capsys, "network", "report", SERIES, "--now", before)
    assert code == 0
    assert "  Anmälda: 2. Kom: 1." in out, "the first meeting's door list was used"
    assert "  Anmälda: 2. Kom: ingen incheckning." in out, "the second has not been held"
    report = network_report(SERIES, store=app_store, now=datetime.fromisoformat(before))
    # The app's open meeting is of the same series too (nobody has signed up for it).
    meetings = {meeting["id"]: meeting for meeting in network_view(report, "sv")["meetings"]}
    first, second = meetings["natverk-1"], meetings["natverk-2"]
    assert (first["registered"], first["came"], second["came"]) == (2, 1, None), "the console page's table"
    rows = digest_section(report, "natverk-2", "sv")["rows"]
    assert [(row["registered"], row["came"]) for row in rows if row["registered"]] == [(2, 1), (2, "–")], (
        "the digest's section"
    )


def test_network_groups_proposes_after_the_deadline_exports_and_sends_once(app_store, client, capsys):
    for n in range(6):
        given = answers(
            email=f"g{n}@example.se", name=f"Grupp Person {n}", organisation=f"Org {n}", share_with_group="yes"
        )
        assert post_json(client, given).status_code == 201
    event = app_store.get_event(EVENT)
    before, after = (
        (event.deadline_at - timedelta(hours=1)).isoformat(),
        (event.deadline_at + timedelta(hours=1)).isoformat(),
    )
    code, _, err = run(capsys, "network", "groups", EVENT, "--propose", "--now", before)
    assert code == 1 and "propose groups after that" in err and app_store.working_groups(EVENT) is None
    code, _, err = run(capsys, "network", "groups", EVENT, "--send", "--now", after)
    assert code == 1 and "no groups yet" in err
    code, out, _ = run(capsys, "network", "groups", EVENT, "--propose", "--now", after)
    assert code == 0 and out.startswith("Grupp 1: Barn och unga\n") and "Grupp Person 0, Org 0 (Förening" in out
    assert "Intresse: Barn och unga; en av 6 från föreningslivet i gruppen" in out
    code, out, _ = run(capsys, "network", "groups", EVENT, "--export")
    assert code == 0 and out.startswith("\ufeffGrupp;Arbetsgruppens område;Namn;") and out.count("\r\n") == 7
    code, out, _ = run(capsys, "network", "groups", EVENT, "--send", "--now", after)
    assert (
        code == 0
        and f"The 1 group of {EVENT} is stored to be emailed; the outbox sends it." in out
        and len(app_store.notices(EVENT)) == 1
    )
    code, _, err = run(capsys, "network", "groups", EVENT, "--send", "--now", after)
    assert code == 1 and "emailed already" in err and len(app_store.notices(EVENT)) == 1
    audit = [entry.action for entry in app_store.audit_entries(EVENT)]
    assert {"groups_proposed", "groups_downloaded", "groups_sent"} <= set(audit)
