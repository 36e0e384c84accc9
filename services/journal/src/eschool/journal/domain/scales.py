"""Grading scales and the mark values a journal accepts on each of them.

A subject is marked on the five-point scale unless the school makes it pass/fail; the first grade gets
no marks at all (seed 004, 3.7: «В 1-х классах оценки ... не ставятся»).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class GradingScale(StrEnum):
    """How a subject is marked: five-point, pass/fail, or not at all."""

    five_point = "five_point"
    pass_fail = "pass_fail"  # noqa: S105 - a scale's name, not a password
    none = "none"


FIRST_GRADE = 1
# The values as journals write them, with the number each one counts as in an average.
FIVE_POINT_VALUES: dict[str, int] = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
PASS_FAIL_VALUES: tuple[str, ...] = ("зач", "незач")
# Teachers type the full words too, with or without «ё»; the journal keeps the short form.
PASS_FAIL_ALIASES: dict[str, str] = {
    "зачёт": "зач",
    "зачет": "зач",
    "незачёт": "незач",
    "незачет": "незач",
}


class InvalidMark(ValueError):  # noqa: N818 - the journal's agreed name; it is a ValueError
    """A mark that does not belong to the scale it is given on; the message is for people."""


@dataclass(frozen=True)
class MarkValue:
    """A mark as written (``"4"``, ``"зач"``) and the number it counts as (None for pass/fail)."""

    text: str
    numeric: int | None


def scale_for_grade(grade: int) -> GradingScale:
    """The default scale of a grade: none in the first grade, five-point elsewhere."""
    return GradingScale.none if grade == FIRST_GRADE else GradingScale.five_point


def scale_of(grade: int, subject_scale: GradingScale | None) -> GradingScale:
    """The scale a subject is marked on in a grade: the school's choice, except in the first grade."""
    if grade == FIRST_GRADE:
        return GradingScale.none
    return subject_scale or GradingScale.five_point


def parse_mark(text: str, scale: GradingScale) -> MarkValue:
    """The mark ``text`` stands for on ``scale``; InvalidMark when it is not one of the scale's values."""
    cleaned = text.strip()
    if scale is GradingScale.five_point:
        return _five_point(cleaned)
    if scale is GradingScale.pass_fail:
        return _pass_fail(cleaned)
    raise InvalidMark("В 1 классе отметки не ставятся")


def _five_point(cleaned: str) -> MarkValue:
    if cleaned not in FIVE_POINT_VALUES:
        raise InvalidMark(f"Отметка «{cleaned}» не из пятибалльной шкалы: допустимы 1, 2, 3, 4, 5")
    return MarkValue(cleaned, FIVE_POINT_VALUES[cleaned])


def _pass_fail(cleaned: str) -> MarkValue:
    lowered = cleaned.lower()
    normal = PASS_FAIL_ALIASES.get(lowered, lowered)
    if normal not in PASS_FAIL_VALUES:
        raise InvalidMark(f"Отметка «{cleaned}» не из шкалы «зачёт/незачёт»: допустимы «зач» и «незач»")
    return MarkValue(normal, None)
