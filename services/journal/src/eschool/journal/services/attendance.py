"""Attendance: the lesson's teacher marks who was absent, ill, excused or late (seed 001, 2.1: on the
day), and the class teacher checks the class's day and corrects it (seed 004, 4.3.8), e.g. absent
turned ill with the note of a doctor. No row, or a deleted one, is present; every change of a code
leaves an audit row and an event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError, Problem, forbidden, not_found, unprocessable_fields
from eschool.common.events.contingent import FullName
from eschool.common.events.journal import AttendanceChangedV1, AttendanceFacts, AttendanceRecordedV1
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.lesson_scope_queries import lesson_facts
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import Attendance
from eschool.journal.db.schedule import Lesson
from eschool.journal.services.audit import add_audit
from eschool.journal.services.lesson_access import (
    ADMINISTRATION,
    LESSON_FACTS,
    LessonScope,
    administers,
    by_name,
    check_happened,
    check_open,
    in_school,
    not_on_roster,
    open_lesson,
    teaches_class,
)


@dataclass(frozen=True)
class AttendanceEntry:
    """A pupil's attendance in a lesson: a code, or None for present."""

    pupil_person_id: uuid.UUID
    code: str | None
    note: str | None = None


@dataclass(frozen=True)
class Correction:
    """The class teacher's correction of one pupil's attendance in one lesson of the day."""

    lesson_id: uuid.UUID
    entry: AttendanceEntry
    reason: str | None = None


@dataclass(frozen=True)
class ClassDay:
    """A class's lessons of a day, its pupils with names, and what was recorded of their attendance."""

    school_class: SchoolClass
    day: date
    lessons: list[Lesson]
    rosters: dict[uuid.UUID, set[uuid.UUID]]
    pupils: list[uuid.UUID]
    names: dict[uuid.UUID, FullName]
    attendance: list[Attendance]


def check_entries(
    entries: Sequence[AttendanceEntry], roster: set[uuid.UUID], path: str, errors: list[FieldError]
) -> None:
    """Every pupil once, and on the lesson's roster that day."""
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(entries):
        where = f"{path}.{i}.pupil_person_id"
        if entry.pupil_person_id in seen:
            errors.append(FieldError(where, "pupil_repeated", "Ученик указан в списке дважды"))
        elif entry.pupil_person_id not in roster:
            errors.append(not_on_roster(where))
        seen.add(entry.pupil_person_id)


def apply_entry(
    uow: UnitOfWork,
    scope: LessonScope,
    rows: dict[uuid.UUID, Attendance],
    entry: AttendanceEntry,
    *,
    reason: str | None = None,
) -> None:
    """Write the pupil's attendance; a changed code leaves its audit row and event."""
    lesson, now, pupil = scope.lesson, utcnow(), entry.pupil_person_id
    row = rows.get(pupil)
    previous = row.code if row is not None and row.deleted_at is None else None
    if row is None:
        if entry.code is None:
            return
        row = rows[pupil] = _new_row(lesson, pupil, entry.code)
        uow.session.add(row)
    row.note, row.updated_at, row.recorded_by = entry.note, now, scope.actor.person_id
    if previous == entry.code:
        return
    row.code = entry.code or row.code
    row.deleted_at = None if entry.code is not None else now
    row.version += 1
    action = "created" if previous is None else "deleted" if entry.code is None else "changed"
    add_audit(
        uow,
        scope.actor,
        school_id=lesson.school_id,
        entity="attendance",
        entity_id=lesson.lesson_id,
        lesson_id=lesson.lesson_id,
        pupil_id=pupil,
        action=action,
        old=None if previous is None else {"code": previous},
        new=None if entry.code is None else {"code": entry.code, "note": entry.note},
        reason=reason,
    )
    _emit(uow, row, entry.code, previous)


def _new_row(lesson: Lesson, pupil: uuid.UUID, code: str) -> Attendance:
    copied = {name: getattr(lesson, name) for name in LESSON_FACTS}
    return Attendance(**copied, pupil_person_id=pupil, code=code, version=0)


def _emit(uow: UnitOfWork, row: Attendance, code: str | None, previous: str | None) -> None:
    names = set(AttendanceFacts.model_fields) - {"occurred_at"}
    facts = {**{name: getattr(row, name) for name in names}, "occurred_at": row.updated_at}
    event = (
        AttendanceRecordedV1(**facts, code=code)
        if previous is None and code is not None
        else AttendanceChangedV1(**facts, code=code, previous_code=previous)
    )
    uow.outbox.add(event, subject=row.lesson_id, school_id=row.school_id)


async def record_attendance(
    uow: UnitOfWork, lesson_id: uuid.UUID, entries: Sequence[AttendanceEntry], *, actor: Principal
) -> list[Attendance]:
    """Record the lesson's attendance (pupils not listed keep theirs); returns the lesson's absences."""
    scope = await open_lesson(uow, lesson_id, actor, write=True)
    check_open(scope)
    check_happened(scope)
    roster = set(await Projections(uow.session).lesson_roster(scope.lesson))
    errors: list[FieldError] = []
    check_entries(entries, roster, "body.entries", errors)
    if errors:
        raise unprocessable_fields(errors)
    records = JournalRecords(uow.session)
    rows = await records.attendance(lesson_id)
    for entry in entries:
        apply_entry(uow, scope, rows, entry)
    await uow.commit()
    return [row for row in rows.values() if row.deleted_at is None]


def class_not_found() -> Problem:
    """The one answer for a class that does not exist and a class out of the caller's sight."""
    return not_found("class_not_found", "Класс не найден")


async def open_class(uow: UnitOfWork, class_id: uuid.UUID, actor: Principal, *, write: bool) -> SchoolClass:
    """The class if the actor checks its attendance (``write``: corrects it), else 404 or 403: its
    class teacher and the school's administration; the municipality and the ministry read."""
    school_class = await Projections(uow.session).class_of(class_id)
    if school_class is None:
        raise class_not_found()
    school = school_class.school_id
    if await teaches_class(uow, actor, school_class) or actor.has_role(*ADMINISTRATION, org_unit_id=school):
        return school_class
    reads = await administers(uow, actor, school)
    if reads and not write:
        return school_class
    if not reads and not in_school(actor, school):
        raise class_not_found()
    raise forbidden(
        "class_attendance_denied",
        "Посещаемость класса за день проверяют классный руководитель и администрация школы",
    )


async def class_day(uow: UnitOfWork, class_id: uuid.UUID, day: date, *, actor: Principal) -> ClassDay:
    """The class's attendance of the day: every pupil of its lessons by lesson."""
    school_class = await open_class(uow, class_id, actor, write=False)
    return await _day(uow, school_class, day)


async def correct_class_day(
    uow: UnitOfWork, class_id: uuid.UUID, day: date, corrections: Sequence[Correction], *, actor: Principal
) -> ClassDay:
    """Correct the attendance of the class's lessons of the day (seed 004, 4.3.8), all or nothing."""
    school_class = await open_class(uow, class_id, actor, write=True)
    records = JournalRecords(uow.session)
    lessons = {x.lesson_id for x in await records.class_lessons_on(school_class.school_id, class_id, day)}
    errors: list[FieldError] = []
    for i, correction in enumerate(corrections):
        if correction.lesson_id not in lessons:
            detail = "Урок не из расписания класса на этот день"
            errors.append(FieldError(f"body.entries.{i}.lesson_id", "lesson_not_of_day", detail))
    scopes: dict[uuid.UUID, LessonScope] = {}
    await uow.serialize()
    # Each lesson held as a write in it would hold it, in one order: two correctors cannot deadlock.
    for lesson_id in sorted(lessons & {c.lesson_id for c in corrections}):
        facts = await lesson_facts(uow.session, lesson_id, hold=True)
        if facts is not None:
            scopes[lesson_id] = LessonScope(facts, actor)
    for scope in scopes.values():
        check_open(scope)
        check_happened(scope)
    await _check_corrections(uow, corrections, scopes, errors)
    if errors:
        raise unprocessable_fields(errors)
    for lesson_id, scope in scopes.items():
        rows = await records.attendance(lesson_id)
        for c in corrections:
            if c.lesson_id == lesson_id:
                apply_entry(uow, scope, rows, c.entry, reason=c.reason)
    await uow.commit()
    return await _day(uow, school_class, day)


async def _check_corrections(
    uow: UnitOfWork,
    corrections: Sequence[Correction],
    scopes: dict[uuid.UUID, LessonScope],
    errors: list[FieldError],
) -> None:
    projections = Projections(uow.session)
    rosters = {i: set(await projections.lesson_roster(s.lesson)) for i, s in scopes.items()}
    seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for i, c in enumerate(corrections):
        key, where = (c.lesson_id, c.entry.pupil_person_id), f"body.entries.{i}.pupil_person_id"
        if c.lesson_id not in rosters:
            continue
        if key in seen:
            errors.append(FieldError(where, "pupil_repeated", "Ученик указан для этого урока дважды"))
        elif c.entry.pupil_person_id not in rosters[c.lesson_id]:
            errors.append(not_on_roster(where))
        seen.add(key)


async def _day(uow: UnitOfWork, school_class: SchoolClass, day: date) -> ClassDay:
    records, projections = JournalRecords(uow.session), Projections(uow.session)
    lessons = await records.class_lessons_on(school_class.school_id, school_class.class_id, day)
    rosters = {x.lesson_id: set(await projections.lesson_roster(x)) for x in lessons}
    roster = await projections.roster_on(school_class.school_id, school_class.class_id, day)
    pupils = set(roster).union(*rosters.values())
    names = await projections.names(pupils)
    attendance = await records.live_attendance(list(rosters))
    return ClassDay(school_class, day, lessons, rosters, by_name(pupils, names), names, attendance)
