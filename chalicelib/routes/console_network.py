"""The console's network page: a series' meetings side by side (who comes back, which sectors are
missing, whom to remind), for administrators and whoever organises one of its meetings; anyone
else gets the same not-found page as for a series that does not exist."""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import i18n
from ..bootstrap import wiring
from ..console.access import ConsoleUser
from ..errors import EventNotFound
from ..events import Event
from ..fields import SINGLE_LINE_MAX
from .console import ConsolePost, ConsoleView, audit, console_get, console_page, console_post, see_other, visible_event
from .http import query

console_network = Blueprint(__name__)


@console_get(console_network, "/console/network/{series}")
def network_page(request: ConsoleView, series: str) -> Response:
    from ..console.network_view import network_view
    from ..network_report import network_report

    user, language = request.user, request.language
    _visible_series(user, series)
    parts = wiring()
    report = network_report(series, store=parts.store, now=parts.clock())
    merged = query(console_network.current_request).get("merged")
    notice = i18n.translator(language).gettext("Merged.") if merged else ""
    return console_page(
        "console/network.html", user, view=network_view(report, language), notice=notice, name_max=SINGLE_LINE_MAX
    )


@console_post(console_network, "/console/network/{series}/merge")
def merge_organisations(post: ConsolePost, series: str) -> Response:
    """Count one organisation's name as another's from now on (both as people wrote them)."""
    from .. import network
    from ..console.network_view import network_view
    from ..network_report import network_report

    fields, user, language = post.fields, post.user, post.language
    events = _visible_series(user, series)
    parts = wiring()
    keep, other = str(fields.get("keep") or "").strip(), str(fields.get("other") or "").strip()
    tr = i18n.translator(language)
    try:
        network.merge_organisations(series, keep, other, store=parts.store, now=parts.clock())
    except network.AlreadyMerged:
        problem = tr.gettext("These two names are already one organisation.")
    except ValueError:
        problem = tr.gettext("Write both organisations' names (at most {limit} characters each).")
        problem = problem.format(limit=SINGLE_LINE_MAX)
    else:
        for event in events:
            audit(event, user, "merged_organisations", f"{other} → {keep}")
        return see_other(f"/console/network/{series}", language, merged="1")
    report = network_report(series, store=parts.store, now=parts.clock())
    view = network_view(report, language)
    return console_page(
        "console/network.html",
        user,
        422,
        view=view,
        merge_error=problem,
        keep=keep,
        other=other,
        name_max=SINGLE_LINE_MAX,
    )


def _visible_series(user: ConsoleUser, series: str) -> list[Event]:
    """The series' meetings this person may see; none: the console's own 404, as for a series that does
    not exist (nobody sees an event without an id)."""
    try:
        return wiring().console.series_for(user, series)
    except EventNotFound:
        visible_event(user, "")  # the console's not-found page, as for an event one may not see
        raise
