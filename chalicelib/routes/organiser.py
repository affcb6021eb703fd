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
    tr = i18n.translator(query_language(organiser.current_request))
    heading, text = (
        tr.gettext("The attendee list is now in Signup for organisers"),
        tr.gettext(
            "Links to the attendee list have been replaced by signing in. Sign in with your email address to see the "
            "attendees of your meetings."
        ),
    )
    return console_message(heading, text, 410, sign_in_link=True)
