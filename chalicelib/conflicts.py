"""Retrying transaction conflicts, and nothing else.

A conflict (someone else wrote the same items at the same moment, or what we read changed before
our conditional write) means nothing was written, and a fresh read may well succeed: the rules
retry it, with full jitter so that racing writers spread apart. Throttling and AWS's own errors
are not retried here: botocore's standard mode already retried them, and retrying its retries
would multiply the attempts inside API Gateway's 29 s. The store answers those with ServiceBusy.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TypeVar

from .errors import Contention, ServiceBusy

log = logging.getLogger(__name__)

T = TypeVar("T")

# Ten retries: the race tests (fifty people for the last seats) settle well within them, and the
# backoff adds up to at most about 6 s before a person hears "busy".
MAX_ATTEMPTS = 11
BACKOFF_BASE_SECONDS = 0.02
BACKOFF_CAP_SECONDS = 1.0


def retry_conflicts(
    operation: Callable[[], T],
    *,
    sleep: Callable[[float], None],
    attempts: int = MAX_ATTEMPTS,
    rng: random.Random | None = None,
) -> T:
    """Run `operation` (read, decide, write) until it does not raise Contention, at most
    `attempts` times, sleeping a full-jitter backoff between tries; then ServiceBusy (503 busy).
    Every other exception passes straight through."""
    uniform = rng.uniform if rng is not None else random.uniform
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except Contention:
            if attempt == attempts:
                break
            sleep(full_jitter(attempt, uniform))
    log.warning("gave up after transaction conflicts", extra={"count": attempts})
    raise ServiceBusy()


def full_jitter(attempt: int, uniform: Callable[[float, float], float] = random.uniform) -> float:
    """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter")."""
    return uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))
