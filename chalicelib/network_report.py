"""The network report: a series, meeting by meeting (who comes back, which sectors are missing,
whom to remind), as the console page, the organisers' digest and the command line show it.

Apart from `network` (members, organisation names, leaving), which a person's sign-up imports:
the report is read by organisers only, so a registration's cold start does not import it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from . import i18n
from .events import Event, in_language
from .i18n import Nn_
from .meeting_times import meeting_times
from .network import NetworkStore, Organisations, member_ref
from .registrations import Registration
from .sectors import Phrase, Sector, phrase


@dataclass(frozen=True)
class MeetingFigures:
    """One meeting of the series, as the network sees it."""

    event: Event
    registered: int
    came: int | None  # None: the meeting has not started, or nobody was checked in at the door
    people_new: int
    people_returning: int
    organisations_new: int
    organisations_returning: int
    sector_people: dict[str, int]
    sector_organisations: dict[str, int]
    interests: dict[str, int]  # area id -> people interested

    @property
    def missing_sectors(self) -> tuple[Sector, ...]:
        """Sectors nobody came from (yet): "no companies yet"."""
        return tuple(sector for sector in Sector if not self.sector_organisations.get(sector))


@dataclass(frozen=True)
class NudgeEntry:
    """An organisation that came before and has not signed up for the next meeting."""

    name: str
    sector: str
    meetings: int
    last_event_id: str


@dataclass(frozen=True)
class NamedMember:
    """A member, named because they asked to be kept informed."""

    name: str
    organisation: str
    sector: str
    meetings: int


@dataclass(frozen=True)
class NetworkReport:
    series: str
    meetings: tuple[MeetingFigures, ...]
    next_meeting: Event | None
    nudge: tuple[NudgeEntry, ...]
    members: tuple[NamedMember, ...]
    people_counted: int  # distinct people across the series' meetings (named or not)
    organisations_counted: int
    interest_titles: dict[str, dict[str, str]] = field(default_factory=dict)
    # Names an organiser merged: (the name as merged, the name it now counts as).
    merged: tuple[tuple[str, str], ...] = ()

    def area_title(self, area: str, language: str) -> str:
        """An interest area's title in `language`, else Swedish; an area whose titles are gone from the
        meetings (removed since) is named by its id, so its count is not shown under no name at all."""
        return in_language(self.interest_titles.get(area) or {}, language) or area


def network_report(series: str, *, store: NetworkStore, now: datetime) -> NetworkReport:
    """The series, meeting by meeting: each meeting's registrations read once (one paged Query),
    the members and aliases once. People without the network's consent are counted, never named."""
    events = sorted(store.series_events(series), key=lambda event: (event.starts_at, event.id))
    members, aliases = store.network_records(series)
    organisations = Organisations(aliases)
    # A member's earlier meetings are known even after those registrations' retention has passed.
    member_meetings = {member.ref: member.events for member in members}
    seen_people: set[str] = set()
    seen_organisations: dict[str, str] = {}  # key -> sector it was last seen with
    organisation_meetings: dict[str, list[str]] = {}
    meetings: list[MeetingFigures] = []
    refs_at: dict[str, set[str]] = {}  # meeting -> its people's member refs
    organisations_at: dict[str, set[str]] = {}
    earlier_ids: set[str] = set()
    for event in events:
        live = [r for r in store.registrations(event.id) if r.is_live]
        # Each registration's canonical address once (it is computed, and its domain made punycode).
        people: dict[str, Registration] = {}
        keys: dict[str, str] = {}
        for registration in live:
            person = registration.answers.email_key
            people[person] = registration
            keys[person] = organisations.key(registration.answers.organisation)
        refs = {person: member_ref(person) for person in people}
        returning_people = {
            person
            for person in people
            if person in seen_people or member_meetings.get(refs[person], frozenset()) & earlier_ids
        }
        organisation_sectors: dict[str, str] = {}
        for person, registration in people.items():
            organisation_sectors.setdefault(keys[person], registration.answers.sector)
        returning_organisations = {key for key in organisation_sectors if key in seen_organisations}
        came = sum(1 for r in live if r.checked_in_at is not None)
        meetings.append(
            MeetingFigures(
                event=event,
                registered=len(live),
                # Nobody checked in: the door list was not used (or the meeting is still ahead).
                came=came or None,
                people_new=len(people) - len(returning_people),
                people_returning=len(returning_people),
                organisations_new=len(organisation_sectors) - len(returning_organisations),
                organisations_returning=len(returning_organisations),
                sector_people=_count(r.answers.sector for r in live),
                sector_organisations=_count(organisation_sectors.values()),
                interests=_count(area for r in live for area in r.answers.interests),
            )
        )
        refs_at[event.id] = set(refs.values())
        organisations_at[event.id] = set(organisation_sectors)
        seen_people |= set(people)
        for key, sector in organisation_sectors.items():
            seen_organisations[key] = sector
            organisation_meetings.setdefault(key, []).append(event.id)
        earlier_ids.add(event.id)

    next_meeting = next((event for event in events if not event.has_started(now)), None)
    nudge: list[NudgeEntry] = []
    if next_meeting is not None:
        coming = organisations_at.get(next_meeting.id, set())
        for key, attended in organisation_meetings.items():
            before = [event_id for event_id in attended if event_id != next_meeting.id]
            if before and key not in coming:
                nudge.append(NudgeEntry(organisations.name(key), seen_organisations[key], len(before), before[-1]))
    nudge.sort(key=lambda entry: (-entry.meetings, entry.name.casefold()))

    series_ids = {event.id for event in events}
    named = sorted(
        (
            NamedMember(
                name=member.name,
                organisation=organisations.name(organisations.resolve(member.organisation)),
                sector=member.sector,
                meetings=len(
                    (member.events & series_ids)
                    | {event_id for event_id, refs in refs_at.items() if member.ref in refs}
                ),
            )
            for member in members
        ),
        key=lambda member: (member.name.casefold(), member.organisation.casefold()),
    )
    titles = {area.id: area.title for event in events for area in event.interests}
    return NetworkReport(
        series=series,
        meetings=tuple(meetings),
        next_meeting=next_meeting,
        nudge=tuple(nudge),
        members=tuple(named),
        people_counted=len(seen_people),
        organisations_counted=len(seen_organisations),
        interest_titles=titles,
        merged=tuple(sorted((alias.alias, alias.name) for alias in aliases)),
    )


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(Counter(values))


# -- the report as text (the command line and the digest's plain part) ----------------------------

MEETINGS = Nn_("{count} meeting", "{count} meetings")


def report_text(report: NetworkReport, language: str) -> str:
    """The report as plain lines, in Swedish or English: each meeting's figures with its sectors'
    gaps said in words, the nudge list, and the members (the only people named)."""
    tr = i18n.translator(language)
    lines = [tr.gettext("The network {series}").format(series=report.series), ""]
    for figures in report.meetings:
        event = figures.event
        lines.append(
            tr.gettext("Meeting {date}: {title}").format(
                date=meeting_times(event, language).date,
                title=event.text("title", language),
            )
        )
        came = str(figures.came) if figures.came is not None else tr.gettext("no check-in")
        lines.append(
            "  "
            + tr.gettext("Registered: {registered}. Came: {came}.").format(registered=figures.registered, came=came)
        )
        lines.append(
            "  "
            + tr.gettext("People: {new}, {returning} returning.").format(
                new=i18n.plural(language, i18n.COUNTED.new, figures.people_new), returning=figures.people_returning
            )
        )
        lines.append(
            "  "
            + tr.gettext("Organisations: {new}, {returning} returning.").format(
                new=i18n.plural(language, i18n.COUNTED.new, figures.organisations_new),
                returning=figures.organisations_returning,
            )
        )
        sectors = ", ".join(
            f"{phrase(tr, sector, Phrase.NAME)} {figures.sector_organisations[sector]}"
            if figures.sector_organisations.get(sector)
            else phrase(tr, sector, Phrase.GAP)
            for sector in Sector
        )
        lines.append("  " + tr.gettext("Organisations by sector: {sectors}.").format(sectors=sectors))
        areas = ", ".join(
            f"{report.area_title(area, language)} {count}"
            for area, count in sorted(figures.interests.items(), key=lambda pair: (-pair[1], pair[0]))
        )
        lines.append(
            "  "
            + (
                tr.gettext("Interest in the working groups (people): {areas}.").format(areas=areas)
                if areas
                else tr.gettext("Nobody has chosen a working group.")
            )
        )
        lines.append("")
    if report.next_meeting is None:
        lines.append(tr.gettext("No coming meeting in the series."))
    else:
        title = report.next_meeting.text("title", language)
        lines.append(tr.gettext("Came before but not signed up for the next meeting ({title}):").format(title=title))
        nudged = [(entry.name, f"{phrase(tr, entry.sector, Phrase.NAME)}, ", entry.meetings) for entry in report.nudge]
        nobody = tr.gettext("Every organisation that came before has signed up for the next meeting.")
        lines += _listed(nudged, nobody, language)
    lines.append("")
    lines.append(tr.gettext("Members who asked to be kept informed ({count}):").format(count=len(report.members)))
    members = [(f"{member.name}, {member.organisation}", "", member.meetings) for member in report.members]
    lines += _listed(members, tr.gettext("Nobody has asked to be kept informed yet."), language)
    lines.append("")
    lines.append(totals_text(report, language))
    lines.append(
        tr.gettext("Whoever did not ask to be kept informed is counted, but never named from one meeting to the next.")
    )
    return "\n".join(lines) + "\n"


def totals_text(report: NetworkReport, language: str) -> str:
    """ "In all 12 people and 1 organisation.": the report's totals, one sentence for the text and the console."""
    return (
        i18n.translator(language)
        .gettext("In all {people} and {organisations}.")
        .format(
            people=i18n.plural(language, i18n.COUNTED.people, report.people_counted),
            organisations=i18n.plural(language, i18n.COUNTED.organisations, report.organisations_counted),
        )
    )


def _listed(rows: list[tuple[str, str, int]], nobody: str, language: str) -> list[str]:
    """One line a row, "  - who (what, N meetings)"; `nobody` said instead of an empty list."""
    if not rows:
        return ["  " + nobody]
    return [f"  - {who} ({what}{i18n.plural(language, MEETINGS, meetings)})" for who, what, meetings in rows]


def digest_section(report: NetworkReport, event_id: str, language: str) -> dict[str, object]:
    """The network in an organiser's digest: each meeting in a line (numbers only), the sectors this
    meeting still lacks, and the organisations to remind. No person is named in an email."""
    tr = i18n.translator(language)
    rows = [
        {
            "label": i18n.day_and_month(figures.event.starts_at.astimezone(figures.event.zone).date(), language),
            "this": figures.event.id == event_id,
            "registered": figures.registered,
            "came": figures.came if figures.came is not None else "–",
            "people_new": figures.people_new,
            "people_returning": figures.people_returning,
            "organisations_new": figures.organisations_new,
            "organisations_returning": figures.organisations_returning,
        }
        for figures in report.meetings
    ]
    this = next((figures for figures in report.meetings if figures.event.id == event_id), None)
    gaps = [phrase(tr, sector, Phrase.GAP) for sector in (this.missing_sectors if this else ())]
    reminding = report.next_meeting is not None and report.next_meeting.id == event_id
    return {
        "series": report.series,
        "rows": rows,
        "gaps": gaps,
        "nudge": [entry.name for entry in report.nudge] if reminding else [],
        "members": len(report.members),
    }
