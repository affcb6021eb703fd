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
from ..console import posted
from ..console.access import ConsoleUser
from ..events import Event
from ..meeting_times import local_date_and_clock
from .console import PRIVATE, ConsolePost, ConsoleView, audit, console_get, console_page, console_post, see_other
from .http import query

if TYPE_CHECKING:
    from ..working_group_steps import GroupChange

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
    rows = working_group_steps.current_rows(event, record, parts.store, language) if record is not None else []
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
    """`do=propose`, `do=save` (each person's select) or `do=send` (with the box ticked), decided by
    working_group_steps.change_groups: each answers with the page it leads to, a refusal with the
    groups as they are and why."""
    from .. import working_group_steps
    from ..working_group_steps import NotConfirmed
    from ..working_groups import GroupsChanged, NoGroups, TooEarly

    fields, user, event, language = post.fields, post.user, post.event, post.language
    parts = wiring()
    # Each refusal's status and the words for it (anything else the form names wrongly is "unknown").
    refusals = {
        TooEarly: (409, "too_early"),
        GroupsChanged: (409, "changed"),
        NoGroups: (409, "no_groups"),
        NotConfirmed: (400, "confirm"),
    }
    try:
        change = working_group_steps.change_groups(
            event,
            fields.get("do"),
            version=_version(fields),
            chosen=_chosen(fields),
            confirmed=posted.ticked(fields.get("confirm")),
            store=parts.store,
            now=parts.clock(),
            retention=timedelta(days=parts.settings.retention_days()),
            author=user.email_key,
        )
    except (TooEarly, GroupsChanged, NoGroups, NotConfirmed, ValueError) as refused:
        status, code = refusals.get(type(refused), (400, "unknown"))
        return _page(user, event, language, status, problem=_problem(code, event, language))
    if change.done in AUDITED:
        audit(event, user, AUDITED[change.done], _audit_detail(change, language))
    return see_other(_groups_path(event), language, done=change.done)


MOVED = i18n.Nn_("{count} person moved", "{count} people moved")
GROUPS = i18n.Nn_("{count} group", "{count} groups")
# The audit log's action for each change that did something ("unchanged" is not logged).
AUDITED = {"proposed": "groups_proposed", "saved": "groups_saved", "sent": "groups_sent"}


def _audit_detail(change: GroupChange, language: str) -> str:
    if change.done == "proposed" and change.record is not None:
        return i18n.plural(language, GROUPS, len(change.record.groups))
    if change.done == "saved":
        return i18n.plural(language, MOVED, len(change.moved))
    return ""


def _chosen(fields: dict[str, Any]) -> dict[str, str]:
    """Each `group-{ref}` select's value as posted (the person's ref → the group number, as text)."""
    return {
        name.removeprefix("group-"): str(value[0] if isinstance(value, list) else value).strip()
        for name, value in fields.items()
        if name.startswith("group-")
    }


@console_get(console_groups, "/console/events/{event_id}/groups.csv")
def groups_csv(request: ConsoleView, event_id: str) -> Response:
    """The groups as CSV for Swedish Excel, like the attendee list; the download is logged."""
    from .. import working_group_steps

    user, event, language = request.user, request.event, request.language
    parts = wiring()
    record = parts.store.working_groups(event.id)
    if record is None:
        return _page(user, event, language, 404, problem=_problem("no_groups", event, language))
    rows = working_group_steps.current_rows(event, record, parts.store, event.organiser_language)
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
