"""Working groups over a store: propose them after the last day to sign up, let an organiser move
people (a save names the version it started from), export them, and tell each group once through
the outbox. The console and `./signup network groups` call these; the rules are in working_groups.py.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from . import i18n, notices
from .digest import safe_cell
from .events import Event
from .network import Member, OrganisationAlias, Organisations
from .notice_kind import NoticeKind
from .notices import Notice
from .registrations import Registration
from .sectors import Phrase, phrase
from .working_groups import (
    GroupsChanged,
    NoGroups,
    Sizes,
    TooEarly,
    WorkingGroups,
    explain,
    move,
    people_for_groups,
    propose,
    reason_text,
)

log = logging.getLogger(__name__)


class GroupStore(Protocol):
    def registrations(self, event_id: str) -> Iterator[Registration]: ...

    def network_records(self, series: str) -> tuple[list[Member], list[OrganisationAlias]]: ...

    def working_groups(self, event_id: str) -> WorkingGroups | None: ...

    def save_working_groups(self, record: WorkingGroups, expected_version: int | None) -> None:
        """GroupsChanged when the stored groups are not at `expected_version` (None: none stored) or were sent."""

    def send_working_groups(self, record: WorkingGroups, notice: Notice, now: datetime) -> None:
        """Mark `record` (at its version, unsent) sent and store `notice`, at once; GroupsChanged otherwise."""


def organisations(event: Event, store: GroupStore) -> Organisations:
    """Organisation names resolved as the network resolves them (its merged aliases too)."""
    if not event.series:
        return Organisations()
    _, aliases = store.network_records(event.series)
    return Organisations(aliases)


def may_propose(event: Event, now: datetime) -> bool:
    """Groups are proposed once registration has closed: after the last day to sign up."""
    return now >= event.deadline_at


def propose_groups(
    event: Event,
    *,
    store: GroupStore,
    now: datetime,
    expected_version: int | None,
    retention: timedelta,
    sizes: Sizes | None = None,
) -> WorkingGroups:
    """Propose groups from the confirmed people's areas (replacing an earlier proposal and its moves,
    if it is the one the organiser saw); TooEarly before the deadline, GroupsChanged if the groups were
    saved by someone else meanwhile or have been sent."""
    if not may_propose(event, now):
        raise TooEarly()
    people = people_for_groups(store.registrations(event.id), organisations(event, store))
    groups = propose(people, [area.id for area in event.interests], sizes)
    record = WorkingGroups(
        event_id=event.id,
        groups=groups,
        version=(expected_version or 0) + 1,
        proposed_at=now,
        updated_at=now,
        expires_at=event.ends_at_or_default + retention,
    )
    store.save_working_groups(record, expected_version)
    log.info("working groups proposed", extra={"event_id": event.id, "count": len(groups)})
    return record


def move_people(
    event: Event, placement: Mapping[str, int], *, store: GroupStore, now: datetime, expected_version: int
) -> tuple[WorkingGroups, list[str]]:
    """Place people in the groups the organiser chose (ref → group number); returns the saved groups and
    who moved. GroupsChanged when the groups are not as the organiser read them; ValueError for a
    person or group that is not there."""
    record = store.working_groups(event.id)
    if record is None:
        raise NoGroups()
    if record.version != expected_version or record.sent_at is not None:
        raise GroupsChanged()
    where = {ref: group.number for group in record.groups for ref in group.members}
    changes = {ref: number for ref, number in placement.items() if where.get(ref) != number}
    if not changes:
        return record, []
    saved = replace(
        record,
        groups=move(record.groups, changes),
        version=record.version + 1,
        updated_at=now,
        moved=record.moved | set(changes),
    )
    store.save_working_groups(saved, expected_version)
    return saved, sorted(changes)


def send_groups(event: Event, *, store: GroupStore, now: datetime, expected_version: int, author: str = "") -> Notice:
    """Tell each group its members, once: a notice the outbox delivers to every confirmed member
    (paced, each person once); NoGroups before a proposal, GroupsChanged when the groups changed
    since the organiser read them or were sent already."""
    record = store.working_groups(event.id)
    if record is None or not record.groups:
        raise NoGroups()
    if record.version != expected_version or record.sent_at is not None:
        raise GroupsChanged()
    notice = notices.new_notice(
        event,
        NoticeKind.WORKING_GROUPS,
        now=now,
        author=author,
        expires_at=record.expires_at,
        groups=record.groups,
    )
    store.send_working_groups(record, notice, now)
    log.info("working groups sent", extra={"event_id": event.id, "count": len(record.groups)})
    return notice


class NotConfirmed(Exception):
    """Sending was asked for without the box that confirms the groups are to be emailed."""


@dataclass(frozen=True)
class GroupChange:
    """What one of the console's changes did: `done` names it ("proposed", "saved", "unchanged" when
    nobody moved, "sent"), with the groups as saved and who moved."""

    done: str
    record: WorkingGroups | None = None
    moved: tuple[str, ...] = ()


def change_groups(
    event: Event,
    do: object,
    *,
    version: int | None,
    chosen: Mapping[str, str],
    confirmed: bool,
    store: GroupStore,
    now: datetime,
    retention: timedelta,
    author: str,
) -> GroupChange:
    """The groups page's one form: `do` is "propose" (again: the organisers' moves are replaced),
    "save" (`chosen`: each person's ref → the group number chosen, as text) or "send" (`confirmed`:
    the box ticked). `version` is the groups' version the page showed (None: it showed none), so a
    save or a send from an older page is GroupsChanged. Otherwise as propose_groups, move_people and
    send_groups raise; NotConfirmed, or ValueError for an unknown `do`, person or group number."""
    if do == "propose":
        record = propose_groups(event, store=store, now=now, expected_version=version, retention=retention)
        return GroupChange("proposed", record)
    if do == "save":
        if version is None:
            raise GroupsChanged()
        if not all(text.isdigit() for text in chosen.values()):
            raise ValueError("unknown_group")
        placement = {ref: int(text) for ref, text in chosen.items()}
        saved, moved = move_people(event, placement, store=store, now=now, expected_version=version)
        return GroupChange("saved" if moved else "unchanged", saved, tuple(moved))
    if do == "send":
        if not confirmed:
            raise NotConfirmed()
        if version is None:
            raise GroupsChanged()
        send_groups(event, store=store, now=now, expected_version=version, author=author)
        return GroupChange("sent")
    raise ValueError("unknown_action")


# -- what the console, the export and the command line show -----------------------------------------


def current_rows(event: Event, record: WorkingGroups, store: GroupStore, language: str) -> list[dict[str, Any]]:
    """The groups' rows (group_rows) from the registrations and the network's names as stored now."""
    return group_rows(event, record, list(store.registrations(event.id)), organisations(event, store), language)


def group_rows(
    event: Event, record: WorkingGroups, registrations: list[Registration], orgs: Organisations, language: str
) -> list[dict[str, Any]]:
    """Each group with its area's name and its members (still confirmed: an erased or cancelled person
    is in no group), each with the one-line reason, in the reader's language."""
    tr = i18n.translator(language)
    by_ref = {r.registration_id: r for r in registrations}
    people = people_for_groups(registrations, orgs)
    reasons = explain(record.groups, people, record.moved)
    areas = {area.id: area.label(language) for area in event.interests}
    rows = []
    for group in record.groups:
        members = [
            {
                "ref": ref,
                "name": by_ref[ref].answers.name,
                "email": by_ref[ref].answers.email,
                "organisation": by_ref[ref].answers.organisation,
                "sector": phrase(tr, by_ref[ref].answers.sector, Phrase.NAME),
                "shares": bool(by_ref[ref].answers.share_with_group),
                "reason": reason_text(reasons[ref], areas, language),
            }
            for ref in group.members
            if ref in reasons
        ]
        rows.append({"number": group.number, "area": areas.get(group.area, group.area), "members": members})
    return rows


def groups_csv(event: Event, rows: list[dict[str, Any]]) -> bytes:
    """The groups as Swedish Excel opens them, like the attendee list: UTF-8 with BOM, semicolons, no
    formulas; one row per person, in the organisers' language."""
    tr = i18n.translator(event.organiser_language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            tr.gettext("Group"),
            tr.gettext("Working group area"),
            tr.gettext("Name"),
            tr.gettext("Email address"),
            tr.pgettext(*i18n.FIELD_LABELS["organisation"]),
            tr.gettext("Type of organisation"),
            tr.pgettext(*i18n.FIELD_LABELS["share_with_group"]),
            tr.gettext("Why in this group"),
        ]
    )
    for row in rows:
        for member in row["members"]:
            writer.writerow(
                [
                    safe_cell(value)
                    for value in (
                        row["number"],
                        row["area"],
                        member["name"],
                        member["email"],
                        member["organisation"],
                        member["sector"],
                        i18n.yes_or_no(tr, member["shares"]),
                        member["reason"],
                    )
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


def groups_text(rows: list[dict[str, Any]], language: str) -> str:
    """The groups as plain lines for the command line: each group, then each member with the reason."""
    tr = i18n.translator(language)
    lines: list[str] = []
    for row in rows:
        heading = tr.gettext("Group {number}").format(number=row["number"])
        lines.append(f"{heading}: {row['area']}" if row["area"] else heading)
        for member in row["members"]:
            lines.append(f"  {member['name']}, {member['organisation']} ({member['sector']}): {member['reason']}")
    return "\n".join(lines)
