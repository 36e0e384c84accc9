"""Rules of thematic plans (КТП), with no I/O: the topics numbered 1, 2, 3... in order, each with a
title and whole hours; the plan's total read against the hours the curriculum gives the subject in
the year (weekly hours × school weeks: 33 in the first grade, 34 after, by the federal standard).

A total differing from the curriculum is reported, not refused: the school may plan reserve hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from eschool.scheduling.domain.rules import Violation

MAX_TOPICS = 400
MAX_TOPIC_HOURS = 100
TITLE_LENGTH = 500
LABEL_LENGTH = 200


@dataclass(frozen=True)
class Topic:
    """A planned topic: its number in the plan, title, hours, the section (unit) and lesson type."""

    number: int
    title: str
    hours: int
    section: str | None = None
    lesson_type: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The topic as the plan's row keeps it."""
        return asdict(self)


@dataclass(frozen=True)
class HoursCheck:
    """The plan's total against the curriculum's hours of the subject (None: not in the curriculum)."""

    planned_hours: int
    curriculum_hours: int | None

    @property
    def matches(self) -> bool:
        """Whether the plan covers exactly the curriculum's hours."""
        return self.curriculum_hours == self.planned_hours

    @property
    def message(self) -> str:
        """The Russian verdict people read beside the plan."""
        if self.curriculum_hours is None:
            return f"В плане {self.planned_hours} ч; в учебном плане класса нет часов этого предмета"
        if self.matches:
            return f"В плане {self.planned_hours} ч — столько же, сколько в учебном плане"
        return f"В плане {self.planned_hours} ч, а по учебному плану положено {self.curriculum_hours} ч"


def school_weeks(grade: int) -> int:
    """The school weeks of a grade's year."""
    return 33 if grade == 1 else 34


def curriculum_hours(weekly_hours: Decimal | None, grade: int) -> int | None:
    """The year's hours of a subject given ``weekly_hours`` a week (rounded half up; None: none)."""
    if weekly_hours is None:
        return None
    return int((Decimal(weekly_hours) * school_weeks(grade)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def topic_violations(title: str, hours: Any, *, at: str) -> list[Violation]:
    """What one topic breaks; ``at`` prefixes the fields (``topics.3.``)."""
    broken = []
    if not title:
        broken.append(Violation(f"{at}title", "title_required", "Укажите тему урока"))
    elif len(title) > TITLE_LENGTH:
        broken.append(Violation(f"{at}title", "title_too_long", f"Тема длиннее {TITLE_LENGTH} знаков"))
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_TOPIC_HOURS:
        detail = f"Часы — целое число от 1 до {MAX_TOPIC_HOURS}"
        broken.append(Violation(f"{at}hours", "invalid_hours", detail))
    return broken


def sequence_violation(expected: int, number: int | None, *, at: str) -> Violation | None:
    """The broken numbering, if a topic is not numbered ``expected`` (one more than the topic before;
    the first is 1): a gap or a repeat is reported once, at the topic where it happens."""
    if number == expected:
        return None
    typed = "без номера" if number is None else f"под номером {number}"
    detail = f"Темы нумеруются по порядку с 1: здесь ожидается номер {expected}, а тема {typed}"
    return Violation(f"{at}number", "number_out_of_sequence", detail)


def check_topics(topics: Sequence[Topic]) -> list[Violation]:
    """Every rule the plan's topics break (fields ``topics.<index>.<field>``)."""
    if len(topics) > MAX_TOPICS:
        return [Violation("topics", "too_many_topics", f"В плане не больше {MAX_TOPICS} тем")]
    broken, previous = [], 0
    for index, topic in enumerate(topics):
        at = f"topics.{index}."
        if (wrong := sequence_violation(previous + 1, topic.number, at=at)) is not None:
            broken.append(wrong)
        previous = topic.number
        broken.extend(topic_violations(topic.title, topic.hours, at=at))
    return broken


def total_hours(topics: Sequence[Topic]) -> int:
    """The plan's hours."""
    return sum(topic.hours for topic in topics)


def topics_of(rows: Sequence[dict[str, Any]]) -> list[Topic]:
    """The plan's kept topics."""
    return [Topic(**row) for row in rows]
