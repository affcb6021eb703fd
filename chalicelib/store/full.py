"""`DynamoStore`: every concern's records over one table, as the organisers' and the schedule's
rules expect it (a person's own requests need only `PublicStore`, which it extends)."""

from __future__ import annotations

from .check_in import CheckIns
from .console import ConsoleRecords
from .event_changes import EventChanges
from .markers import SendMarkers
from .notices import NoticeRecords
from .people import People
from .public import PublicStore
from .sensitive import SensitiveAnswers
from .working_groups import WorkingGroupRecords


class DynamoStore(
    PublicStore,
    WorkingGroupRecords,
    EventChanges,
    SendMarkers,
    NoticeRecords,
    SensitiveAnswers,
    People,
    CheckIns,
    ConsoleRecords,
):
    """Events, registrations and everything kept beside them, in one DynamoDB table."""
