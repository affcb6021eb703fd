"""DynamoDB repository: the only code that knows keys and expressions.

`schema` describes the table (keys, indexes, time formats), `items` maps items to the domain and
back, `table` holds what every part shares; each other module stores one concern, and
`DynamoStore` is all of them over one table, as the rules' Protocols expect it.
"""

from __future__ import annotations

from .check_in import CheckIns
from .console import ConsoleRecords
from .email_history import EmailHistory
from .event_changes import EventChanges
from .events import EventRecords
from .items import registration_from_item, registration_item
from .limits import Limits
from .markers import SendMarkers
from .network import NetworkRecords
from .notices import NoticeRecords
from .outbox import Outbox
from .people import People
from .registrations import RegistrationRecords
from .schema import create_table, event_key, registration_key
from .seats import Seats
from .sensitive import SensitiveAnswers
from .signups import Signups
from .suppression import SuppressionList
from .working_groups import WorkingGroupRecords

__all__ = [
    "DynamoStore",
    "create_table",
    "event_key",
    "registration_from_item",
    "registration_item",
    "registration_key",
]


class DynamoStore(
    WorkingGroupRecords,
    EventChanges,
    Signups,
    Seats,
    Outbox,
    SendMarkers,
    NoticeRecords,
    SensitiveAnswers,
    People,
    CheckIns,
    SuppressionList,
    EventRecords,
    RegistrationRecords,
    ConsoleRecords,
    EmailHistory,
    Limits,
    NetworkRecords,
):
    """Events, registrations and everything kept beside them, in one DynamoDB table."""
