"""The working groups' pure rules: sizes, the sector mix, organisations spread, people without an
area placed where the sectors are thinnest, the same groups whatever the order, and the reasons."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from chalicelib.sectors import Sector
from chalicelib.working_groups import Group, Person, Sizes, explain, group_count, move, propose, reason_text

AREAS = ("barn-och-unga", "arbete-och-sysselsattning", "trygghet-och-tillit", "halsa-och-delaktighet")
NAMES = {
    "barn-och-unga": "Barn och unga",
    "arbete-och-sysselsattning": "Arbete och sysselsättning",
    "trygghet-och-tillit": "Trygghet och tillit",
    "halsa-och-delaktighet": "Hälsa och delaktighet",
}
SECTORS = tuple(Sector)  # every sector, in the order the form offers them


def network_meeting() -> list[Person]:
    """36 people: each area chosen by people of every sector, the municipality sending four (one
    organisation), two associations sending two each, a few with two areas and four with none."""
    people = []
    for n in range(32):
        sector = SECTORS[n % len(SECTORS)]
        organisation = {
            "public": "hudiksvall" if n in (2, 6, 10, 14) else f"region {n}",
            "association": "roda korset" if n in (1, 5) else ("ideell" if n in (9, 13) else f"forening {n}"),
        }.get(sector, f"{sector} {n}")
        interests = (AREAS[(n // 4) % 4],) if n % 5 else (AREAS[(n // 4) % 4], AREAS[(n // 4 + 1) % 4])
        people.append(Person(f"r{n:02d}", organisation, sector, interests))
    people += [Person(f"n{n}", f"utan {n}", sector, ()) for n, sector in enumerate(SECTORS)]
    return people


def members(groups, people):
    by_ref = {p.ref: p for p in people}
    return [[by_ref[ref] for ref in group.members] for group in groups]


def test_the_number_of_groups_keeps_every_group_between_the_smallest_and_largest_size():
    sizes = Sizes(smallest=4, target=6, largest=8)
    assert [group_count(n, sizes) for n in (0, 1, 4, 6, 9, 12, 13, 36, 100)] == [0, 1, 1, 1, 2, 2, 2, 6, 17]
    for n in range(4, 100):
        people = [Person(f"p{i:03d}", f"org {i}", SECTORS[i % len(SECTORS)], (AREAS[i % 4],)) for i in range(n)]
        lengths = [len(group.members) for group in propose(people, AREAS, sizes)]
        assert sum(lengths) == n and min(lengths) >= 4 and max(lengths) <= 8, (n, lengths)
        assert max(lengths) - min(lengths) <= 1, "as even as the number of people allows"
    with pytest.raises(ValueError):
        Sizes(smallest=9, target=6, largest=8)


def test_a_proposal_mixes_sectors_in_every_group():
    people = network_meeting()
    groups = propose(people, AREAS)
    for group in members(groups, people):
        assert len({p.sector for p in group}) >= 3, [p.sector for p in group]
        assert max(Counter(p.sector for p in group).values()) <= 2


def test_people_of_one_organisation_are_spread_across_groups():
    people = network_meeting()
    groups = propose(people, AREAS)
    for group in members(groups, people):
        assert max(Counter(p.organisation for p in group).values()) == 1, [p.organisation for p in group]
    # Six from the municipality, all wanting one area: spread over that area's groups and beyond.
    same = [Person(f"k{n}", "hudiksvall", "public", (AREAS[0],)) for n in range(6)]
    others = [Person(f"o{n:02d}", f"org {n}", SECTORS[n % 3], (AREAS[0],)) for n in range(18)]
    spread = members(propose(same + others, AREAS), same + others)
    assert all(sum(p.organisation == "hudiksvall" for p in group) <= 2 for group in spread)
    # Pairs that the order of sign-up would put side by side end up apart.
    pairs = ["ica", "x1", "ica", "x2", "coop", "x3", "coop", "x4"]
    same_sector = [Person(f"a{n}", org, "company", (AREAS[0],)) for n, org in enumerate(pairs)]
    for group in members(propose(same_sector, AREAS, Sizes(4, 4, 4)), same_sector):
        assert sorted(p.organisation for p in group if p.organisation in ("ica", "coop")) == ["coop", "ica"]
    # Where it is not possible (both chose only an area with one group), the area comes first and the
    # reason says so.
    pair = [Person("a1", "ica", "company", (AREAS[1],)), Person("a2", "ica", "company", (AREAS[1],))]
    rest = [Person(f"b{n}", f"org {n}", SECTORS[1 + n % 3], (AREAS[1],)) for n in range(3)]
    together = propose(pair + rest, AREAS)
    assert len(together) == 1
    assert reason_text(explain(together, pair + rest)["a1"], NAMES, "en").endswith("1 other from the same organisation")


def test_each_person_is_in_a_group_of_an_area_they_chose_when_it_has_one():
    people = network_meeting()
    groups = propose(people, AREAS)
    by_ref = {p.ref: p for p in people}
    placed = [ref for group in groups for ref in group.members]
    assert sorted(placed) == sorted(by_ref), "everyone once"
    for group in groups:
        for ref in group.members:
            if by_ref[ref].interests:
                assert group.area in by_ref[ref].interests, (ref, group.area)


def test_someone_without_an_area_goes_where_their_sector_is_thinnest():
    people = [Person(f"c{n}", f"company {n}", "company", (AREAS[0],)) for n in range(4)]
    people += [Person(f"p{n}", f"public {n}", "public", (AREAS[1],)) for n in range(4)]
    newcomer = Person("x", "nytt ab", "company", ())
    groups = propose([*people, newcomer], AREAS, Sizes(smallest=4, target=4, largest=5))
    home = next(group for group in groups if "x" in group.members)
    assert home.area == AREAS[1], "the group without companies"
    reason = explain(groups, [*people, newcomer])["x"]
    assert reason_text(reason, NAMES, "sv") == (
        "Inget intresse angivet; placerad där sektorerna var tunnast; den enda från näringslivet i gruppen"
    )


def test_the_same_people_give_the_same_groups_whatever_their_order():
    people = network_meeting()
    first = propose(people, AREAS)
    shuffler = random.Random(20261127)
    for _ in range(20):
        shuffled = people[:]
        shuffler.shuffle(shuffled)
        assert propose(shuffled, AREAS) == first
    assert propose(list(reversed(people)), AREAS) == first


def test_each_person_gets_one_line_saying_why_in_their_language():
    people = [
        Person("a", "ica maxi", "company", ("arbete-och-sysselsattning",)),
        Person("b", "hudiksvall", "public", ("arbete-och-sysselsattning",)),
        Person("c", "hudiksvall", "public", ("arbete-och-sysselsattning",)),
        Person("d", "roda korset", "association", ("arbete-och-sysselsattning",)),
    ]
    groups = (Group(1, "arbete-och-sysselsattning", ("a", "b", "c", "d")),)
    reasons = explain(groups, people)
    assert (
        reason_text(reasons["a"], NAMES, "sv")
        == "Intresse: Arbete och sysselsättning; den enda från näringslivet i gruppen"
    )
    assert reason_text(reasons["b"], NAMES, "sv") == (
        "Intresse: Arbete och sysselsättning; en av 2 från offentlig sektor i gruppen; 1 till från samma organisation"
    )
    assert reason_text(reasons["a"], {"arbete-och-sysselsattning": "Work and employment"}, "en") == (
        "Interest: Work and employment; the only one from business in the group"
    )
    every = explain(propose(network_meeting(), AREAS), network_meeting())
    assert len(every) == 36 and all(reason_text(r, NAMES, "en") for r in every.values())


def test_an_area_too_small_for_a_group_says_so_and_its_people_are_placed_for_the_mix():
    people = [Person(f"p{n}", f"org {n}", SECTORS[n % len(SECTORS)], (AREAS[0],)) for n in range(6)]
    people.append(Person("lonely", "ensam", "other", (AREAS[3],)))
    groups = propose(people, AREAS)
    assert [group.area for group in groups] == [AREAS[0]]
    reason = explain(groups, people)["lonely"]
    assert reason.placed == "interest_no_group"
    assert reason_text(reason, NAMES, "sv").startswith("Intresse: Hälsa och delaktighet (för få för en egen grupp)")


def test_an_organiser_moves_someone_and_the_reasons_follow_the_groups_as_they_stand():
    people = network_meeting()
    groups = propose(people, AREAS)
    ref = groups[0].members[0]
    moved = move(groups, {ref: groups[1].number})
    assert ref in moved[1].members and ref not in moved[0].members
    assert sum(len(g.members) for g in moved) == len(people)
    assert explain(moved, people, moved={ref})[ref].placed == "moved"
    assert reason_text(explain(moved, people, moved={ref})[ref], NAMES, "sv").startswith("Flyttad hit av en arrangör")
    with pytest.raises(ValueError, match="unknown_group"):
        move(groups, {ref: 99})
    with pytest.raises(ValueError, match="unknown_person"):
        move(groups, {"nobody": 1})


def test_nobody_with_an_area_gives_groups_without_one_still_mixed():
    people = [Person(f"p{n}", f"org {n % 5}", SECTORS[n % len(SECTORS)], ()) for n in range(12)]
    groups = propose(people, AREAS)
    assert [group.area for group in groups] == ["", ""]
    for group in members(groups, people):
        assert len({p.sector for p in group}) == 4
    assert propose([], AREAS) == ()


# -- the email each group member gets --------------------------------------------------------------


def group_email(reader_shares, language="sv"):
    from chalicelib.forms import parse_answers
    from chalicelib.mail import Links, working_group_email
    from chalicelib.notice_kind import NoticeKind
    from chalicelib.notices import new_notice
    from chalicelib.registrations import Registration, Status
    from tests.helpers import answers, at, example_event, writing_at
    from tests.mailbox import read_back

    now = at("2027-05-17T09:00:00+02:00")
    event = example_event()

    def person(ref, email, name, shares, **extra):
        given = answers(email=email, name=name, share_with_group="yes" if shares else None, **extra)
        return Registration(event.id, ref, parse_answers(given, event), Status.CONFIRMED, now, now)

    reader = person("r1", "lasare@example.se", "Läsare Lund", reader_shares, language=language)
    sharer = person("r2", "delar@example.se", "Delar Dahl", True, organisation="ICA Maxi")
    private = person("r3", "hemlig@example.se", "Hemlig Holm", False)
    group = Group(2, "arbete-och-sysselsattning", ("r1", "r2", "r3"))
    notice = new_notice(event, NoticeKind.WORKING_GROUPS, now=now, groups=(group,))
    message = working_group_email(
        notice,
        event,
        reader,
        group,
        [reader, sharer, private],
        links=Links(manage="https://signup.example/registrations/TOKEN"),
        writing=writing_at(now),
    )
    parsed = read_back(message)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return parsed, text, html


def test_the_group_email_names_only_those_who_agreed_to_share_and_tells_the_reader_about_their_own():
    message, text, html = group_email(reader_shares=False)
    assert message["To"] == "lasare@example.se" and message["Subject"].startswith("Din arbetsgrupp: ")
    for body in (text, html):
        assert "Delar Dahl" in body and "ICA Maxi" in body and "delar@example.se" in body
        assert "Hemlig" not in body and "hemlig@example.se" not in body, "not agreed: not named"
        assert "grupp 2: Arbete och sysselsättning" in body
        assert "1 till i din grupp har inte gått med på att dela sina kontaktuppgifter" in body
        assert "dina uppgifter delades inte med gruppen" in body
    _, shared_text, _ = group_email(reader_shares=True)
    assert "de andra i gruppen ser ditt namn" in shared_text


def test_the_group_email_is_in_the_readers_language():
    message, text, _ = group_email(reader_shares=True, language="en")
    assert message["Subject"].startswith("Your working group: ") and message["Content-Language"] == "en"
    assert "You are in group 2: Work and employment." in text and "Delar Dahl" in text
