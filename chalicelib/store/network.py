"""The network: a series' meetings (from the events index, no Scan), its members (people who asked
to be kept informed, kept without a time to live until they leave) and its organisation aliases.

A series has one partition, `SERIES#{series}`: a member is `MEMBER#{ref}` (`ref` is a hash of the
canonical address, so a link to leave names no address) and an alias is `ALIAS#{normalised name}`.
One Query reads them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..events import Event
from ..network import Member, OrganisationAlias, member_ref
from ..registrations import Registration
from .schema import ALIAS_PREFIX, MEMBER_PREFIX, alias_key, from_iso_time, iso_time, member_key, series_partition
from .table import TableAccess, TaggedWrite


class NetworkRecords(TableAccess):
    def series_events(self, series: str) -> list[Event]:
        """The series' meetings by start (the other series' are filtered out of the one Query)."""
        return self._events_by_start(only="series = :series", values={":series": {"S": series}})

    def _membership(self, registration: Registration, series: str, now: datetime) -> list[TaggedWrite]:
        """The member record a sign-up with the network's consent writes in its own transaction: the
        person's latest name, organisation and sector, the meetings they signed up for, no TTL."""
        answers = registration.answers
        return [
            (
                "member",
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": member_key(series, member_ref(answers.email_key)),
                        "UpdateExpression": "SET #type = :type, email = :email, #name = :name, organisation = :org, "
                        "sector = :sector, #language = :language, joined_at = if_not_exists(joined_at, :now), "
                        "updated_at = :now ADD events :event",
                        "ExpressionAttributeNames": {"#type": "type", "#name": "name", "#language": "language"},
                        "ExpressionAttributeValues": {
                            ":type": {"S": "member"},
                            ":email": {"S": answers.email},
                            ":name": {"S": answers.name},
                            ":org": {"S": answers.organisation},
                            ":sector": {"S": answers.sector},
                            ":language": {"S": answers.language},
                            ":now": {"S": iso_time(now)},
                            ":event": {"SS": [registration.event_id]},
                        },
                    }
                },
            )
        ]

    def network_records(self, series: str) -> tuple[list[Member], list[OrganisationAlias]]:
        """The series' members and organisation aliases, in one paged Query."""
        members: list[Member] = []
        aliases: list[OrganisationAlias] = []
        for item in self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": series_partition(series)},
            ConsistentRead=True,
        ):
            if item["SK"].startswith(MEMBER_PREFIX):
                members.append(member_from_item(series, item))
            elif item["SK"].startswith(ALIAS_PREFIX):
                aliases.append(
                    OrganisationAlias(
                        alias=item["SK"][len(ALIAS_PREFIX) :], canonical=item["canonical"], name=item["name"]
                    )
                )
        return members, aliases

    def get_member(self, series: str, ref: str) -> Member | None:
        item = self._get(member_key(series, ref))
        return member_from_item(series, item) if item else None

    def remove_member(self, series: str, ref: str) -> bool:
        """Forget a member at once (they left); True when there was one to forget."""
        response = self.client.delete_item(TableName=self.table, Key=member_key(series, ref), ReturnValues="ALL_OLD")
        return bool(response.get("Attributes"))

    def put_alias(self, series: str, alias: OrganisationAlias, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **alias_key(series, alias.alias),
                "type": {"S": "organisation_alias"},
                "canonical": {"S": alias.canonical},
                "name": {"S": alias.name},
                "created_at": {"S": iso_time(now)},
            },
        )

    def member_items(self, series_names: set[str], email_key: str) -> Iterator[dict[str, Any]]:
        """The address's member record in each of these series (a person's data: export, erasure)."""
        ref = member_ref(email_key)
        for series in sorted(series_names):
            item = self._get(member_key(series, ref))
            if item:
                yield item


def member_from_item(series: str, item: dict[str, Any]) -> Member:
    return Member(
        series=series,
        ref=item["SK"][len(MEMBER_PREFIX) :],
        email=item["email"],
        name=item["name"],
        organisation=item["organisation"],
        sector=item["sector"],
        language=item.get("language", "sv"),
        events=frozenset(item.get("events") or ()),
        joined_at=from_iso_time(item["joined_at"]),
    )
