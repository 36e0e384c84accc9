"""The demo's weekly timetable, with no I/O (``make run`` only): a deterministic greedy placement of
every class's lessons that never puts a teacher, a room or a class in two places at once.

Primary classes learn Monday to Friday, the others Monday to Saturday; a class's lessons are spread
evenly over its days from the first slot, without gaps, a subject once a day where it can be. The two
English subgroups of a class meet at the same time with their two teachers. A lesson that finds no place
moves one already placed to a free one; if even that fails the plan is refused (``PlacementError``).
Each teacher has a home room (the gym for physical education, a laboratory for the sciences...), taken
when free, else the first free room.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from eschool.scheduling.domain.demo_load import PRIMARY_GRADES, Assignment, DemoClass
from eschool.scheduling.domain.subjects import catalogue_id

_KIND_OF = {catalogue_id("physical_education"): "gym", catalogue_id("informatics"): "computer_lab"}
_KIND_OF |= {catalogue_id(c): "laboratory" for c in ("physics", "chemistry", "biology")}
_KIND_OF |= {catalogue_id("technology"): "workshop"}


class PlacementError(Exception):
    """A lesson found no place in the class's week."""


@dataclass(frozen=True)
class PlacedLesson:
    """A lesson of a class's week."""

    class_id: uuid.UUID
    weekday: int
    slot_number: int
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None
    subgroup_id: uuid.UUID | None


@dataclass(frozen=True)
class _Unit:
    """What takes one slot of a class: a subject with one teacher, or its subgroups' teachers at once."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    parts: tuple[tuple[uuid.UUID, uuid.UUID | None], ...]


@dataclass
class _Week:
    slots: Sequence[int]
    rooms: Sequence[uuid.UUID]
    home: dict[uuid.UUID, uuid.UUID]
    busy: set[tuple[uuid.UUID, int, int]] = field(default_factory=set)
    placed: dict[tuple[uuid.UUID, int, int], _Unit] = field(default_factory=dict)
    room_of: dict[tuple[_Unit, int, int, int], uuid.UUID | None] = field(default_factory=dict)

    def free(self, unit: _Unit, day: int, slot: int) -> bool:
        return (unit.class_id, day, slot) not in self.placed and all(
            (teacher, day, slot) not in self.busy for teacher, _ in unit.parts
        )

    def put(self, unit: _Unit, day: int, slot: int) -> None:
        self.placed[(unit.class_id, day, slot)] = unit
        for index, (teacher, _) in enumerate(unit.parts):
            self.busy.add((teacher, day, slot))
            room = self._room(teacher, day, slot)
            self.room_of[(unit, day, slot, index)] = room
            if room is not None:
                self.busy.add((room, day, slot))

    def take(self, unit: _Unit, day: int, slot: int) -> None:
        del self.placed[(unit.class_id, day, slot)]
        for index, (teacher, _) in enumerate(unit.parts):
            self.busy.discard((teacher, day, slot))
            if (room := self.room_of.pop((unit, day, slot, index))) is not None:
                self.busy.discard((room, day, slot))

    def _room(self, teacher: uuid.UUID, day: int, slot: int) -> uuid.UUID | None:
        home = self.home.get(teacher)
        if home is not None and (home, day, slot) not in self.busy:
            return home
        return next((r for r in self.rooms if (r, day, slot) not in self.busy), None)


def plan_week(
    classes: Sequence[DemoClass],
    assignments: Sequence[Assignment],
    slots: Sequence[int],
    rooms: Sequence[tuple[uuid.UUID, str]],
) -> list[PlacedLesson]:
    """Every class's week: its assignments' hours as lessons in the slots, clash-free."""
    week = _Week(sorted(slots), [r for r, _ in rooms], home_rooms(assignments, rooms))
    order = sorted(classes, key=lambda c: (-c.grade, c.letter, c.class_id))
    for cls in order:
        days = range(1, 6) if cls.grade in PRIMARY_GRADES else range(1, 7)
        units = _units(cls, assignments)
        targets = _targets(len(units), len(days), len(week.slots))
        for unit in units:
            if not _place(week, unit, days, targets):
                raise PlacementError(f"{cls.grade} {cls.letter}: no place for a lesson")
    return [
        PlacedLesson(
            unit.class_id, day, slot, unit.subject_id, teacher, week.room_of[(unit, day, slot, i)], group
        )
        for (_, day, slot), unit in sorted(week.placed.items(), key=lambda kv: (str(kv[0][0]), kv[0][1:]))
        for i, (teacher, group) in enumerate(unit.parts)
    ]


def home_rooms(
    assignments: Sequence[Assignment], rooms: Sequence[tuple[uuid.UUID, str]]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each teacher's room, in the order they first appear: of the kind their first subject wants, else
    a classroom, while rooms last."""
    left, home = list(rooms), {}
    for a in assignments:
        if a.person_id in home:
            continue
        wanted = _KIND_OF.get(a.subject_id, "classroom")
        room = next((r for r in left if r[1] == wanted), None) or next(
            (r for r in left if r[1] == "classroom"), None
        )
        if room is not None:
            home[a.person_id] = room[0]
            left.remove(room)
    return home


def _units(cls: DemoClass, assignments: Sequence[Assignment]) -> list[_Unit]:
    """The class's lessons of the week, the subgroups' pairs first, the subjects of most hours next."""
    mine = [a for a in assignments if a.class_id == cls.class_id]
    by_subject: dict[uuid.UUID, list[Assignment]] = {}
    for a in mine:
        by_subject.setdefault(a.subject_id, []).append(a)
    units = []
    for subject_id, lines in by_subject.items():
        whole = [a for a in lines if a.subgroup_id is None]
        groups = sorted((a for a in lines if a.subgroup_id is not None), key=lambda a: str(a.subgroup_id))
        for a in whole:
            units += [(_Unit(cls.class_id, subject_id, ((a.person_id, None),)), a.hours)]
        if groups:
            parts = tuple((a.person_id, a.subgroup_id) for a in groups)
            units += [(_Unit(cls.class_id, subject_id, parts), max(a.hours for a in groups))]
    units.sort(key=lambda u: (-len(u[0].parts), -u[1], str(u[0].subject_id)))
    return [unit for unit, hours in units for _ in range(hours)]


def _targets(lessons: int, days: int, slots: int) -> dict[int, int]:
    """Lessons per weekday: as even as can be, the extra ones early in the week."""
    base, extra = divmod(lessons, days)
    return {day: min(slots, base + (1 if day <= extra else 0)) for day in range(1, days + 1)}


def _place(week: _Week, unit: _Unit, days: range, targets: dict[int, int]) -> bool:
    for strict in (True, False):
        spots = [(d, s) for d in days for s in week.slots[: targets[d] if strict else None]]
        free = [p for p in spots if week.free(unit, *p)]
        if free:
            week.put(unit, *min(free, key=lambda p: (_repeats(week, unit, p[0]), p[1], p[0])))
            return True
        if _move_one(week, unit, spots):
            return True
    return False


def _repeats(week: _Week, unit: _Unit, day: int) -> int:
    return sum(
        1
        for s in week.slots
        if (other := week.placed.get((unit.class_id, day, s))) and other.subject_id == unit.subject_id
    )


def _move_one(week: _Week, unit: _Unit, spots: list[tuple[int, int]]) -> bool:
    """Free a spot for ``unit`` by moving a lesson of its class to another free spot."""
    for day, slot in spots:
        other = week.placed.get((unit.class_id, day, slot))
        if other is None:
            continue
        week.take(other, day, slot)
        if week.free(unit, day, slot):
            for to in spots:
                if (to != (day, slot)) and week.free(other, *to):
                    week.put(other, *to)
                    week.put(unit, day, slot)
                    return True
        week.put(other, day, slot)
    return False
