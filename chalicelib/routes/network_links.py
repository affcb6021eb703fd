"""The one-click way out of a network's emails (RFC 8058): the link in each of them. A GET shows a
button (mail scanners follow links); a POST, the button's or a mail program's
`List-Unsubscribe=One-Click`, takes effect at once. The POST takes any body and needs no Origin:
mail programs send it from their own servers."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..bootstrap import wiring
from ..tokens import TokenInvalid
from .http import html, link_problem, private, query_language

network_links = Blueprint(__name__)


@network_links.route("/network/leave/{token}", methods=["GET"])
def show_leave_network(token: str) -> Response:
    return _leave_page(token, leave_now=False)


@network_links.route("/network/leave/{token}", methods=["POST"], content_types=["*/*"])
def leave_network(token: str) -> Response:
    return _leave_page(token, leave_now=True)


def _leave_page(token: str, *, leave_now: bool) -> Response:
    """The button to leave (GET), or the page saying one has left (POST); a bad link's page for either."""
    parts = wiring()
    try:
        leave = parts.signup.leave_network(token) if leave_now else parts.signup.open_leave_link(token)
    except TokenInvalid as problem:
        return private(link_problem(parts.pages, query_language(network_links.current_request), problem))
    return private(html(parts.pages.leave_network_page(leave.language, left=leave_now)))
