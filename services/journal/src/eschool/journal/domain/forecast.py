"""The forecast of a term mark and what it takes to reach the next mark, or to lose the current one.

Seed 001 (Приложение 2, 3.2) and seed 004 (9.3): families should be told the forecast of the pupil's
result for the term. We also tell how many 5s lift the mark and how many 2s would drop it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from eschool.journal.domain.averages import (
    MAX_MARK,
    MIN_MARK,
    RoundingPolicy,
    WeightedMark,
    exact_average,
    round_to_mark,
    term_average,
)


@dataclass(frozen=True)
class Forecast:
    """The mark the term would end with now, and the distance to the next mark and to a fall."""

    mark: int | None
    average: Decimal | None
    enough_marks: bool
    marks_needed: int
    next_mark: int | None
    fives_for_next: int | None
    risk_twos: int | None


def forecast(marks: Sequence[WeightedMark], policy: RoundingPolicy) -> Forecast:
    """The term mark forecast from the marks so far, under the school's rounding ``policy``."""
    now = term_average(marks, policy)
    next_mark = now.mark + 1 if now.mark is not None and now.mark < MAX_MARK else None
    return Forecast(
        mark=now.mark,
        average=now.average,
        enough_marks=now.enough_marks,
        marks_needed=max(policy.min_marks - now.marks_count, 0),
        next_mark=next_mark,
        fives_for_next=None if next_mark is None else marks_to_reach(marks, next_mark, policy=policy),
        risk_twos=marks_to_fall(marks, policy=policy),
    )


def marks_to_reach(
    marks: Sequence[WeightedMark],
    target: int,
    *,
    value: int = 5,
    weight: Decimal = Decimal(1),
    policy: RoundingPolicy,
) -> int | None:
    """The least number of added ``value`` marks after which the mark is at least ``target``."""
    if not MIN_MARK <= target <= MAX_MARK:
        raise ValueError(f"Целевая отметка {target} вне пятибалльной шкалы (1–5)")
    added = WeightedMark(value, weight)
    exact = exact_average(marks)
    if exact is not None and round_to_mark(exact, policy) >= target:
        return 0
    if value < target:
        return None
    # The average reaches the target once it is ≥ t: n·w·(v − t) ≥ t·W − S, and v > t here.
    bound = target - 1 + policy.threshold
    total, weight_sum = _totals(marks)
    guess = math.ceil((bound * weight_sum - total) / (added.weight * (value - bound)))
    return _least(guess, 1, lambda n: _mark_after(marks, added, n, policy) >= target)


def marks_to_fall(
    marks: Sequence[WeightedMark],
    *,
    value: int = 2,
    weight: Decimal = Decimal(1),
    policy: RoundingPolicy,
) -> int | None:
    """The least number of added ``value`` marks after which the mark drops below the current one."""
    added = WeightedMark(value, weight)
    exact = exact_average(marks)
    if exact is None:
        return None
    current = round_to_mark(exact, policy)
    if value >= current:
        return None
    # The mark falls once the average is < t: n·w·(t − v) > S − t·W, and t > v here.
    bound = current - 1 + policy.threshold
    total, weight_sum = _totals(marks)
    guess = math.floor((total - bound * weight_sum) / (added.weight * (bound - value))) + 1
    return _least(guess, 1, lambda n: _mark_after(marks, added, n, policy) < current)


def _totals(marks: Sequence[WeightedMark]) -> tuple[Decimal, Decimal]:
    total = sum((mark.value * mark.weight for mark in marks), Decimal(0))
    return total, sum((mark.weight for mark in marks), Decimal(0))


def _mark_after(marks: Sequence[WeightedMark], added: WeightedMark, n: int, policy: RoundingPolicy) -> int:
    average = exact_average(itertools.chain(marks, itertools.repeat(added, n)))
    return round_to_mark(average, policy) if average is not None else 0


def _least(guess: int, lowest: int, holds: Callable[[int], bool]) -> int:
    # Adding marks of one value moves the average monotonically towards it, so ``holds`` is monotone
    # and the closed form can be nudged by one either way where a quotient's last digit misled it.
    n = max(guess, lowest)
    while not holds(n):
        n += 1
    while n > lowest and holds(n - 1):
        n -= 1
    return n
