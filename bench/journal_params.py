"""What bench/journal.py measures with: the region's size, how long each lane runs, and the targets."""

from __future__ import annotations

from dataclasses import dataclass

from journal_data import FULL, SMALL, Size

CONCURRENCY, RAW_POOL = 32, 20
TARGETS = {
    "ratio_to_raw_min": 0.40,
    "mark_p99_ms_max": 100.0,
    "diary_p99_ms_max": 50.0,
    "term_marks_s_max": 5.0,
}


@dataclass(frozen=True)
class Params:
    """The region's size and how long each measurement runs."""

    size: Size
    round_s: float
    rounds: int
    paced_s: float
    probe_requests: int
    term_concurrency: int = 8
    replicas: int = 2
    operations: tuple[str, ...] = ("mark_single", "lesson_save", "diary_week")


FULL_PARAMS = Params(FULL, round_s=5.0, rounds=3, paced_s=15.0, probe_requests=40)
SMALL_PARAMS = Params(SMALL, round_s=1.5, rounds=2, paced_s=3.0, probe_requests=10)
