"""Rules of thematic plans without I/O: the year's hours of a curriculum, the numbering, a topic."""

from __future__ import annotations

from decimal import Decimal

from eschool.scheduling.domain.thematic_plans import HoursCheck, Topic, check_topics, curriculum_hours


def test_curriculum_hours_are_weekly_hours_times_the_grades_weeks() -> None:
    assert curriculum_hours(Decimal(5), 5) == 170
    assert curriculum_hours(Decimal(4), 1) == 132
    assert curriculum_hours(Decimal("0.5"), 7) == 17
    assert curriculum_hours(None, 5) is None


def test_a_gap_in_the_numbering_is_reported_once_where_it_happens() -> None:
    plan = [Topic(1, "А", 1), Topic(2, "Б", 1), Topic(4, "В", 1), Topic(5, "Г", 1)]
    assert [(v.field, v.code) for v in check_topics(plan)] == [("topics.2.number", "number_out_of_sequence")]


def test_a_plan_without_curriculum_hours_says_so() -> None:
    check = HoursCheck(10, None)
    assert not check.matches
    assert check.message == "В плане 10 ч; в учебном плане класса нет часов этого предмета"
