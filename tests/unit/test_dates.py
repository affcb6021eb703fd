"""The dates and clock times a person reads, written by hand from CLDR's names (chalicelib/i18n.py), say
exactly what Babel says for the same patterns (Babel is a dev tool here: the catalogue tools use it).
Every day of years around leap days and the years the service runs, every minute of a day, in both
languages, for each kind of value the callers pass: a date, a naive datetime and an aware one."""

import ast
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time

from chalicelib import i18n
from tests.helpers import PROJECT

LANGUAGES = ("sv", "en")
# A leap day of a century that is one (2000), the years around it, and the service's years.
YEARS = (1999, 2000, 2001, *range(2024, 2032))
# The aware datetimes the callers pass are local times (`.astimezone(event.zone)`); the zones cover
# a negative offset and both sides of the date line, so a conversion to UTC would show.
ZONES = (ZoneInfo("Europe/Stockholm"), UTC, ZoneInfo("America/Los_Angeles"), ZoneInfo("Pacific/Kiritimati"))


def every_day():
    day, end = date(YEARS[0], 1, 1), date(YEARS[-1], 12, 31)
    while day <= end:
        if day.year in YEARS:
            yield day
        day += timedelta(days=1)


def as_given(day: date, kind: str, index: int) -> date | datetime:
    """The day as a date, or as a datetime late or early in it (naive, or aware in one of the zones)."""
    if kind == "date":
        return day
    moment = datetime(day.year, day.month, day.day, 23 if index % 2 else 0, 59 if index % 2 else 0)
    return moment if kind == "naive" else moment.replace(tzinfo=ZONES[index % len(ZONES)])


def every_minute(kind: str, zone_index: int = 0):
    day = datetime(2027, 3, 28)  # Sweden's clocks go forward that night: the hours are written as given
    for minute in range(24 * 60):
        moment = day + timedelta(minutes=minute)
        yield moment if kind == "naive" else moment.replace(tzinfo=ZONES[zone_index])


@pytest.mark.parametrize("kind", ["date", "naive", "aware"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_long_date_and_day_and_month_say_what_babel_says_every_day(language, kind):
    days = [as_given(day, kind, index) for index, day in enumerate(every_day())]
    assert len(days) >= 11 * 365  # the loop did run over the years
    ours = [(i18n.long_date(day, language), i18n.day_and_month(day, language)) for day in days]
    babels = [
        (format_date(day, "EEEE d MMMM y", locale=language), format_date(day, "d MMMM", locale=language))
        for day in days
    ]
    assert ours == babels


@pytest.mark.parametrize("zone_index", range(len(ZONES)))
@pytest.mark.parametrize("kind", ["naive", "aware"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_clock_says_what_babel_says_every_minute_of_a_day(language, kind, zone_index):
    pattern = "HH.mm" if language == "sv" else "HH:mm"
    moments = list(every_minute(kind, zone_index))
    ours = [i18n.clock(moment, language) for moment in moments]
    assert ours == [format_time(moment, pattern, locale=language) for moment in moments]
    assert len(set(ours)) == 24 * 60  # every minute of the day, once


def test_the_dates_read_as_the_municipality_writes_them():
    moment = datetime(2027, 5, 24, 9, 5, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert i18n.long_date(moment, "sv") == "måndag 24 maj 2027"
    assert i18n.long_date(date(2027, 5, 24), "en") == "Monday 24 May 2027"
    assert i18n.day_and_month(date(2027, 5, 15), "sv") == "15 maj"
    assert i18n.clock(moment, "sv") == "09.05"
    assert i18n.clock(moment, "en") == "09:05"
    assert i18n.date_and_clock(moment, "sv") == "måndag 24 maj 2027 kl. 09.05"
    assert i18n.date_and_clock(moment, "en") == "Monday 24 May 2027 at 09:05"


def test_the_names_are_data_not_texts_for_the_translators():
    """The weekday and month names are CLDR's, not a translation of the English: the catalogue does not
    carry them (tests/unit/test_catalogue.py would then ask for a Swedish text for each)."""
    catalogue = i18n.catalogue_path("sv", ".po").read_text(encoding="utf-8")
    for name in (*i18n.WEEKDAY_NAMES["en"], *i18n.MONTH_NAMES["en"]):
        assert f'msgid "{name}"' not in catalogue


# A fresh interpreter imports the app and every module of chalicelib, writes the dates and renders the
# pages and emails that carry them (the date functions used to import Babel inside themselves).
NO_BABEL_PROBE = """
import importlib, json, pkgutil, sys
from datetime import date, datetime, timedelta, timezone
import app, chalicelib
for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
    importlib.import_module(module.name)
from chalicelib import config, i18n, pages
from chalicelib.forms import parse_answers
from chalicelib.mail import Links, Writing, registration_email
from chalicelib.registrations import Registration, Status
from tests.helpers import answers, at, example_event
moment = datetime(2027, 5, 24, 17, tzinfo=timezone(timedelta(hours=2)))
written = [f(value, language) for language in ("sv", "en")
           for f, value in ((i18n.long_date, date(2027, 5, 24)), (i18n.day_and_month, date(2027, 5, 15)),
                            (i18n.clock, moment), (i18n.date_and_clock, moment))]
now, event = at("2027-05-01T09:00:00+02:00"), example_event()
registration = Registration(event.id, "r1", parse_answers(answers(), event), Status.CONFIRMED, now, now)
message = registration_email("confirmation", event, registration, links=Links(manage="u"),
                             writing=Writing(sender="S <a@example.org>", templates=pages.templates(), now=now))
rendered = [pages.Pages(config).form_page(event, "sv", now), message.get_body(("plain",)).get_content()]
assert "måndag 24 maj 2027 kl. 17.00" in written and any("24 maj 2027" in text for text in rendered), written
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in ("babel", "chalicelib", "jinja2"))))
"""


def test_no_module_of_the_app_imports_babel_even_when_it_writes_dates():
    result = subprocess.run(
        [sys.executable, "-c", NO_BABEL_PROBE], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"chalicelib.console.pages", "chalicelib.mail", "jinja2"} <= loaded  # the probe did its work
    assert not {name for name in loaded if name.split(".")[0] == "babel"}


def test_no_source_of_the_app_imports_babel():
    """Also an import in a function that the probe above does not call."""
    sources = [PROJECT / "app.py", *sorted((PROJECT / "chalicelib").rglob("*.py"))]
    importers = []
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name.split(".")[0] == "babel" for name in names):
                importers.append(f"{source.relative_to(PROJECT)}:{node.lineno}")
    assert len(sources) > 50  # the walk found the app's modules
    assert not importers
