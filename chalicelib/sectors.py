"""The kinds of organisation people sign up from (the form's `sector`), and everything said about each.

A sector is said in four places: the form (and the digest, the console and the groups' CSV after it), the
network report's gaps, and a working group's reason, alone or one of several. All four are written here,
side by side for each sector, so a new sector is one member of `Sector` and its lines in `WORDS`
(tests/unit/test_sectors.py fails on a sector without all of them).
"""

from __future__ import annotations

from enum import Enum, StrEnum, auto
from typing import TYPE_CHECKING

from .i18n import N_

if TYPE_CHECKING:
    from gettext import NullTranslations


class Sector(StrEnum):
    """The form's `sector` choices, in the order it offers them; stored and answered as the value."""

    COMPANY = "company"
    ASSOCIATION = "association"
    PUBLIC = "public"
    OTHER = "other"


class Phrase(Enum):
    """What is said of a sector, and where."""

    NAME = auto()  # the form's choice; the digest, the console and the groups' CSV name the sector so
    GAP = auto()  # the network report: nobody from the sector came (yet)
    ONLY_ONE = auto()  # a working group's reason: the only one from the sector in the group
    ONE_OF = auto()  # ... one of {count} from it: said only of two or more, so without a singular


# In English (the msgids); translated where shown.
WORDS: dict[tuple[Sector, Phrase], str] = {
    (Sector.COMPANY, Phrase.NAME): N_("Company"),
    (Sector.COMPANY, Phrase.GAP): N_("no companies yet"),
    (Sector.COMPANY, Phrase.ONLY_ONE): N_("the only one from business in the group"),
    (Sector.COMPANY, Phrase.ONE_OF): N_("one of {count} from business in the group"),
    (Sector.ASSOCIATION, Phrase.NAME): N_("Association or non-profit"),
    (Sector.ASSOCIATION, Phrase.GAP): N_("no associations yet"),
    (Sector.ASSOCIATION, Phrase.ONLY_ONE): N_("the only one from an association in the group"),
    (Sector.ASSOCIATION, Phrase.ONE_OF): N_("one of {count} from associations in the group"),
    (Sector.PUBLIC, Phrase.NAME): N_("Public sector"),
    (Sector.PUBLIC, Phrase.GAP): N_("no public bodies yet"),
    (Sector.PUBLIC, Phrase.ONLY_ONE): N_("the only one from the public sector in the group"),
    (Sector.PUBLIC, Phrase.ONE_OF): N_("one of {count} from the public sector in the group"),
    (Sector.OTHER, Phrase.NAME): N_("Other"),
    (Sector.OTHER, Phrase.GAP): N_("nobody else yet"),
    (Sector.OTHER, Phrase.ONLY_ONE): N_("the only one from another kind of organisation in the group"),
    (Sector.OTHER, Phrase.ONE_OF): N_("one of {count} from other kinds of organisation in the group"),
}


def phrase(tr: NullTranslations, sector: str, what: Phrase) -> str:
    """What is said of `sector` (a `Sector`, or a stored answer's value), in `tr`'s language.

    Raises ValueError for a value that is no sector."""
    return tr.gettext(WORDS[Sector(sector), what])
