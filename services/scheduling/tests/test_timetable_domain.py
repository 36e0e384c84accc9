"""The timetable's clash rules without I/O: a teacher, a room and a class hold one lesson at a time,
two subgroups of one division may share the class's slot, dates and times must overlap to clash."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, time

from eschool.scheduling.domain.timetable import Booking, clashes, meet

CLASS, OTHER_CLASS = uuid.uuid4(), uuid.uuid4()
TEACHER, OTHER_TEACHER = uuid.uuid4(), uuid.uuid4()
ROOM = uuid.uuid4()
GROUP_1, GROUP_2, GROUP_X = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def lesson(**changes: object) -> Booking:
    base = Booking(
        class_id=CLASS,
        weekday=1,
        slot_number=2,
        starts_at=time(8, 55),
        ends_at=time(9, 40),
        valid_from=date(2025, 9, 1),
        valid_until=None,
        teacher_person_id=TEACHER,
        label="5 А, Математика",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_same_teacher_at_the_same_time_in_another_class_clashes() -> None:
    other = lesson(class_id=OTHER_CLASS, label="6 Б, Алгебра")
    [clash] = clashes([lesson()], [other])
    assert (clash.field, clash.code) == ("entries.0.teacher_person_id", "teacher_busy")
    assert (
        clash.detail
        == "Учитель уже ведёт урок в понедельник, 2-й урок (08:55–09:40): 6 Б, Алгебра, с 01.09.2025"
    )


def test_the_same_room_clashes_and_no_room_never_does() -> None:
    other = lesson(class_id=OTHER_CLASS, teacher_person_id=OTHER_TEACHER, room_id=ROOM)
    [clash] = clashes([lesson(room_id=ROOM)], [other])
    assert (clash.field, clash.code) == ("entries.0.room_id", "room_busy")
    assert clashes([lesson()], [replace(other, room_id=None)]) == []


def test_the_class_busy_in_the_slot_clashes_with_both_lessons_named() -> None:
    found = clashes([lesson(), lesson(teacher_person_id=OTHER_TEACHER, label="5 А, Русский язык")], [])
    assert [(c.field, c.code) for c in found] == [
        ("entries.0.slot_number", "class_busy"),
        ("entries.1.slot_number", "class_busy"),
    ]
    assert "5 А, Русский язык" in found[0].detail


def test_two_subgroups_of_one_division_share_the_slot() -> None:
    english = {"division": "Английский язык"}
    first = lesson(subgroup_id=GROUP_1, **english)
    second = lesson(subgroup_id=GROUP_2, teacher_person_id=OTHER_TEACHER, **english)
    assert clashes([first, second], []) == []


def test_a_subgroup_and_its_whole_class_or_another_division_clash() -> None:
    group = lesson(subgroup_id=GROUP_1, division="Английский язык")
    whole = lesson(teacher_person_id=OTHER_TEACHER)
    assert {c.code for c in clashes([group, whole], [])} == {"class_busy"}
    other_division = lesson(subgroup_id=GROUP_X, division="Информатика", teacher_person_id=OTHER_TEACHER)
    assert {c.code for c in clashes([group, other_division], [])} == {"class_busy"}
    same_group = lesson(subgroup_id=GROUP_1, division="Английский язык", teacher_person_id=OTHER_TEACHER)
    assert {c.code for c in clashes([group, same_group], [])} == {"class_busy"}


def test_one_teacher_cannot_take_both_subgroups_at_once() -> None:
    english = {"division": "Английский язык"}
    found = clashes([lesson(subgroup_id=GROUP_1, **english), lesson(subgroup_id=GROUP_2, **english)], [])
    assert {c.code for c in found} == {"teacher_busy"}


def test_lessons_meet_only_on_overlapping_days_weekdays_and_times() -> None:
    assert meet(lesson(), lesson())
    assert not meet(lesson(), lesson(weekday=2))
    closed = lesson(valid_until=date(2025, 10, 31))
    assert not meet(closed, lesson(valid_from=date(2025, 11, 1)))
    assert meet(closed, lesson(valid_from=date(2025, 10, 31)))
    second_shift = lesson(slot_number=1, starts_at=time(9, 30), ends_at=time(10, 15))
    assert meet(lesson(), second_shift)
    assert not meet(lesson(), replace(second_shift, starts_at=time(9, 40)))
