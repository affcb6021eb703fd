"""The Lambda sizing model: time and cost of 1,000 registrations at 256, 512 and 1,024 MB, from the
CPU `make bench` measured in the same run.

Assumptions (each stated in the README beside the table):
- Lambda gives a function CPU in proportion to its memory: one whole vCPU at 1,769 MB, so at M MB
  a CPU-bound stretch takes 1,769 / M times as long (never less than on a whole core);
- a core of this machine does about what a core of Lambda's x86 does (so the measured CPU carries over);
- each registration also waits on AWS: two DynamoDB transactions (about 5 ms each in-region; the
  event is read about twice a minute, not once a registration) and one SES send (about 25 ms),
  35 ms in all, whatever the memory;
- x86 prices in eu-north-1 as published (check before budgeting): $0.0000166667 per GB-second,
  billed by the millisecond, and $0.20 per million requests.
The pick: the smallest size whose warm registration takes at most 1.5× what it would on a whole
core and whose cold start (the same share of CPU for the imports) takes at most 1.5 s; the cost is a
rounding error next to the $0.30 of email per 1,000 registrations either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SIZES_MB = (256, 512, 1024)
ONE_VCPU_MB = 1769
AWS_WAIT_MS = 35.0
PRICE_PER_GB_SECOND = 0.0000166667
PRICE_PER_REQUEST = 0.20 / 1_000_000
SLOWEST_OVER_WHOLE_CORE = 1.5
SLOWEST_COLD_START_S = 1.5
CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"


@dataclass(frozen=True)
class Size:
    memory_mb: int
    registration_ms: float
    cold_start_s: float
    cost_per_1000: float


def stretch(memory_mb: int) -> float:
    return max(1.0, ONE_VCPU_MB / memory_mb)


def model(cpu_ms: float, cold_start_cpu_ms: float, sizes: tuple[int, ...] = SIZES_MB) -> list[Size]:
    rows = []
    for memory in sizes:
        duration_ms = cpu_ms * stretch(memory) + AWS_WAIT_MS
        cost = 1000 * (memory / 1024 * duration_ms / 1000 * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST)
        rows.append(Size(memory, duration_ms, cold_start_cpu_ms * stretch(memory) / 1000, cost))
    return rows


def pick(cpu_ms: float, cold_start_cpu_ms: float, sizes: tuple[int, ...] = SIZES_MB) -> int:
    whole_core_ms = cpu_ms + AWS_WAIT_MS
    for row in model(cpu_ms, cold_start_cpu_ms, sizes):
        if row.registration_ms <= SLOWEST_OVER_WHOLE_CORE * whole_core_ms and row.cold_start_s <= SLOWEST_COLD_START_S:
            return row.memory_mb
    return sizes[-1]


def template_memory_mb() -> int:
    """The memory every function gets from `.chalice/config.json` (the template `make package` writes)."""
    return int(json.loads(CONFIG.read_text(encoding="utf-8"))["lambda_memory_size"])


def report(cpu_ms: float, cold_start_cpu_ms: float) -> list[str]:
    chosen, configured = pick(cpu_ms, cold_start_cpu_ms), template_memory_mb()
    lines = [
        f"  Lambda sizing model (from {cpu_ms:.1f} ms CPU per registration, {cold_start_cpu_ms:.0f} ms for a cold "
        f"start's import and first registration; + {AWS_WAIT_MS:.0f} ms waiting on AWS):"
    ]
    for row in model(cpu_ms, cold_start_cpu_ms):
        lines.append(
            f"    {row.memory_mb:>5} MB   registration {row.registration_ms:5.0f} ms   cold start "
            f"{row.cold_start_s:4.1f} s   Lambda ${row.cost_per_1000:.4f} per 1,000 registrations"
        )
    verdict = "ok" if chosen == configured else "MISSED (change lambda_memory_size)"
    lines.append(f"  model picks {chosen} MB; the template gives {configured} MB   {verdict}")
    return lines
