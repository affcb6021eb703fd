"""Working groups: after the last day to sign up, the confirmed people are proposed groups from the
working-group areas they said they are interested in, mixing sectors and organisations.

Pure rules over plain data (no AWS, no clock): the same people give the same groups whatever order
they come in, and every place can be explained in one line ("Intresse: Arbete och sysselsättning;
den enda från näringslivet i gruppen"). The reasons are worked out from the groups as they stand, so
they stay true after an organiser has moved someone.

How a proposal is made:
1. The number of groups: about `target` people each, never more than `largest` and, where the number
   of people allows, never fewer than `smallest`; the people are split as evenly as possible.
2. Each group gets an area, in proportion to how many people chose it (the largest remainder goes to
   the area chosen most; ties by the event's order of areas). Nobody chose any: groups without one.
3. People who chose an area that has a group go first (those with the fewest such groups first), each
   to the group of their areas where they add the least repetition: first of their organisation, then
   of their sector. Then the people whose areas had no room or no group, then those who chose none:
   each to the group with the fewest people of their own sector ("where the sectors are thinnest").
4. Swaps between two people who may each be in the other's group, as long as one lowers the
   repetition of organisations (weighed heavier) and sectors; every swap strictly lowers it, so this ends.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from . import i18n
from .i18n import N_, Nn_
from .network import Organisations
from .registrations import Registration, Status
from .sectors import Phrase, Sector, phrase

# Two from one organisation in a group weigh as much as this many pairs from one sector.
ORGANISATION_WEIGHT = 4
# A bound on the improving swaps' rounds (each round looks at every pair once).
MAX_SWAP_ROUNDS = 20


@dataclass(frozen=True)
class Sizes:
    """How many people a group should have: `target` each, between `smallest` and `largest`."""

    smallest: int = 4
    target: int = 6
    largest: int = 8

    def __post_init__(self) -> None:
        if not 1 <= self.smallest <= self.target <= self.largest:
            raise ValueError("group sizes must satisfy 1 <= smallest <= target <= largest")


@dataclass(frozen=True)
class Person:
    """What the rules know of one confirmed person: their registration id (`ref`), organisation key
    (normalised, aliases resolved), sector and the areas they chose."""

    ref: str
    organisation: str
    sector: str
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """One group: its number (from 1), its area ("" for none) and its members' refs, sorted."""

    number: int
    area: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """Why a person is in their group, as codes a reader's language turns into a line.

    `placed`: "interest" (the group's area is one they chose), "interest_full" (their areas' groups had
    no room), "interest_no_group" (none of their areas has a group), "no_interest" (they chose none),
    "moved" (an organiser moved them). `area`: the area named. `sector_count`: people of their sector in
    the group, them included. `same_organisation`: others from their organisation in the group."""

    placed: str
    area: str
    sector: str
    sector_count: int
    same_organisation: int


def group_count(people: int, sizes: Sizes) -> int:
    """How many groups `people` people make: about `target` each, none above `largest`, and none below
    `smallest` where the number allows it."""
    if people == 0:
        return 0
    fewest = math.ceil(people / sizes.largest)
    most = max(people // sizes.smallest, 1)
    wanted = max(round(people / sizes.target), 1)
    return max(fewest, min(wanted, most))


def _areas_for_groups(count: int, demand: Mapping[str, int], areas: Sequence[str]) -> list[str]:
    """An area for each group, in proportion to demand (largest remainder, ties by the areas' order)."""
    total = sum(demand.get(area, 0) for area in areas)
    if total == 0:
        return [""] * count
    shares = {area: demand.get(area, 0) * count / total for area in areas}
    given = {area: int(share) for area, share in shares.items()}
    order = {area: index for index, area in enumerate(areas)}
    left = count - sum(given.values())
    for area in sorted(areas, key=lambda a: (-(shares[a] - given[a]), -demand.get(a, 0), order[a]))[:left]:
        given[area] += 1
    chosen = [area for area in areas if given[area] > 0]
    # Most wanted first: they get the groups with the larger share of people.
    chosen.sort(key=lambda a: (-demand.get(a, 0), order[a]))
    return [area for area in chosen for _ in range(given[area])]


@dataclass
class _Draft:
    number: int
    area: str
    members: list[Person] = field(default_factory=list)
    sectors: Counter[str] = field(default_factory=Counter)
    organisations: Counter[str] = field(default_factory=Counter)

    def add(self, person: Person) -> None:
        self.members.append(person)
        self.sectors[person.sector] += 1
        self.organisations[person.organisation] += 1

    def remove(self, person: Person) -> None:
        self.members.remove(person)
        self.sectors[person.sector] -= 1
        self.organisations[person.organisation] -= 1


def _repetition(group: _Draft) -> int:
    """How much a group repeats itself: pairs from one organisation (weighed) and from one sector."""
    pairs = sum(n * (n - 1) // 2 for n in group.organisations.values())
    return ORGANISATION_WEIGHT * pairs + sum(n * (n - 1) // 2 for n in group.sectors.values())


def propose(people: Iterable[Person], areas: Sequence[str], sizes: Sizes | None = None) -> tuple[Group, ...]:
    """Groups for these people (see the module's docstring); the same people give the same groups in
    whatever order they are given."""
    sizes = sizes or Sizes()
    everyone = sorted(set(people), key=lambda p: p.ref)
    count = group_count(len(everyone), sizes)
    if count == 0:
        return ()
    known = set(areas)
    demand = Counter(area for person in everyone for area in set(person.interests) if area in known)
    themes = _areas_for_groups(count, demand, areas)
    base, extra = divmod(len(everyone), count)
    drafts = [_Draft(n + 1, area) for n, area in enumerate(themes)]
    themed = {draft.area for draft in drafts if draft.area}

    def has_room(draft: _Draft) -> bool:
        # As even as can be: every group gets `base`, and `extra` of them (whichever fill first) one more.
        if len(draft.members) < base:
            return True
        return len(draft.members) == base and sum(len(d.members) > base for d in drafts) < extra

    def options(person: Person) -> list[_Draft]:
        return [draft for draft in drafts if draft.area in person.interests]

    with_area = [p for p in everyone if themed.intersection(p.interests)]
    with_area.sort(key=lambda p: (len(options(p)), p.ref))
    left: list[Person] = []
    for person in with_area:
        room = [draft for draft in options(person) if has_room(draft)]
        if not room:
            left.append(person)
            continue
        min(room, key=lambda d: _fit(d, person)).add(person)
    without = [p for p in everyone if not themed.intersection(p.interests)]
    for person in left + [p for p in without if p.interests] + [p for p in without if not p.interests]:
        room = [draft for draft in drafts if has_room(draft)]
        min(room, key=lambda d: _thinnest(d, person)).add(person)
    _improve(drafts, themed)
    return tuple(Group(d.number, d.area, tuple(sorted(p.ref for p in d.members))) for d in drafts)


def _fit(draft: _Draft, person: Person) -> tuple[int, int, int, int]:
    """Where a person with an area repeats least: their organisation, then their sector, then the
    group with the fewest people."""
    return (draft.organisations[person.organisation], draft.sectors[person.sector], len(draft.members), draft.number)


def _thinnest(draft: _Draft, person: Person) -> tuple[int, int, int, int]:
    """Where a person's sector is thinnest, then their organisation is absent, then the fewest people."""
    return (draft.sectors[person.sector], draft.organisations[person.organisation], len(draft.members), draft.number)


def _may_join(person: Person, draft: _Draft, themed: set[str]) -> bool:
    """A person stays among the groups of their areas when any of their areas has a group."""
    return draft.area in person.interests or not themed.intersection(person.interests)


def _improve(drafts: list[_Draft], themed: set[str]) -> None:
    for _ in range(MAX_SWAP_ROUNDS):
        swapped = False
        for first_index, first in enumerate(drafts):
            for second in drafts[first_index + 1 :]:
                swapped = _swap_once(first, second, themed) or swapped
        if not swapped:
            return


def _swap_once(first: _Draft, second: _Draft, themed: set[str]) -> bool:
    """The first swap between the two groups (in the members' order) that lowers their repetition."""
    for one in sorted(first.members, key=lambda p: p.ref):
        if not _may_join(one, second, themed):
            continue
        for other in sorted(second.members, key=lambda p: p.ref):
            if not _may_join(other, first, themed):
                continue
            if (one.sector, one.organisation) == (other.sector, other.organisation):
                continue
            before = _repetition(first) + _repetition(second)
            first.remove(one)
            second.remove(other)
            first.add(other)
            second.add(one)
            if _repetition(first) + _repetition(second) < before:
                return True
            first.remove(other)
            second.remove(one)
            first.add(one)
            second.add(other)
    return False


def move(groups: Sequence[Group], placement: Mapping[str, int]) -> tuple[Group, ...]:
    """The groups with people placed as `placement` says (ref → group number); others stay. A number
    that is not a group's, or a ref in no group, is a ValueError."""
    numbers = {group.number for group in groups}
    where = {ref: group.number for group in groups for ref in group.members}
    for ref, number in placement.items():
        if ref not in where:
            raise ValueError("unknown_person")
        if number not in numbers:
            raise ValueError("unknown_group")
        where[ref] = number
    return tuple(
        Group(group.number, group.area, tuple(sorted(ref for ref, n in where.items() if n == group.number)))
        for group in groups
    )


def explain(groups: Sequence[Group], people: Iterable[Person], moved: Iterable[str] = ()) -> dict[str, Reason]:
    """Why each person is where they are, worked out from the groups as they stand."""
    by_ref = {person.ref: person for person in people}
    moved = set(moved)
    themed = {group.area for group in groups if group.area}
    reasons: dict[str, Reason] = {}
    for group in groups:
        members = [by_ref[ref] for ref in group.members if ref in by_ref]
        sectors = Counter(p.sector for p in members)
        organisations = Counter(p.organisation for p in members)
        for person in members:
            if person.ref in moved:
                placed, area = "moved", group.area
            elif group.area and group.area in person.interests:
                placed, area = "interest", group.area
            elif not person.interests:
                placed, area = "no_interest", ""
            elif themed.intersection(person.interests):
                placed = "interest_full"
                area = next(a for a in person.interests if a in themed)
            else:
                placed, area = "interest_no_group", person.interests[0]
            reasons[person.ref] = Reason(
                placed, area, person.sector, sectors[person.sector], organisations[person.organisation] - 1
            )
    return reasons


# -- the reasons in words -------------------------------------------------------------------------

PLACED = {
    "interest": N_("Interest: {area}"),
    "interest_full": N_("Interest: {area} (its groups were full); placed for the mix"),
    "interest_no_group": N_("Interest: {area} (too few for a group of its own); placed for the mix"),
    "no_interest": N_("No interest given; placed where the sectors were thinnest"),
    "moved": N_("Moved here by an organiser"),
}
SAME_ORGANISATION = Nn_("{count} other from the same organisation", "{count} others from the same organisation")


def reason_text(reason: Reason, area_names: Mapping[str, str], language: str) -> str:
    """One line: why the person is in this group, in the reader's language."""
    tr = i18n.translator(language)
    parts = [tr.gettext(PLACED[reason.placed]).format(area=area_names.get(reason.area, reason.area))]
    if reason.sector in tuple(Sector):
        if reason.sector_count <= 1:
            parts.append(phrase(tr, reason.sector, Phrase.ONLY_ONE))
        else:
            parts.append(phrase(tr, reason.sector, Phrase.ONE_OF).format(count=reason.sector_count))
    if reason.same_organisation:
        parts.append(i18n.plural(language, SAME_ORGANISATION, reason.same_organisation))
    return "; ".join(parts)


# -- the groups as kept for an event ---------------------------------------------------------------


@dataclass(frozen=True)
class WorkingGroups:
    """An event's groups as proposed and then changed by its organisers. `version` goes up with every
    save (a save names the version it started from, so two organisers cannot overwrite each other);
    `moved` are the people an organiser placed; `sent_at` is when the groups were told (once)."""

    event_id: str
    groups: tuple[Group, ...]
    version: int
    proposed_at: datetime
    updated_at: datetime
    moved: frozenset[str] = frozenset()
    sent_at: datetime | None = None
    expires_at: datetime | None = None

    def group_of(self, ref: str) -> Group | None:
        return next((group for group in self.groups if ref in group.members), None)


class GroupsChanged(Exception):
    """Someone saved the groups after this page was read (or they were sent already): nothing saved."""


class TooEarly(Exception):
    """Groups are proposed once registration has closed (after the last day to sign up)."""


class NoGroups(Exception):
    """There are no groups to move, export or send yet."""


def people_for_groups(registrations: Iterable[Registration], organisations: Organisations) -> list[Person]:
    """The confirmed people, as the rules see them (the organisation by the network's key, so
    "Hudiksvalls kommun" and "Kommunen i Hudiksvall" are one organisation)."""
    return [
        Person(r.registration_id, organisations.resolve(r.answers.organisation), r.answers.sector, r.answers.interests)
        for r in registrations
        if r.status == Status.CONFIRMED
    ]
