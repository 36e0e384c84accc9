"""The timetable's clash rules (seed 003, 3.6): a teacher, a room and a class hold one lesson at a time.

Two lessons meet when their dates overlap, they fall on the same weekday and their bell slots overlap in
time: classes of different shifts follow different bell schedules, so slot numbers alone do not say. A
class may hold two lessons at once only in two subgroups of the same division (English in two groups);
a subgroup and its whole class at once, or two divisions at once, is a clash.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from eschool.scheduling.domain.rules import ru

ClashKind = Literal["teacher", "room", "class"]
# «в понедельник», «в среду»: the weekday as the error names it.
ON_WEEKDAY = {1: "понедельник", 2: "вторник", 3: "среду", 4: "четверг", 5: "пятницу", 6: "субботу"}
_FIELDS: dict[ClashKind, str] = {"teacher": "teacher_person_id", "room": "room_id", "class": "slot_number"}
_WHO: dict[ClashKind, str] = {
    "teacher": "Учитель уже ведёт урок",
    "room": "Кабинет уже занят",
    "class": "Класс уже занят",
}


@dataclass(frozen=True)
class Booking:
    """A lesson of a weekly template as the clash rules see it; ``label`` names it for people
    («5 А, Математика (1 группа)»)."""

    class_id: uuid.UUID
    weekday: int
    slot_number: int
    starts_at: time
    ends_at: time
    valid_from: date
    valid_until: date | None
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None = None
    subgroup_id: uuid.UUID | None = None
    division: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Clash:
    """The new lesson number ``index`` meets ``other`` with the same teacher, room or class."""

    index: int
    kind: ClashKind
    other: Booking

    @property
    def field(self) -> str:
        """The body field the clash is about: ``entries.3.teacher_person_id``."""
        return f"entries.{self.index}.{_FIELDS[self.kind]}"

    @property
    def code(self) -> str:
        """``teacher_busy``, ``room_busy`` or ``class_busy``."""
        return f"{self.kind}_busy"

    @property
    def detail(self) -> str:
        """The clash in Russian, naming the other lesson so the dispatcher can find it."""
        other = self.other
        since = f"с {ru(other.valid_from)}" + (f" по {ru(other.valid_until)}" if other.valid_until else "")
        return (
            f"{_WHO[self.kind]} в {ON_WEEKDAY.get(other.weekday, other.weekday)}, "
            f"{other.slot_number}-й урок ({other.starts_at:%H:%M}–{other.ends_at:%H:%M}): "
            f"{other.label}, {since}"
        )


def meet(a: Booking, b: Booking) -> bool:
    """Whether two lessons take place at the same time on some day."""
    dates = (a.valid_until is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from <= b.valid_until
    )
    return dates and a.weekday == b.weekday and a.starts_at < b.ends_at and b.starts_at < a.ends_at


def may_share_class(a: Booking, b: Booking) -> bool:
    """Whether two lessons of one class may run at once: two subgroups of one division."""
    return (
        a.subgroup_id is not None
        and b.subgroup_id is not None
        and a.subgroup_id != b.subgroup_id
        and a.division == b.division
    )


def clashes(new: Sequence[Booking], others: Sequence[Booking]) -> list[Clash]:
    """Every clash of the new lessons with each other and with ``others`` (the lessons they do not
    replace), in the order of the new lessons."""
    found = []
    for index, lesson in enumerate(new):
        rivals = [*others, *(b for j, b in enumerate(new) if j != index)]
        for kind in ("teacher", "room", "class"):
            other = next((r for r in rivals if meet(lesson, r) and _same(kind, lesson, r)), None)
            if other is not None:
                found.append(Clash(index, kind, other))
    return found


def _same(kind: str, a: Booking, b: Booking) -> bool:
    if kind == "teacher":
        return a.teacher_person_id == b.teacher_person_id
    if kind == "room":
        return a.room_id is not None and a.room_id == b.room_id
    return a.class_id == b.class_id and not may_share_class(a, b)
