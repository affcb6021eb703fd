"""The console's working groups of an event: propose them once the last day to sign up has passed,
move people with a select per person and one save (keyboard and screen reader alike; nothing is
dragged), download them as CSV, and tell each group its members once through the outbox.

Every change is a POST through `console_post` naming the version of the groups the page showed, so
two organisers cannot overwrite each other; each is in the event's audit log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from .. import i18n
from ..bootstrap import wiring
from ..console.access import ConsoleUser
from ..events import Event
from ..meeting_times import local_date_and_clock
from .console import PRIVATE, ConsolePost, ConsoleView, audit, console_get, console_page, console_post, see_other
from .http import query

if TYPE_CHECKING:
    from ..working_groups import WorkingGroups

console_groups = Blueprint(__name__)

# What a change did, said on the page it leads back to (?done=…).
DONE = {
    "proposed": i18n.N_("Working groups are proposed. Move people as you see fit and save."),
    "saved": i18n.N_("The groups are saved."),
    "unchanged": i18n.N_("Nobody was moved: the groups are as they were."),
    "sent": i18n.N_("Each group is being told its members by email."),
}
PROBLEMS = {
    "changed": i18n.N_(
        "Someone else changed the groups (or sent them) while you were looking, so nothing was saved. "
        "Here they are as they are now."
    ),
    "too_early": i18n.N_("Groups can be proposed once registration has closed, after {last_day}."),
    "no_groups": i18n.N_("There are no groups yet: propose them first."),
    "unknown": i18n.N_("A person or group in the form is no longer there. Reload the page and try again."),
    "confirm": i18n.N_("Tick the box to confirm that the groups are to be emailed."),
}


def _groups_path(event: Event) -> str:
    return f"/console/events/{event.id}/groups"


def _page(
    user: ConsoleUser, event: Event, language: str, status: int = 200, *, problem: str = "", done: str = ""
) -> Response:
    from .. import working_group_steps

    parts = wiring()
    now = parts.clock()
    record = parts.store.working_groups(event.id)
    tr = i18n.translator(language)
    rows: list[dict[str, Any]] = []
    if record is not None:
        registrations = list(parts.store.registrations(event.id))
        orgs = working_group_steps.organisations(event, parts.store)
        rows = working_group_steps.group_rows(event, record, registrations, orgs, language)
    return console_page(
        "console/groups.html",
        user,
        status,
        language=language,
        event=event,
        record=record,
        rows=rows,
        may_propose=working_group_steps.may_propose(event, now),
        last_day=i18n.long_date(event.last_day, language),
        shares=sum(member["shares"] for row in rows for member in row["members"]),
        people=sum(len(row["members"]) for row in rows),
        sent_at=local_date_and_clock(event, record.sent_at, language) if record and record.sent_at else "",
        problem=problem,
        done_text=tr.gettext(DONE[done]) if done in DONE else "",
    )


def _problem(code: str, event: Event, language: str) -> str:
    text = i18n.translator(language).gettext(PROBLEMS[code])
    return text.format(last_day=i18n.long_date(event.last_day, language))


@console_get(console_groups, "/console/events/{event_id}/groups")
def groups_page(request: ConsoleView, event_id: str) -> Response:
    """The event's groups, or why there are none yet."""
    done = query(console_groups.current_request).get("done", "")
    return _page(request.user, request.event, request.language, done=done)


def _version(fields: dict[str, Any]) -> int | None:
    """The version of the groups the page showed ("" when it showed none)."""
    text = str(fields.get("version", "")).strip()
    return int(text) if text.isdigit() else None


@console_post(console_groups, "/console/events/{event_id}/groups")
def change_groups(post: ConsolePost, event_id: str) -> Response:
    """`do=propose` (again: the organisers' moves are replaced), `do=save` (each person's select), or
    `do=send` (with the box ticked): each answers with the page it leads to."""
    from .. import working_group_steps
    from ..working_groups import GroupsChanged, NoGroups, TooEarly

    fields, user, event, language = post.fields, post.user, post.event, post.language
    parts = wiring()
    now = parts.clock()
    action = fields.get("do")
    version = _version(fields)
    try:
        if action == "propose":
            record = working_group_steps.propose_groups(
                event,
                store=parts.store,
                now=now,
                expected_version=version,
                retention=timedelta(days=parts.settings.retention_days()),
            )
            audit(event, user, "groups_proposed", _count_text(record, language))
            return see_other(_groups_path(event), language, done="proposed")
        if action == "save":
            if version is None:
                raise GroupsChanged()
            placement = _placement(fields)
            saved, moved = working_group_steps.move_people(
                event, placement, store=parts.store, now=now, expected_version=version
            )
            if not moved:
                return see_other(_groups_path(event), language, done="unchanged")
            audit(event, user, "groups_saved", i18n.plural(language, MOVED, len(moved)))
            return see_other(_groups_path(event), language, done="saved")
        if action == "send":
            if fields.get("confirm") != "yes":
                return _page(user, event, language, 400, problem=_problem("confirm", event, language))
            if version is None:
                raise GroupsChanged()
            working_group_steps.send_groups(
                event, store=parts.store, now=now, expected_version=version, author=user.email_key
            )
            audit(event, user, "groups_sent")
            return see_other(_groups_path(event), language, done="sent")
    except TooEarly:
        return _page(user, event, language, 409, problem=_problem("too_early", event, language))
    except GroupsChanged:
        return _page(user, event, language, 409, problem=_problem("changed", event, language))
    except NoGroups:
        return _page(user, event, language, 409, problem=_problem("no_groups", event, language))
    except ValueError:
        return _page(user, event, language, 400, problem=_problem("unknown", event, language))
    return _page(user, event, language, 400, problem=_problem("unknown", event, language))


MOVED = i18n.Nn_("{count} person moved", "{count} people moved")
GROUPS = i18n.Nn_("{count} group", "{count} groups")


def _count_text(record: WorkingGroups, language: str) -> str:
    return i18n.plural(language, GROUPS, len(record.groups))


def _placement(fields: dict[str, Any]) -> dict[str, int]:
    """Each `group-{ref}` select's group number (a value that is not a number is a ValueError)."""
    placement = {}
    for name, value in fields.items():
        if name.startswith("group-"):
            text = str(value[0] if isinstance(value, list) else value).strip()
            if not text.isdigit():
                raise ValueError("unknown_group")
            placement[name.removeprefix("group-")] = int(text)
    return placement


@console_get(console_groups, "/console/events/{event_id}/groups.csv")
def groups_csv(request: ConsoleView, event_id: str) -> Response:
    """The groups as CSV for Swedish Excel, like the attendee list; the download is logged."""
    from .. import working_group_steps

    user, event, language = request.user, request.event, request.language
    parts = wiring()
    record = parts.store.working_groups(event.id)
    if record is None:
        return _page(user, event, language, 404, problem=_problem("no_groups", event, language))
    registrations = list(parts.store.registrations(event.id))
    orgs = working_group_steps.organisations(event, parts.store)
    rows = working_group_steps.group_rows(event, record, registrations, orgs, event.organiser_language)
    audit(event, user, "groups_downloaded")
    return Response(
        # Text with its BOM: API Gateway passes a str body through as it is, and Excel needs the BOM.
        body=working_group_steps.groups_csv(event, rows).decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{event.id}-groups.csv"',
            **PRIVATE,
        },
    )
