"""`./signup`: the organiser's and operator's command line.

It does the same work as the service, with the stage's settings from
`.chalice/config.json` and, for real stages, your AWS credentials.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from chalicelib import (
    bootstrap,
    config,
    i18n,
    invitations,
    logs,
    network,
    notices,
    privacy,
    web,
    working_group_steps,
    working_groups,
)
from chalicelib.console import auth, event_admin
from chalicelib.console import events as event_rules
from chalicelib.console.access import ConsoleUser
from chalicelib.console.audit import record
from chalicelib.console.posted import EventFormInvalid
from chalicelib.digest import summarize
from chalicelib.errors import EventCancelled, ValidationFailed
from chalicelib.events import LANGUAGES, Event, EventFileError, parse_event_toml
from chalicelib.forms import email_key, parse_email
from chalicelib.i18n import Nn_
from chalicelib.network_report import network_report as series_report
from chalicelib.network_report import report_text
from chalicelib.registrations import Status
from chalicelib.store import DynamoStore
from devtools.stages import use_stage

# Who the audit log names for what was done with AWS credentials at the command line.
COMMAND_LINE = "command-line"
# The command line speaks English; its counts agree with their nouns as the service's texts do
# (i18n.plural in English needs no catalogue).
COUNTS = {
    "cancelled": Nn_(
        "{count} person signed up gets a cancellation email.", "{count} people signed up get a cancellation email."
    ),
    "registrations": Nn_("{count} registration", "{count} registrations"),
    "deleted": Nn_("{count} item deleted", "{count} items deleted"),
    "freed": Nn_("{count} seat freed", "{count} seats freed"),
    "groups": Nn_(
        "The {count} group of {event} is stored to be emailed; the outbox sends it.",
        "The {count} groups of {event} are stored to be emailed; the outbox sends them.",
    ),
}


class CommandError(Exception):
    """A problem to tell the person at the terminal, then exit 1."""


def _event(store: DynamoStore, args: argparse.Namespace) -> Event:
    event = store.get_event(args.event_id)
    if event is None:
        raise CommandError(f"No event {args.event_id!r} on stage {args.stage}.")
    return event


def _wiring(args: argparse.Namespace) -> bootstrap.Wiring:
    """The service's own parts, with the stage's settings and the clock `main` was given."""
    use_stage(args.stage)
    bootstrap.reset()
    parts = bootstrap.wiring()
    parts.clock = args.clock
    return parts


def _store(args: argparse.Namespace) -> DynamoStore:
    return _wiring(args).store


def event_put(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        event = parse_event_toml(path.read_text(encoding="utf-8"))
    except OSError as error:
        print(f"{path}: cannot read ({error.strerror})", file=sys.stderr)
        return 1
    except EventFileError as error:
        print(f"{path}: not loaded, nothing was written:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    parts = _wiring(args)
    now = _now()
    existing = parts.store.get_event(event.id)
    if existing is None:
        parts.store.put_event(event, now)
        print(f"Saved event {event.id} ({event.text('title', 'sv')}) on stage {args.stage}.")
        return 0
    # The same save as the console's: seats kept, the waiting list moved up, a change of time or
    # place made a later calendar revision and, with --notify, told to everyone signed up.
    notify = event_admin.Notify(args.notify, "", parts.outreach.notice_expiry(event))
    send = functools.partial(parts.signup.send_leased_email, base_url=config.base_url(), now=now)
    try:
        saved = event_admin.save(
            existing,
            event_rules.counted_as(existing, event),
            "en",
            event_admin.Writer(parts.store, now, send),
            error_field="file",
            notify=notify,
        )
    except EventFormInvalid as invalid:
        raise CommandError(f"{path}: not loaded, nothing was written: {' '.join(invalid.errors.values())}") from None
    except EventCancelled:
        raise CommandError(f"{event.id} is cancelled: a cancelled meeting is not changed.") from None
    _cli_audit(parts, existing, "event_imported", ", ".join(saved.changed))
    print(f"Saved event {event.id} ({event.text('title', 'sv')}) on stage {args.stage}.")
    changes = notices.meeting_changes(existing, event)
    if changes and saved.notice:
        print(f"Everyone signed up will be told what changed ({', '.join(c.name for c in changes)}) by the outbox.")
    elif changes:
        print(f"Changed {', '.join(c.name for c in changes)}; nobody was told (add --notify to tell them).")
    return 0


def event_cancel(args: argparse.Namespace) -> int:
    """Call a meeting off: the form closes and everyone signed up gets a cancellation."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    if not args.yes:
        print(
            f"This cancels {event.id} ({event.text('title', 'sv')}) on stage {args.stage}: nobody can sign up, and "
            f"{_counted('cancelled', event.confirmed_count + event.waitlist_count)} "
            "It cannot be undone. Run again with --yes to do it.",
            file=sys.stderr,
        )
        return 1
    try:
        parts.outreach.cancel_event(event, note=args.note or "", author="", now=_now())
    except EventCancelled:
        raise CommandError(f"{event.id} was already cancelled.") from None
    except notices.MessageInvalid as invalid:
        raise CommandError(f"--note: {notices.problem_text(invalid.code, 'en', **invalid.params)}") from None
    _cli_audit(parts, event, "event_cancelled", "")
    print(f"Cancelled {event.id}. The outbox sends the cancellations (./signup jobs run to send them now).")
    return 0


def message(args: argparse.Namespace) -> int:
    """A message from the organisers to those signed up, sent by the outbox."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    try:
        text = Path(args.file).read_text(encoding="utf-8") if args.file != "-" else sys.stdin.read()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{args.file}: cannot read ({error})") from None
    audience = notices.Audience(args.to)
    now = parts.clock()
    try:
        notice = parts.outreach.send_message(event, text, audience, author="", now=now)
    except notices.MessageInvalid as invalid:
        raise CommandError(f"{args.file}: {notices.problem_text(invalid.code, 'en', **invalid.params)}") from None
    count = parts.outreach.recipients_of(event, audience, now)
    _cli_audit(parts, event, "message_sent", audience)
    print(
        f"Message {notice.notice_id} to {audience} ({count}) stored; "
        "the outbox sends it, with a copy to the organisers."
    )
    return 0


def _cli_audit(parts: bootstrap.Wiring, event: Event, action: str, detail: str) -> None:
    """The event's audit log says what was done from the command line, as the console's actions are."""
    record(
        parts.store,
        ConsoleUser(COMMAND_LINE, True, None),
        [event],
        action,
        detail,
        retention=timedelta(days=config.retention_days()),
        now=_now(),
    )


def event_list(args: argparse.Namespace) -> int:
    events = _store(args).list_events()
    now = _now()
    if not events:
        print("No events yet. Load one with: ./signup event put FILE")
    for event in events:
        state = "open" if event.is_open(now) else "closed"
        seats = f"{event.confirmed_count}/{event.capacity}" if event.capacity else str(event.confirmed_count)
        local_start = event.starts_at.astimezone(event.zone)
        print(
            f"{event.id}\t{local_start:%Y-%m-%d %H:%M}\t{state}\tconfirmed {seats}\t"
            f"waitlisted {event.waitlist_count}\t{event.text('title', 'sv')}"
        )
    return 0


def event_show(args: argparse.Namespace) -> int:
    event = _event(_store(args), args)
    details = web.public_event(event, _now())
    details.update(
        confirmed=event.confirmed_count,
        waitlisted=event.waitlist_count,
        waitlist_limit=event.waitlist_limit,
        confirm_address=event.confirm_address,
        **(
            {"confirm_within_hours": event.confirm_within_hours, "held": event.pending_count}
            if event.confirm_address
            else {}
        ),
        organisers=list(event.organisers),
    )
    print(json.dumps(details, ensure_ascii=False, indent=2))
    return 0


def registrations_list(args: argparse.Namespace) -> int:
    store = _store(args)
    _event(store, args)
    rows = list(store.registrations(args.event_id))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "registration_id": r.registration_id,
                        "status": r.status,
                        "created_at": r.created_at.isoformat(),
                        "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                        **r.answers.as_dict(),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for registration in rows:
        answers = registration.answers
        meal = {True: "meal", False: "no meal", None: ""}[answers.meal]
        print(
            f"{registration.created_at:%Y-%m-%d %H:%M}\t{registration.status}\t{answers.name}\t"
            f"{answers.organisation}\t{answers.email}\t{meal}"
        )
    counts = {status: sum(r.status == status for r in rows) for status in Status}
    print(f"{_counted('registrations', len(rows))}: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return 0


def jobs_run(args: argparse.Namespace) -> int:
    """What the schedules do, now (or at --now, to preview what a run at that time would send)."""
    outreach = _wiring(args).outreach
    now = _parse_now(args.now)
    hourly = outreach.run_hourly(base_url=config.base_url(), now=now)
    emails = outreach.run_outbox(base_url=config.base_url(), now=now)
    print(f"Ran the jobs at {now.isoformat()} on stage {args.stage}.")
    for name, counts in (("hourly", hourly), ("email outbox", emails)):
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items())) or "nothing due"
        print(f"  {name}: {summary}")
    return 0


def digest_preview(args: argparse.Namespace) -> int:
    """Render an event's digest without sending anything."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    registrations = list(parts.store.registrations(event.id))
    now = _parse_now(args.now)
    summary = summarize(event, registrations, now=now, since=None)
    message = parts.outreach.job_messages(config.base_url(), now).digest(event, summary, registrations, final=False)
    print(f"To: {message['To']}\nSubject: {message['Subject']}\n")
    print(body_text(message, "plain"))
    if args.html:
        Path(args.html).write_text(body_text(message, "html"), encoding="utf-8")
        print(f"HTML written to {args.html}")
    return 0


def body_text(message: EmailMessage, subtype: str) -> str:
    """The message's text/`subtype` body. The digest is written with both (mail.written): a missing one
    is a fault in that writing, said as such rather than as an AttributeError on None."""
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        raise SystemExit(f"the email {message['Subject']!r} has no text/{subtype} part to show")
    return part.get_content()


def _base_url(args: argparse.Namespace) -> str:
    """Where the printed links point: --base-url, else the stage's; empty (with a message) if neither."""
    base_url = args.base_url or config.base_url()
    if not base_url:
        print("No base URL for this stage: pass --base-url https://… (the API's address).", file=sys.stderr)
    return base_url


def embed(args: argparse.Namespace) -> int:
    """The two ways to put the form on the municipality's page."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    base_url = _base_url(args)
    if not base_url:
        return 1
    iframe, form = parts.pages.embed_snippets(event, args.lang, base_url, args.redirect or "")
    print("<!-- (a) The form in a frame that fits itself to its content -->")
    print(iframe)
    print()
    print("<!-- (b) A plain form: posts with no JavaScript, then shows our thank-you page")
    origins = ", ".join(config.allowed_origins()) or "an allowed origin"
    print(f"     (or your own page with --redirect, on {origins}) -->")
    print(form)
    return 0


def console_link(args: argparse.Namespace) -> int:
    """A one-time sign-in link to the console, printed rather than emailed: how the first
    administrator gets in (or anyone, when email does not reach them)."""
    parts = _wiring(args)
    base_url = _base_url(args)
    if not base_url:
        return 1
    try:
        address = parse_email({"email": args.email})
    except ValidationFailed:
        raise CommandError(f"{args.email!r} is not an email address.") from None
    try:
        token = parts.console.make_link(address, _now())
    except auth.LinkRefused:
        raise CommandError(
            f"{address} may not sign in on stage {args.stage}: add it to {config.ADMINS} in .chalice/config.json "
            "(administrators) or to an event's organisers."
        ) from None
    print(f"{base_url}/console/sign-in/{token}")
    minutes = int(auth.SIGN_IN_VALID.total_seconds() // 60)
    print(f"Signs in {email_key(address)} once, within {minutes} minutes, in the browser that presses its button.")
    return 0


def person_export(args: argparse.Namespace) -> int:
    """Everything stored about one address (a subject access request), as JSON."""
    print(json.dumps(privacy.export_person(args.email, store=_store(args)), ensure_ascii=False, indent=2))
    return 0


def person_erase(args: argparse.Namespace) -> int:
    store = _store(args)
    if not args.yes:
        print(
            f"This erases {args.email} from every event on stage {args.stage}, freeing their seats. "
            "Run again with --yes to do it.",
            file=sys.stderr,
        )
        return 1
    result = privacy.erase_person(args.email, store=store, now=_now())
    deleted, freed = _counted("deleted", result["items_deleted"]), _counted("freed", result["registrations_cancelled"])
    print(f"Erased: {deleted}, {freed}.")
    return 0


def network_report(args: argparse.Namespace) -> int:
    """The series meeting by meeting: new and returning, sectors and their gaps, the nudge list."""
    store = _store(args)
    now = _parse_now(args.now)
    report = series_report(args.series, store=store, now=now)
    if not report.meetings:
        raise CommandError(f"No meetings in the series {args.series!r} on stage {args.stage}.")
    print(report_text(report, args.lang), end="")
    return 0


def network_merge(args: argparse.Namespace) -> int:
    """From now on the second organisation counts as the first (shown by the first name)."""
    store = _store(args)
    if not store.series_events(args.series):
        raise CommandError(f"No meetings in the series {args.series!r} on stage {args.stage}.")
    try:
        alias = network.merge_organisations(args.series, args.keep, args.other, store=store, now=_now())
    except network.AlreadyMerged:
        raise CommandError(f"{args.keep!r} and {args.other!r} are already one organisation.") from None
    except ValueError:
        raise CommandError("Give both organisations' names.") from None
    print(f"{args.other!r} now counts as {alias.name!r} in {args.series}.")
    return 0


def network_invite(args: argparse.Namespace) -> int:
    """Invite the series' members who have not signed up for EVENT (the outbox sends, once each)."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    now = _now()
    try:
        invitees = parts.outreach.invitees(event, now)
        counts = (
            f"{len(invitees.invite)} to invite; left out: {invitees.registered} signed up already, "
            f"{invitees.already_invited} invited already, {invitees.suppressed} cannot be emailed"
        )
        if args.dry_run:
            print(f"Dry run, nothing stored: {counts}.")
            return 0
        _, invitees = parts.outreach.invite(event, author="", now=now)
    except invitations.InvitationRefused as refused:
        raise CommandError(f"{event.id}: {refused.text('en')}") from None
    _cli_audit(parts, event, "invitations_sent", str(len(invitees.invite)))
    print(f"Invitations stored: {counts}. The outbox sends them (./signup jobs run to send them now).")
    return 0


def network_groups(args: argparse.Namespace) -> int:
    """A meeting's working groups: shown (default), proposed after the last day to sign up, exported as
    CSV for Excel, or emailed to each group once (the outbox sends, paced)."""
    parts = _wiring(args)
    event = _event(parts.store, args)
    now = _parse_now(args.now)
    store = parts.store
    current = store.working_groups(event.id)
    try:
        if args.propose:
            current = working_group_steps.propose_groups(
                event,
                store=store,
                now=now,
                expected_version=current.version if current else None,
                retention=timedelta(days=config.retention_days()),
            )
            _cli_audit(parts, event, "groups_proposed", f"{len(current.groups)}")
        if args.send:
            if current is None:
                raise working_groups.NoGroups()
            working_group_steps.send_groups(event, store=store, now=now, expected_version=current.version)
            _cli_audit(parts, event, "groups_sent", "")
            print(_counted("groups", len(current.groups), event=event.id))
            return 0
    except working_groups.TooEarly:
        raise CommandError(
            f"Registration to {event.id} is open until {event.last_day}: propose groups after that."
        ) from None
    except working_groups.NoGroups:
        raise CommandError(f"{event.id} has no groups yet: propose them first (--propose).") from None
    except working_groups.GroupsChanged:
        raise CommandError(
            f"The groups of {event.id} were emailed already (or changed meanwhile): nothing done."
        ) from None
    if current is None:
        raise CommandError(f"{event.id} has no groups yet: propose them after the last day to sign up (--propose).")
    language = event.organiser_language if args.export else args.lang
    rows = working_group_steps.current_rows(event, current, store, language)
    if args.export:
        _cli_audit(parts, event, "groups_downloaded", "")
        sys.stdout.buffer.write(working_group_steps.groups_csv(event, rows))
        sys.stdout.flush()
        return 0
    print(working_group_steps.groups_text(rows, language))
    return 0


def _counted(what: str, count: int, **params: str) -> str:
    return i18n.plural("en", COUNTS[what], count, **params)


def _now() -> datetime:
    """The time by the wiring's clock, the service's one way to read it."""
    return bootstrap.wiring().clock()


def _parse_now(text: str | None) -> datetime:
    if not text:
        return _now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--now: expected an ISO date-time like 2027-05-24T07:00+02:00, got {text!r}") from None
    if moment.tzinfo is None:
        raise SystemExit("--now: give an offset (like +02:00) so the time is unambiguous")
    return moment.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signup", description="Manage Signup events and registrations.")
    stage = argparse.ArgumentParser(add_help=False)
    stage.add_argument("--stage", default="local", help="local (make run), dev or prod (default: local)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    event = commands.add_parser("event", help="load, list and show events")
    event_commands = event.add_subparsers(dest="action", required=True, metavar="ACTION")
    put = event_commands.add_parser("put", parents=[stage], help="create or update an event from a TOML file")
    put.add_argument("file")
    put.add_argument(
        "--notify", action="store_true", help="tell everyone signed up when the time, end, venue or address changes"
    )
    put.set_defaults(handler=event_put)
    cancel = event_commands.add_parser("cancel", parents=[stage], help="cancel the meeting and tell everyone")
    cancel.add_argument("event_id")
    cancel.add_argument("--note", help="a few words from the organisers, in the cancellation")
    cancel.add_argument("--yes", action="store_true", help="really cancel")
    cancel.set_defaults(handler=event_cancel)
    event_commands.add_parser("list", parents=[stage], help="list events").set_defaults(handler=event_list)
    show = event_commands.add_parser("show", parents=[stage], help="show one event")
    show.add_argument("event_id")
    show.set_defaults(handler=event_show)

    registrations = commands.add_parser("registrations", help="see who signed up")
    registration_commands = registrations.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = registration_commands.add_parser("list", parents=[stage], help="list an event's registrations")
    listing.add_argument("event_id")
    listing.add_argument("--json", action="store_true", help="everything, as JSON")
    listing.set_defaults(handler=registrations_list)

    jobs = commands.add_parser("jobs", help="run the scheduled work now")
    job_commands = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = job_commands.add_parser("run", parents=[stage], help="reminders, digests, hand-off and email retries")
    run.add_argument("--now", help="pretend it is this time (ISO with offset): preview what would be sent")
    run.set_defaults(handler=jobs_run)

    digest = commands.add_parser("digest", parents=[stage], help="preview an event's organiser digest")
    digest.add_argument("event_id")
    digest.add_argument("--preview", action="store_true", help="render only, send nothing (the default)")
    digest.add_argument("--html", help="also write the HTML version to this file")
    digest.add_argument("--now", help="as if at this time (ISO with offset)")
    digest.set_defaults(handler=digest_preview)

    snippets = commands.add_parser("embed", parents=[stage], help="HTML to paste into the municipality's page")
    snippets.add_argument("event_id")
    snippets.add_argument("--lang", choices=LANGUAGES, default="sv")
    snippets.add_argument("--redirect", help="your own thank-you page (must be on an allowed origin)")
    snippets.add_argument("--base-url", help="the service's public address (default: the stage's)")
    snippets.set_defaults(handler=embed)

    console = commands.add_parser("console", help="the organiser console")
    console_commands = console.add_subparsers(dest="action", required=True, metavar="ACTION")
    sign_in_link = console_commands.add_parser(
        "link", parents=[stage], help="print a one-time sign-in link for an administrator or organiser"
    )
    sign_in_link.add_argument("email")
    sign_in_link.add_argument("--base-url", help="the service's public address (default: the stage's)")
    sign_in_link.set_defaults(handler=console_link)

    to_them = commands.add_parser("message", parents=[stage], help="send a message to those signed up")
    to_them.add_argument("event_id")
    to_them.add_argument("--to", choices=[a.value for a in notices.Audience], default=notices.Audience.EVERYONE.value)
    to_them.add_argument("--file", required=True, help="the message as plain text (web addresses become links)")
    to_them.set_defaults(handler=message)

    person = commands.add_parser("person", help="a person's data: export or erase (GDPR)")
    person_commands = person.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = person_commands.add_parser("export", parents=[stage], help="everything stored about an address")
    export.add_argument("email")
    export.set_defaults(handler=person_export)
    erase = person_commands.add_parser("erase", parents=[stage], help="remove an address from every event")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="really erase")
    erase.set_defaults(handler=person_erase)

    series = commands.add_parser("network", help="a network's series of meetings: report, organisations, invitations")
    series_commands = series.add_subparsers(required=True)
    report = series_commands.add_parser("report", parents=[stage], help="new and returning, sectors, nudge list")
    report.add_argument("series")
    report.add_argument("--lang", choices=LANGUAGES, default="sv")
    report.add_argument("--now", help="as if at this time (ISO with offset)")
    report.set_defaults(handler=network_report)
    merge = series_commands.add_parser(
        "merge", parents=[stage], help="count organisation OTHER as KEEP from now on (names as people wrote them)"
    )
    merge.add_argument("series")
    merge.add_argument("keep", metavar="KEEP")
    merge.add_argument("other", metavar="OTHER")
    merge.set_defaults(handler=network_merge)
    invite = series_commands.add_parser(
        "invite", parents=[stage], help="invite the series' members who have not signed up for EVENT (once each)"
    )
    invite.add_argument("event_id", metavar="EVENT")
    invite.add_argument("--dry-run", action="store_true", help="only count who would be invited; store nothing")
    invite.set_defaults(handler=network_invite)
    groups = series_commands.add_parser(
        "groups", parents=[stage], help="a meeting's working groups: show, propose, export as CSV or email them"
    )
    groups.add_argument("event_id", metavar="EVENT")
    what = groups.add_mutually_exclusive_group()
    what.add_argument("--propose", action="store_true", help="propose groups (after the last day to sign up)")
    what.add_argument("--export", action="store_true", help="the groups as CSV for Excel, on standard output")
    what.add_argument("--send", action="store_true", help="email each group its members, once (the outbox sends)")
    groups.add_argument("--lang", choices=LANGUAGES, default="sv")
    groups.add_argument("--now", help="as if at this time (ISO with offset)")
    groups.set_defaults(handler=network_groups)
    return parser


def main(argv: list[str] | None = None, *, clock: Callable[[], datetime] = bootstrap.system_clock) -> int:
    """Run one command. `clock` is the service's time for it (a test passes the app's, as it sets the app's)."""
    args = build_parser().parse_args(argv)
    args.clock = clock
    logs.configure(lambda: None, to_stderr=True)
    try:
        return int(args.handler(args))
    except (CommandError, config.ConfigurationError) as problem:
        print(problem, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
