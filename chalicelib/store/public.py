"""The records a person's own requests read and write: the form's event, signing up, the emailed
links (confirm, change, cancel, leave the network) and the email each of them owes.

`PublicStore` is its own class, apart from `DynamoStore` (every concern's records), so that a cold
start serving a person imports none of the rules only the organisers and the schedule use
(notices, working groups, invitations, jobs, the console): their modules are a few milliseconds
each of the first visitor's wait. `service.Signup` is typed against it, so mypy says when a
person's use case starts to need more.
"""

from __future__ import annotations

from .email_history import EmailHistory
from .outbox import Outbox
from .seats import Seats
from .signups import Signups
from .suppression import SuppressionList


class PublicStore(Seats, Signups, Outbox, EmailHistory, SuppressionList):
    """Events, registrations and their emails, in one DynamoDB table."""
