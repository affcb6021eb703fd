"""Where the organisers' old attendee links lead now: the organiser console.

The digests used to carry a bearer link to a live attendee page (`/organiser/{token}`). The console
replaced it (one signs in with one's own address; see routes/console.py): every such link, genuine
or not, now opens one page saying where to sign in, and shows nobody's data.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import i18n
from .console import console_message
from .http import query_language

organiser = Blueprint(__name__)


@organiser.route("/organiser/{token}", methods=["GET"])
def organiser_attendee_page(token: str) -> Response:
    """410 Gone, in the link's language, with the way to the console."""
    labels = i18n.labels(query_language(organiser.current_request))
    heading, text = labels["console.organiser_moved_heading"], labels["console.organiser_moved_text"]
    return console_message(heading, text, 410, sign_in_link=True)
