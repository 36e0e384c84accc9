"""Weighted averages of marks and the school's rule for rounding an average to a mark.

Everything is Decimal: boundary cases such as 4.5 must compare exactly. The mark is rounded from the
exact average, never from the two-decimal one people see (4.495 shows as 4.50 but is a 4 at 0.5).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K")

MIN_MARK, MAX_MARK = 1, 5
DISPLAY_PLACES = Decimal("0.01")
MIN_THRESHOLD, MAX_THRESHOLD = Decimal("0.01"), Decimal("0.99")


@dataclass(frozen=True)
class WeightedMark:
    """A five-point mark and the weight of its work type (a test may weigh 2, homework 1)."""

    value: int
    weight: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if isinstance(self.weight, float):
            # A float weight (0.1) is already inexact; the boundary cases would drift.
            raise TypeError("weight must be a Decimal or an int, not a float")
        object.__setattr__(self, "weight", Decimal(self.weight))
        if not MIN_MARK <= self.value <= MAX_MARK:
            raise ValueError(f"Отметка {self.value} вне пятибалльной шкалы (1–5)")
        if not self.weight.is_finite() or self.weight <= 0:
            raise ValueError(f"Вес отметки должен быть больше нуля, а не {self.weight}")


@dataclass(frozen=True)
class RoundingPolicy:
    """A school's rounding rule: the fraction from which an average rounds up, versioned."""

    threshold: Decimal
    # Seed 004, 5.2: a term mark needs «количества оценок в установленном порядке».
    min_marks: int = 3
    # A change of the rule is a new version, so old averages still say which rule made them.
    version: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, Decimal) or not self.threshold.is_finite():
            raise ValueError("Порог округления задаётся десятичным числом, например 0.5")
        if not MIN_THRESHOLD <= self.threshold <= MAX_THRESHOLD:
            raise ValueError(f"Порог округления должен быть от 0.01 до 0.99, а не {self.threshold}")
        if self.min_marks < 1:
            raise ValueError("Минимальное число отметок — не меньше 1")
        if self.version < 1:
            raise ValueError("Версия правила округления — не меньше 1")


DEFAULT_POLICY = RoundingPolicy(threshold=Decimal("0.5"))


@dataclass(frozen=True)
class TermAverage:
    """An average for display (two decimals), the mark it rounds to, and whether it is justified."""

    average: Decimal | None
    mark: int | None
    marks_count: int
    enough_marks: bool
    policy_version: int


def exact_average(marks: Iterable[WeightedMark]) -> Decimal | None:
    """Σ(value·weight) / Σweight, unrounded; None without marks."""
    total = weight = Decimal(0)
    for mark in marks:
        total += mark.value * mark.weight
        weight += mark.weight
    # A non-terminating quotient is cut at 28 digits; with weights of a few decimals an average that
    # misses a threshold misses it by far more than that, so the cut never flips a rounding.
    return total / weight if weight else None


def averages_by_pupil(marks: Iterable[tuple[K, int, Decimal]]) -> dict[K, Decimal]:
    """Each key's weighted average for display, from (key, value, weight) of marks already validated (a
    whole class's in one pass, without an object per mark: the term-end rush computes thousands)."""
    sums: dict[K, list[Decimal]] = {}
    for key, value, weight in marks:
        found = sums.get(key)
        if found is None:
            sums[key] = [value * weight, weight]
        else:
            found[0] += value * weight
            found[1] += weight
    return {key: display(total / weight) for key, (total, weight) in sums.items() if weight}


def display(average: Decimal) -> Decimal:
    """An average as people read it: two decimals, halves up."""
    return average.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP)


def weighted_average(marks: Iterable[WeightedMark]) -> Decimal | None:
    """The weighted average to two decimals for display; None without marks."""
    exact = exact_average(marks)
    return None if exact is None else display(exact)


def round_to_mark(average: Decimal, policy: RoundingPolicy) -> int:
    """The mark an exact average rounds to: up when its fraction reaches the policy's threshold."""
    whole = average.to_integral_value(rounding=ROUND_FLOOR)
    mark = int(whole) + (1 if average - whole >= policy.threshold else 0)
    return min(max(mark, MIN_MARK), MAX_MARK)


def term_average(marks: Iterable[WeightedMark], policy: RoundingPolicy) -> TermAverage:
    """The term's average, the mark it rounds to under ``policy``, and whether there are enough marks."""
    marks = list(marks)
    exact = exact_average(marks)
    return TermAverage(
        average=None if exact is None else display(exact),
        mark=None if exact is None else round_to_mark(exact, policy),
        marks_count=len(marks),
        enough_marks=len(marks) >= policy.min_marks,
        policy_version=policy.version,
    )


def annual_average(term_marks: Sequence[int], policy: RoundingPolicy) -> TermAverage:
    """The annual mark from the numeric term marks: their plain mean, rounded by ``policy``."""
    # Seed 003, 4.6: «Итоговая оценка за 4 четверти высчитывается системой автоматически».
    result = term_average((WeightedMark(mark) for mark in term_marks), policy)
    # How many periods a year has (4 quarters, 3 trimesters, 2 halves) is the caller's to check.
    return dataclasses.replace(result, enough_marks=result.marks_count > 0)
