"""A class's dated lessons of a term generated from its weekly timetable (seed 003, 3.7), skipping the
holidays and vacations that apply to it (the school's and its term scheme's own).

Idempotent by the natural key (class, planned day, planned slot, subgroup): generating again adds only
what is missing. From a day on (a timetable change), a lesson that is still scheduled and untouched but
no longer what the timetable says is dropped (a ``replaced`` cancellation event) and the new one added;
lessons a person moved or cancelled are kept, and nothing before the day is looked at: the past stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from eschool.common.db import UnitOfWork, utcnow
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.calendar import Term, TermScheme
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import SCHEDULED, Lesson
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.domain.lessons import PlannedLesson, WeekLesson, planned, school_days
from eschool.scheduling.services.announce_lessons import lesson_cancelled, lessons_scheduled
from eschool.scheduling.services.lesson_topics import refresh_topics

REPLACED = "Расписание изменено"


@dataclass(frozen=True)
class Generated:
    """What a generation changed: lessons added and lessons dropped for the new timetable."""

    created: int
    removed: int


async def generate_class_lessons(
    uow: UnitOfWork, cls: SchoolClass, term: Term, scheme: TermScheme, *, from_day: date | None = None
) -> Generated:
    """Bring the class's lessons of the term from ``from_day`` (the term's start if not given) in line
    with its timetable; the caller commits."""
    lessons = Lessons(uow.session)
    # Two generations of one class take turns: the second finds the first one's lessons.
    await lessons.lock_class(cls.class_id)
    first, last = max(term.starts_on, from_day or term.starts_on), term.ends_on
    if first > last:
        return Generated(0, 0)
    entries = await lessons.entries_between(cls.school_id, cls.class_id, first, last)
    schedules = await Timetables(uow.session).schedules({e.bell_schedule_id for e in entries})
    week = [w for e in entries if (w := _week_lesson(e, schedules)) is not None]
    days_off = await lessons.days_off(cls.school_id, scheme.academic_year_id, scheme.term_scheme_id)
    wanted = {p.key: p for p in planned(school_days(first, last, days_off), week)}
    existing = await lessons.of_class_from(cls.school_id, cls.class_id, first, last)
    now = utcnow()
    stale = [x for x in existing if _replaceable(x) and not _same(x, wanted.get(_key(x)))]
    for lesson in stale:
        lesson_cancelled(uow, lesson, REPLACED, now, replaced=True)
    await lessons.drop([x.lesson_id for x in stale])
    taken = {_key(x) for x in existing} - {_key(x) for x in stale}
    new = [_row(cls, term, p, now) for key, p in wanted.items() if key not in taken]
    await lessons.add_all(new)
    if new:
        lessons_scheduled(uow, cls.school_id, cls.class_id, term.term_id, new, now)
    if new or stale:  # the plans' topics follow the lessons in their new order
        await refresh_topics(uow, cls.school_id, cls.class_id)
    return Generated(len(new), len(stale))


async def regenerate_from(uow: UnitOfWork, cls: SchoolClass, day: date) -> Generated:
    """After the class's week changed from ``day``: the terms whose lessons were generated already are
    brought in line with it from that day (the past, and lessons changed by hand, stay); the caller
    commits. Terms not generated yet are left to their generation."""
    if cls.term_scheme_id is None:
        return Generated(0, 0)
    scheme = await uow.session.get(TermScheme, cls.term_scheme_id)
    generated = await Lessons(uow.session).generated_terms(cls.school_id, cls.class_id)
    if scheme is None or not generated:
        return Generated(0, 0)
    stmt = select(Term).where(Term.term_scheme_id == scheme.term_scheme_id, Term.ends_on >= day)
    created = removed = 0
    for term in (await uow.session.scalars(stmt.order_by(Term.starts_on))).all():
        if term.term_id in generated:
            done = await generate_class_lessons(uow, cls, term, scheme, from_day=day)
            created, removed = created + done.created, removed + done.removed
    return Generated(created, removed)


def _week_lesson(entry: TimetableEntry, schedules: dict[uuid.UUID, BellSchedule]) -> WeekLesson | None:
    schedule = schedules.get(entry.bell_schedule_id)
    slot = next((s for s in schedule.slots if s["number"] == entry.slot_number), None) if schedule else None
    if slot is None:  # the slot left its schedule: nothing to place
        return None
    return WeekLesson(
        timetable_entry_id=entry.timetable_entry_id,
        weekday=entry.weekday,
        slot_number=entry.slot_number,
        starts_at=time.fromisoformat(slot["starts_at"]),
        ends_at=time.fromisoformat(slot["ends_at"]),
        subject_id=entry.subject_id,
        teacher_person_id=entry.teacher_person_id,
        room_id=entry.room_id,
        subgroup_id=entry.subgroup_id,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
    )


def _key(lesson: Lesson) -> tuple[date, int, uuid.UUID | None]:
    return lesson.planned_on, lesson.planned_slot_number, lesson.subgroup_id


def _replaceable(lesson: Lesson) -> bool:
    return lesson.status == SCHEDULED and lesson.changed_at is None


def _same(lesson: Lesson, plan: PlannedLesson | None) -> bool:
    if plan is None:
        return False
    w = plan.week
    return (lesson.timetable_entry_id, lesson.starts_at, lesson.ends_at) == (
        w.timetable_entry_id,
        w.starts_at,
        w.ends_at,
    )


def _row(cls: SchoolClass, term: Term, plan: PlannedLesson, now: datetime) -> dict[str, object]:
    """The new lesson's columns (built as a row, not an ORM object: a term is thousands of them)."""
    w = plan.week
    return {
        "lesson_id": uuid.uuid4(),
        "school_id": cls.school_id,
        "class_id": cls.class_id,
        "subgroup_id": w.subgroup_id,
        "term_id": term.term_id,
        "timetable_entry_id": w.timetable_entry_id,
        "planned_on": plan.day,
        "planned_slot_number": w.slot_number,
        "lesson_on": plan.day,
        "slot_number": w.slot_number,
        "starts_at": w.starts_at,
        "ends_at": w.ends_at,
        "subject_id": w.subject_id,
        "teacher_person_id": w.teacher_person_id,
        "room_id": w.room_id,
        "status": SCHEDULED,
        "cancel_reason": None,
        "planned_topic_number": None,
        "planned_topic_title": None,
        "created_at": now,
        "changed_at": None,
        "changed_by_user_id": None,
        "version": 1,
    }
