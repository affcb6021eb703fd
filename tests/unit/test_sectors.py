"""Everything said of a sector is written once, in sectors.py, for every sector the form offers."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest

from chalicelib import config, i18n, pages, sectors
from chalicelib.fields import BY_NAME
from chalicelib.sectors import Phrase, Sector, phrase
from tests.helpers import open_event


def test_every_sector_has_every_phrase():
    """A new sector without its gap or its working-group words fails here, not as a KeyError in a report."""
    assert set(sectors.WORDS) == set(itertools.product(Sector, Phrase))


def test_the_form_offers_the_sectors_in_their_order():
    assert BY_NAME["sector"].choices == tuple(Sector)
    html = pages.Pages(config).form_page(open_event(), "sv", datetime.now(UTC))
    offered = re.findall(r'name="sector" value="(\w+)"[^>]*> ([^<]+)</label>', html)
    assert offered == [(sector.value, phrase(i18n.translator("sv"), sector, Phrase.NAME)) for sector in Sector]
    assert offered[0] == ("company", "Företag")


def test_a_stored_answer_is_said_in_the_reader_s_language():
    swedish, english = i18n.translator("sv"), i18n.translator("en")
    assert phrase(swedish, "public", Phrase.GAP) == "ingen offentlig verksamhet än"
    assert phrase(english, "public", Phrase.GAP) == "no public bodies yet"
    assert phrase(swedish, Sector.COMPANY, Phrase.ONE_OF).format(count=3) == "en av 3 från näringslivet i gruppen"


def test_a_value_that_is_no_sector_is_refused():
    with pytest.raises(ValueError):
        phrase(i18n.translator("sv"), "", Phrase.NAME)
