"""Check-in at the door: one conditional write on the registration item per tap."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from ..errors import NotCheckedIn, RegistrationNotFound
from ..registrations import Registration, Status
from .items import is_expired, plain_item, registration_from_item
from .registrations import RegistrationRecords
from .schema import iso_time, registration_key
from .table import condition_failed


class CheckIns(RegistrationRecords):
    def set_checked_in(
        self, registration: Registration, at: datetime | None, *, statuses: tuple[Status, ...]
    ) -> tuple[Registration, bool]:
        """Mark present at `at`, or absent (`at` None), with one conditional UpdateItem: present only
        while absent and in one of `statuses` (a second tap keeps the first time), absent only while
        present. When the condition fails, DynamoDB hands back the item as it is, so no second read
        says why. Returns the registration as it stands and whether this write changed it.

        Written by the key of the registration in hand (never found through the id index, which is
        eventually consistent: a walk-in checked in right after being added would not be there yet);
        the condition on its id refuses a registration replaced or erased since it was read."""
        registration_id = registration.registration_id
        key = registration_key(registration.event_id, registration.answers.email_key)
        params: dict[str, Any] = {
            "TableName": self.table,
            "Key": key,
            "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if at is not None:
            allowed = {f":s{index}": {"S": str(status)} for index, status in enumerate(statuses)}
            params.update(
                UpdateExpression="SET checked_in_at = :at",
                ConditionExpression="registration_id = :id AND attribute_not_exists(checked_in_at) "
                f"AND #status IN ({', '.join(allowed)})",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":id": {"S": registration_id}, ":at": {"S": iso_time(at)}, **allowed},
            )
        else:
            params.update(
                UpdateExpression="REMOVE checked_in_at",
                ConditionExpression="registration_id = :id AND attribute_exists(checked_in_at)",
                ExpressionAttributeValues={":id": {"S": registration_id}},
            )
        try:
            response = self.client.update_item(**params)
        except ClientError as error:
            if not condition_failed(error):
                raise
            old = plain_item(cast(dict[str, Any], error.response.get("Item") or {}))
            if old.get("registration_id") != registration_id or is_expired(old):
                raise RegistrationNotFound() from error  # replaced by a new sign-up, or gone
            registration = registration_from_item(old)
            if at is not None and registration.checked_in_at is None:
                raise NotCheckedIn() from error  # no seat: waiting list or cancelled
            return registration, False
        return registration_from_item(plain_item(response["Attributes"])), True
