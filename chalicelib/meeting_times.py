"""The sentences that say when a meeting is, in its own time zone, in Swedish or English: one
source for the pages, the emails and the error messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import i18n
from .events import Event


@dataclass(frozen=True)
class MeetingTimes:
    date: str  # "måndag 24 maj 2027"
    meeting: str  # "Mötet börjar 18.00"
    meal_from: str  # "Enklare måltid från 17.00", or "" when no meal is served
    meal_chosen: str  # "Måltid från 17.00" (an email to someone who answered yes), or ""
    last_day: str  # "15 maj"
    deadline: str  # "Anmäl dig senast 15 maj"


def meeting_times(event: Event, language: str) -> MeetingTimes:
    tr = i18n.translator(language)
    meal_clock = i18n.clock(event.meal_at.astimezone(event.zone), language) if event.meal_at else ""
    last_day = i18n.day_and_month(event.last_day, language)
    return MeetingTimes(
        date=i18n.long_date(event.starts_at.astimezone(event.zone), language),
        meeting=tr.gettext("The meeting starts at {time}").format(
            time=i18n.clock(event.starts_at.astimezone(event.zone), language)
        ),
        meal_from=tr.gettext("Simple meal from {time}").format(time=meal_clock) if meal_clock else "",
        meal_chosen=tr.gettext("Meal from {time}").format(time=meal_clock) if meal_clock else "",
        last_day=last_day,
        deadline=tr.gettext("Sign up no later than {last_day}").format(last_day=last_day),
    )


def local_date_and_clock(event: Event, moment: datetime | None, language: str) -> str:
    """'måndag 24 maj 2027 kl. 17.00' in the event's own time zone ("" for no moment)."""
    return i18n.date_and_clock(moment.astimezone(event.zone), language) if moment else ""
