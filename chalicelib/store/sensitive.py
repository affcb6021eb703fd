"""Sensitive answers (diet, access needs, sensitive questions of the organisers' own): found by event,
blanked once the event is over, and the event marked so a quiet hour costs one Query."""

from __future__ import annotations

from datetime import datetime

from ..events import Event
from ..registrations import Registration
from .schema import event_key, iso_time, registration_key
from .table import TableAccess


class SensitiveAnswers(TableAccess):
    def events_with_sensitive_answers(self, start: datetime, end: datetime) -> list[Event]:
        """Events that started in [start, end] whose diets and access needs are not yet forgotten."""
        return self._events_by_start(
            "GSI1SK BETWEEN :start AND :end",
            {
                ":start": {"S": iso_time(start.replace(microsecond=0))},
                ":end": {"S": iso_time(end.replace(microsecond=0))},
            },
            only="attribute_not_exists(sensitive_forgotten_at)",
        )

    def blank_sensitive_answers(self, registration: Registration) -> None:
        """Remove diet, access needs and the answers to sensitive questions of the organisers' own (they
        can reveal health or belief) once the event is over."""
        self.client.update_item(
            TableName=self.table,
            Key=registration_key(registration.event_id, registration.answers.email_key),
            UpdateExpression="SET diet = :empty, access_needs = :empty REMOVE sensitive_answers",
            ConditionExpression="registration_id = :id",
            ExpressionAttributeValues={":empty": {"S": ""}, ":id": {"S": registration.registration_id}},
        )

    def mark_sensitive_forgotten(self, event_id: str, now: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=event_key(event_id),
            UpdateExpression="SET sensitive_forgotten_at = :now",
            ExpressionAttributeValues={":now": {"S": iso_time(now)}},
        )
