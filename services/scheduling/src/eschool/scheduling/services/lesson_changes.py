"""A dated lesson cancelled (with a reason) or moved to another day and slot by the school's
administration or schedule dispatcher; the lessons of a class or a teacher between two days.

A lesson changed by hand is never touched by a later regeneration. A move is refused (409, naming the
clash) when the teacher, the room or the class (a subgroup and its whole class alike) already has a
scheduled lesson overlapping the new slot that day.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, time

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.scheduling.db.calendar import Term
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import CANCELLED, SCHEDULED, Lesson
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.services.announce_lessons import lesson_cancelled, lesson_moved
from eschool.scheduling.services.lesson_topics import refresh_topics
from eschool.scheduling.services.timetable import class_not_found
from eschool.scheduling.services.timetable_checks import check_timetable


def lesson_not_found() -> Problem:
    """The 404 for a lesson that does not exist or is out of the caller's sight."""
    return not_found("lesson_not_found", "Урок не найден")


async def _editable(uow: UnitOfWork, lesson_id: uuid.UUID, actor: Principal) -> Lesson:
    lesson = await Lessons(uow.session).get(lesson_id, lock=True)
    if lesson is None:
        raise lesson_not_found()
    await check_timetable(uow, actor, lesson.school_id, write=True, hidden=lesson_not_found())
    return lesson


def _touch(lesson: Lesson, actor: Principal) -> None:
    lesson.changed_at, lesson.changed_by_user_id = utcnow(), actor.user_id
    lesson.version += 1


async def cancel_lesson(uow: UnitOfWork, lesson_id: uuid.UUID, reason: str, *, actor: Principal) -> Lesson:
    """Cancel the lesson with a reason; cancelling it again with the same reason changes nothing."""
    lesson = await _editable(uow, lesson_id, actor)
    if lesson.status == CANCELLED:
        if lesson.cancel_reason == reason:
            return lesson
        raise conflict("lesson_cancelled", "Урок уже отменён")
    lesson.status, lesson.cancel_reason = CANCELLED, reason
    _touch(lesson, actor)
    await uow.session.flush()
    lesson_cancelled(uow, lesson, reason, lesson.changed_at or utcnow())
    await refresh_topics(uow, lesson.school_id, lesson.class_id, [lesson.subject_id])
    return lesson


async def move_lesson(
    uow: UnitOfWork, lesson_id: uuid.UUID, day: date, slot_number: int, *, actor: Principal
) -> Lesson:
    """Move the lesson to the day and slot of its bell schedule (409 naming a clash); the same move
    again changes nothing."""
    lesson = await _editable(uow, lesson_id, actor)
    if (lesson.lesson_on, lesson.slot_number) == (day, slot_number):
        return lesson
    if lesson.status != SCHEDULED:
        raise conflict("lesson_cancelled", "Отменённый урок нельзя перенести")
    term = await uow.session.get(Term, lesson.term_id)
    if term is None or not term.starts_on <= day <= term.ends_on:
        raise unprocessable(
            "outside_term", "Урок можно перенести только в пределах его периода", field_name="body.lesson_on"
        )
    starts_at, ends_at = await _slot_times(uow, lesson, slot_number)
    others = await Lessons(uow.session).between(lesson.school_id, day, day, scheduled_only=True)
    if clash := _clash(lesson, starts_at, ends_at, [o for o in others if o.lesson_id != lesson.lesson_id]):
        raise clash
    from_on, from_slot = lesson.lesson_on, lesson.slot_number
    lesson.lesson_on, lesson.slot_number, lesson.starts_at, lesson.ends_at = (
        day,
        slot_number,
        starts_at,
        ends_at,
    )
    _touch(lesson, actor)
    await uow.session.flush()
    lesson_moved(uow, lesson, from_on, from_slot, lesson.changed_at or utcnow())
    await refresh_topics(uow, lesson.school_id, lesson.class_id, [lesson.subject_id])
    return lesson


async def _slot_times(uow: UnitOfWork, lesson: Lesson, slot_number: int) -> tuple[time, time]:
    entry = (
        await uow.session.get(TimetableEntry, lesson.timetable_entry_id)
        if lesson.timetable_entry_id
        else None
    )
    schedules = await Timetables(uow.session).schedules([entry.bell_schedule_id] if entry else [])
    for schedule in schedules.values():
        for slot in schedule.slots:
            if slot["number"] == slot_number:
                return time.fromisoformat(slot["starts_at"]), time.fromisoformat(slot["ends_at"])
    detail = f"В расписании звонков нет урока № {slot_number}"
    raise unprocessable("slot_not_found", detail, field_name="body.slot_number")


def _clash(lesson: Lesson, starts_at: time, ends_at: time, others: Sequence[Lesson]) -> Problem | None:
    for other in others:
        if not (other.starts_at < ends_at and starts_at < other.ends_at):
            continue
        at = f"{other.lesson_on:%d.%m.%Y}, урок № {other.slot_number}"
        if other.teacher_person_id == lesson.teacher_person_id:
            return conflict(
                "teacher_busy", f"Учитель уже ведёт урок в это время ({at})", field_name="body.slot_number"
            )
        if lesson.room_id is not None and other.room_id == lesson.room_id:
            return conflict(
                "room_busy", f"Кабинет уже занят в это время ({at})", field_name="body.slot_number"
            )
        same_group = (
            None in (other.subgroup_id, lesson.subgroup_id) or other.subgroup_id == lesson.subgroup_id
        )
        if other.class_id == lesson.class_id and same_group:
            return conflict(
                "class_busy", f"У класса уже есть урок в это время ({at})", field_name="body.slot_number"
            )
    return None


async def class_lessons(
    uow: UnitOfWork, class_id: uuid.UUID, first: date, last: date, *, actor: Principal
) -> Sequence[Lesson]:
    """The class's lessons held between the days, by day and slot."""
    found = await Timetables(uow.session).classes([class_id])
    if not found:
        raise class_not_found()
    school_id = found[class_id].school_id
    await check_timetable(uow, actor, school_id, write=False, hidden=class_not_found())
    return await Lessons(uow.session).between(school_id, first, last, class_id=class_id)


async def teacher_lessons(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, first: date, last: date, *, actor: Principal
) -> Sequence[Lesson]:
    """The teacher's lessons in the school held between the days, by day and slot."""
    await check_timetable(uow, actor, school_id, write=False)
    return await Lessons(uow.session).between(school_id, first, last, teacher_person_id=person_id)
