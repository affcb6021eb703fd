"""The network report as the console page shows it: rows for its tables and the geometry of its
inline SVG chart (drawn from the same numbers as the table beside it, which is what a screen reader
reads)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import i18n
from ..meeting_times import meeting_times
from ..network_report import NetworkReport, totals_text
from ..sectors import Phrase, Sector, phrase

CHART_HEIGHT = 160  # the tallest bar, in SVG units
BAR_WIDTH = 28
GROUP_GAP = 28


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    value: int
    kind: str  # "new" or "returning"


def network_view(report: NetworkReport, language: str) -> dict[str, Any]:
    """What console/network.html needs, in the page's language."""
    tr = i18n.translator(language)
    meetings = []
    for figures in report.meetings:
        event = figures.event
        meetings.append(
            {
                "id": event.id,
                "title": event.text("title", language),
                "date_text": meeting_times(event, language).date,
                "short_date": i18n.day_and_month(event.starts_at.astimezone(event.zone).date(), language),
                "registered": figures.registered,
                "came": figures.came,
                "people_new": figures.people_new,
                "people_returning": figures.people_returning,
                "organisations_new": figures.organisations_new,
                "organisations_returning": figures.organisations_returning,
                "sectors": [
                    {
                        "count": figures.sector_organisations.get(sector, 0),
                        "gap": "" if figures.sector_organisations.get(sector) else phrase(tr, sector, Phrase.GAP),
                    }
                    for sector in Sector
                ],
                "interests": figures.interests,
            }
        )
    areas = sorted({area for figures in report.meetings for area in figures.interests})
    return {
        "series": report.series,
        "meetings": meetings,
        "sector_names": [phrase(tr, sector, Phrase.NAME) for sector in Sector],
        "areas": [
            {
                "title": report.area_title(area, language),
                "counts": [figures.interests.get(area, 0) for figures in report.meetings],
            }
            for area in areas
        ],
        "next_title": report.next_meeting.text("title", language) if report.next_meeting else "",
        "next_id": report.next_meeting.id if report.next_meeting else "",
        # Both lists are rows of (name, what else is known of them, meetings come to): one table each.
        "nudge": [
            {"name": entry.name, "detail": phrase(tr, entry.sector, Phrase.NAME), "meetings": entry.meetings}
            for entry in report.nudge
        ],
        "members": [
            {"name": member.name, "detail": member.organisation, "meetings": member.meetings}
            for member in report.members
        ],
        "totals_text": totals_text(report, language),
        "chart": people_chart(report),
        "merged": report.merged,
    }


def people_chart(report: NetworkReport) -> dict[str, Any]:
    """Two bars per meeting (new, returning people), scaled to the largest; the labels sit under
    each pair. Empty when there is nothing to draw."""
    largest = max((max(m.people_new, m.people_returning) for m in report.meetings), default=0)
    if largest == 0:
        return {"bars": [], "groups": [], "width": 0, "height": 0}
    bars: list[Bar] = []
    groups = []
    for index, figures in enumerate(report.meetings):
        left = GROUP_GAP + index * (2 * BAR_WIDTH + GROUP_GAP)
        for offset, (kind, value) in enumerate((("new", figures.people_new), ("returning", figures.people_returning))):
            height = round(CHART_HEIGHT * value / largest)
            bars.append(Bar(left + offset * BAR_WIDTH, 20 + CHART_HEIGHT - height, height, value, kind))
        groups.append({"x": left + BAR_WIDTH, "index": index + 1})
    width = GROUP_GAP + len(report.meetings) * (2 * BAR_WIDTH + GROUP_GAP)
    return {"bars": bars, "groups": groups, "width": width, "height": CHART_HEIGHT + 60}
