"""Dated lessons from the weekly timetable: which days of a term hold lessons, and which lessons.

No I/O: the service reads the term, the holidays that apply and the class's timetable entries, and these
rules say which lessons the term should have; comparing with the lessons there says what to add and drop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

DAY = timedelta(days=1)


@dataclass(frozen=True)
class WeekLesson:
    """A timetable entry as generation sees it, with its slot's times from the bell schedule."""

    timetable_entry_id: uuid.UUID
    weekday: int  # 1 Monday .. 7 Sunday
    slot_number: int
    starts_at: time
    ends_at: time
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None
    subgroup_id: uuid.UUID | None
    valid_from: date
    valid_until: date | None

    def holds(self, day: date) -> bool:
        """Whether the entry is in effect on ``day`` and falls on its weekday."""
        in_effect = self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
        return in_effect and day.isoweekday() == self.weekday


@dataclass(frozen=True)
class PlannedLesson:
    """A lesson the timetable puts on a day: its natural key (day, slot, subgroup) and what it is."""

    day: date
    week: WeekLesson

    @property
    def key(self) -> tuple[date, int, uuid.UUID | None]:
        return self.day, self.week.slot_number, self.week.subgroup_id


def school_days(first: date, last: date, days_off: Iterable[tuple[date, date]]) -> Iterator[date]:
    """The days from ``first`` to ``last`` (both included) outside every span of days off."""
    spans = sorted(days_off)
    day = first
    while day <= last:
        if not any(a <= day <= b for a, b in spans):
            yield day
        day += DAY


def planned(days: Iterable[date], week: Sequence[WeekLesson]) -> list[PlannedLesson]:
    """Every lesson the entries put on the days, by day then slot."""
    by_weekday: dict[int, list[WeekLesson]] = {}
    for entry in week:
        by_weekday.setdefault(entry.weekday, []).append(entry)
    found = []
    for day in days:
        for entry in by_weekday.get(day.isoweekday(), ()):
            if entry.holds(day):
                found.append(PlannedLesson(day, entry))
    return sorted(found, key=lambda p: (p.day, p.week.slot_number, str(p.week.subgroup_id)))
