"""Bell schedules («Расписание звонков»): numbered lessons with their start and end, one schedule per
shift or kind of day («1 смена», «2 смена», «Сокращённый день»); the default a school starts from.

Lessons are numbered 1..n in order, or 0..n when the school has a «нулевой урок»; a lesson starts
before it ends and not before the previous one has ended (a break may be zero minutes, never negative).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from eschool.scheduling.domain.rules import Violation

SHIFTS = (1, 2)
MAX_SLOTS = 12
LESSON_MIN, DAY_MIN = 45, 24 * 60
# The breaks after the 1st, 2nd... lesson: the two long ones are for the meals in the canteen.
BREAKS_MIN = (10, 20, 20, 10, 10, 10)
DEFAULT_LESSONS = 7
DEFAULT_START = time(8, 0)


@dataclass(frozen=True)
class Slot:
    """A lesson of the schedule: its number, start and end (the school's local time)."""

    number: int
    starts_at: time
    ends_at: time


def hhmm(moment: time) -> str:
    """A time as people read it and the API writes it: ``08:45``."""
    return f"{moment:%H:%M}"


def default_slots(lessons: int = DEFAULT_LESSONS, starts_at: time = DEFAULT_START) -> list[Slot]:
    """``lessons`` lessons of 45 minutes from ``starts_at``, with the usual 10- and 20-minute breaks;
    fewer if the day would end first."""
    slots, start = [], starts_at.hour * 60 + starts_at.minute
    for number in range(1, min(lessons, MAX_SLOTS) + 1):
        end = start + LESSON_MIN
        if end >= DAY_MIN:
            break
        slots.append(Slot(number, _clock(start), _clock(end)))
        start = end + BREAKS_MIN[min(number, len(BREAKS_MIN)) - 1]
    return slots


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def check_slots(shift: int, slots: Sequence[Slot]) -> list[Violation]:
    """What is wrong with a schedule's shift and slots (empty: nothing); fields as in the body."""
    broken = []
    if shift not in SHIFTS:
        broken.append(Violation("shift", "shift_invalid", "Смена — 1 или 2"))
    if not slots:
        broken.append(Violation("slots", "slots_empty", "Добавьте хотя бы один урок"))
    elif len(slots) > MAX_SLOTS:
        broken.append(Violation("slots", "too_many_slots", f"Не больше {MAX_SLOTS} уроков"))
    elif slots[0].number not in (0, 1):
        detail = "Уроки нумеруются с 1 (или с 0, если есть нулевой урок)"
        broken.append(Violation("slots.0.number", "slot_number_invalid", detail))
    for index, slot in enumerate(slots):
        if slot.starts_at >= slot.ends_at:
            detail = f"Урок {slot.number}: конец {hhmm(slot.ends_at)} не позже начала {hhmm(slot.starts_at)}"
            broken.append(Violation(f"slots.{index}.ends_at", "slot_reversed", detail))
    for index, (before, slot) in enumerate(itertools.pairwise(slots), start=1):
        if slot.number != before.number + 1:
            detail = f"После урока {before.number} должен идти урок {before.number + 1}, а не {slot.number}"
            broken.append(Violation(f"slots.{index}.number", "slot_numbers_gap", detail))
        if slot.starts_at < before.ends_at:
            detail = (
                f"Урок {slot.number} начинается в {hhmm(slot.starts_at)}, "
                f"до конца урока {before.number} в {hhmm(before.ends_at)}"
            )
            broken.append(Violation(f"slots.{index}.starts_at", "slots_overlap", detail))
    return broken
