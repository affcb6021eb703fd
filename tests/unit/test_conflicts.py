"""Retrying transaction conflicts: exactly as often as they happen, never throttling."""

import random
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from botocore.exceptions import ClientError

from chalicelib import conflicts
from chalicelib.conflicts import retry_conflicts
from chalicelib.errors import Contention, ServiceBusy
from chalicelib.forms import parse_answers
from chalicelib.registrations import Registration, SeatRelease, SignUp, Status
from chalicelib.store import DynamoStore
from tests.helpers import answers, at, example_event

if TYPE_CHECKING:
    from botocore.exceptions import _ClientErrorResponseTypeDef  # the response's type in botocore-stubs


def conflicting(times: int):
    """An operation whose first `times` tries meet a conflict; counts every try."""
    calls: list[int] = []

    def operation() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise Contention("TransactionConflict")
        return "written"

    return operation, calls


@pytest.mark.parametrize("k", [0, 1, 4, conflicts.MAX_ATTEMPTS - 1])
def test_conflicts_that_resolve_after_k_tries_are_retried_exactly_k_times(k: int) -> None:
    operation, calls = conflicting(k)
    sleeps: list[float] = []
    assert retry_conflicts(operation, sleep=sleeps.append, rng=random.Random(7)) == "written"
    assert len(calls) == k + 1 and len(sleeps) == k
    assert all(0 <= pause <= conflicts.BACKOFF_CAP_SECONDS for pause in sleeps)


def test_endless_conflicts_give_up_busy_without_a_pointless_last_sleep() -> None:
    operation, calls = conflicting(10_000)
    sleeps: list[float] = []
    with pytest.raises(ServiceBusy):
        retry_conflicts(operation, sleep=sleeps.append, attempts=5)
    assert len(calls) == 5 and len(sleeps) == 4


def test_anything_but_a_conflict_is_not_retried() -> None:
    calls: list[int] = []

    def throttled() -> None:
        calls.append(1)
        raise ServiceBusy()

    with pytest.raises(ServiceBusy):
        retry_conflicts(throttled, sleep=lambda _: pytest.fail("slept"))
    assert calls == [1]


def test_the_backoff_is_full_jitter_growing_to_its_cap():
    highest = lambda low, high: high  # noqa: E731 - the top of each jitter range
    assert [conflicts.full_jitter(attempt, highest) for attempt in (1, 2, 3)] == [0.04, 0.08, 0.16]
    assert conflicts.full_jitter(20, highest) == conflicts.BACKOFF_CAP_SECONDS


class RefusingClient:
    """A DynamoDB client that refuses every transaction with `code` (and, for a cancelled one,
    `reason` on its last item, as DynamoDB lists one reason per item)."""

    def __init__(self, code: str, reason: str | None = None) -> None:
        self.code, self.reason = code, reason

    def transact_write_items(self, TransactItems: list[dict[str, Any]], **_: Any) -> NoReturn:  # noqa: N803 - boto3's name
        response: _ClientErrorResponseTypeDef = {"Error": {"Code": self.code, "Message": "refused"}}
        if self.reason:
            codes = ["None"] * (len(TransactItems) - 1) + [self.reason]
            response["CancellationReasons"] = [{"Code": code} for code in codes]
        raise ClientError(response, "TransactWriteItems")


def a_registration(status: Status = Status.CONFIRMED) -> Registration:
    event = example_event()
    now = at("2027-05-01T12:00:00+02:00")
    return Registration(event.id, "r1", parse_answers(answers(), event), status, now, now)


NOW = at("2027-05-01T12:00:00+02:00")
THROTTLED = [
    ("ThrottlingException", None),
    ("ProvisionedThroughputExceededException", None),
    ("InternalServerError", None),
]
# botocore never retries a cancelled transaction, so an item throttled inside one is ours to retry.
CONFLICTS = [
    ("TransactionConflictException", None),
    ("TransactionCanceledException", "TransactionConflict"),
    ("TransactionCanceledException", "ThrottlingError"),
    ("TransactionCanceledException", "ProvisionedThroughputExceeded"),
]
# Each store write that runs a DynamoDB transaction: both tests hold every one of them to the rule.
TRANSACTION_WRITES = (
    lambda store: store.insert_registration(SignUp(a_registration(), NOW)),
    lambda store: store.cancel(SeatRelease(a_registration(), None, NOW)),
    lambda store: store.confirm_seat(a_registration(Status.CONFIRMED), NOW),
    lambda store: store.count_sender("sender", NOW),
)


@pytest.mark.parametrize(("code", "reason"), THROTTLED)
def test_throttling_is_busy_at_once_not_a_conflict_to_retry(code, reason):
    # botocore has already retried it; the store must not hand it to the conflict retries.
    for write in TRANSACTION_WRITES:
        with pytest.raises(ServiceBusy):
            write(DynamoStore(RefusingClient(code, reason), "signup-test"))


@pytest.mark.parametrize(("code", "reason"), CONFLICTS)
def test_a_transaction_conflict_is_contention_to_retry(code, reason):
    for write in TRANSACTION_WRITES:
        with pytest.raises(Contention):
            write(DynamoStore(RefusingClient(code, reason), "signup-test"))
