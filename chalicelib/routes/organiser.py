"""The organisers' live attendee list behind the signed link in each digest (no login; it expires
in days and `./signup organiser revoke` withdraws it)."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..bootstrap import wiring
from ..tokens import TokenExpired, TokenInvalid, TokenWithdrawn
from .http import html, organiser_link_problem, private, query_language

organiser = Blueprint(__name__)


@organiser.route("/organiser/{token}", methods=["GET"])
def organiser_attendee_page(token: str) -> Response:
    parts = wiring()
    language = query_language(organiser.current_request)
    try:
        found = parts.signup.organiser_summary(token, parts.clock())
    except (TokenInvalid, TokenExpired, TokenWithdrawn) as problem:
        return organiser_link_problem(parts.pages, language, problem)
    if found is None:
        return organiser_link_problem(parts.pages, language, TokenInvalid())
    event, summary = found
    return private(html(parts.pages.organiser_page(event, summary)))
