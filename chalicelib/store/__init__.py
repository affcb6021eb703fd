"""DynamoDB repository: the only code that knows keys and expressions.

`schema` describes the table (keys, indexes, time formats), `items` maps items to the domain and
back, `table` holds what every part shares; each other module stores one concern. `PublicStore`
is the concerns a person's own requests use, `DynamoStore` all of them over one table, as the
rules' Protocols expect it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .items import registration_from_item, registration_item
from .public import PublicStore
from .schema import create_table, event_key, registration_key

if TYPE_CHECKING:
    from .full import DynamoStore

__all__ = [
    "DynamoStore",
    "PublicStore",
    "create_table",
    "event_key",
    "registration_from_item",
    "registration_item",
    "registration_key",
]


def __getattr__(name: str) -> Any:
    """`DynamoStore` is imported when first asked for: its modules import the rules of notices,
    working groups, invitations, jobs and the console, which a person's request never needs."""
    if name == "DynamoStore":
        from .full import DynamoStore

        return DynamoStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
