"""Test data: the Hudiksvall meeting and a valid registration, with overrides."""

from __future__ import annotations

import email
import email.policy
import json
import tomllib
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from chalicelib.events import Event, event_from_mapping

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "examples" / "natverk-social-hallbarhet.toml"


def example_event(**overrides: Any) -> Event:
    """The Hudiksvall network meeting from examples/, with keys replaced as given."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(overrides)
    for key in [key for key, value in overrides.items() if value is None]:
        del data[key]
    return event_from_mapping(data)


def answers(**overrides: Any) -> dict[str, Any]:
    """A valid registration as a JSON client would send it."""
    data: dict[str, Any] = {
        "name": "Åsa Öberg",
        "email": "asa.oberg@example.se",
        "organisation": "Röda Korset Hudiksvall",
        "sector": "association",
        "meal": "yes",
        "diet": "Vegetarisk",
        "diet_consent": "yes",
        "attended_before": "no",
        "interests": ["barn-och-unga"],
        "language": "sv",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def at(text: str) -> datetime:
    """An instant from an ISO string with offset (tests read better in local time)."""
    return datetime.fromisoformat(text).astimezone(UTC)


def open_event(**overrides):
    """The example meeting, moved so that it is open today whatever the date."""
    today = date.today()
    defaults = {
        "starts_at": datetime.combine(today + timedelta(days=60), datetime.min.time()).replace(hour=18),
        "meal_at": datetime.combine(today + timedelta(days=60), datetime.min.time()).replace(hour=17),
        "ends_at": None,
        "deadline": today + timedelta(days=30),
    }
    return example_event(**{**defaults, **overrides})


EVENT = "natverk-social-hallbarhet"
URL = f"/events/{EVENT}/registrations"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_json(client, body, headers=JSON, path=URL):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.http.post(path, headers=headers, body=raw)


def post_form(client, fields, path=URL):
    return client.http.post(path, headers=FORM, body=urlencode(fields, doseq=True))


def sent_mail(moto_endpoint):
    return [message for _, message in sent_with_destinations(moto_endpoint)]


def sent_with_destinations(moto_endpoint):
    """(the addresses SES delivered to, the message parsed back) for every raw email moto's SES took.

    moto lists the explicit Destination and then every address in the To/Cc/Bcc headers,
    so an address a header smuggled in shows up here as well.
    """
    data = json.loads(urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json").read())
    return [
        (raw["destinations"], email.message_from_string(raw["raw_data"], policy=email.policy.default))
        for raw in data["ses"]["RawMessage"]
    ]
