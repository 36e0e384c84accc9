"""The diary's morning reads, tuned: every family opens the week before school, so a week costs two
statements, each built once at import (a statement object keeps its compiled form's cache key).

- the pupil's stays in classes, each with its school's time zone, whether the guardian asking is linked
  to the pupil, and the pupil's name;
- the week's lessons of those classes that were the pupil's (a subgroup's lesson only while the pupil was
  in that subgroup), each with its record, subject, the pupil's attendance, whether it has files, and
  the pupil's live marks in it with their work types' names (a row each).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Uuid, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.events.contingent import FullName
from eschool.journal.db.models import ClassStay, GuardianLink, OrgUnitState, PersonName, SubgroupMembership
from eschool.journal.db.records import Attendance, HomeworkAttachment, LessonRecord, Mark, WorkType
from eschool.journal.db.schedule import Lesson, Subject

_PUPIL, _FIRST, _LAST = bindparam("pupil"), bindparam("first"), bindparam("last")
_SCHOOLS = bindparam("schools", expanding=True)

# One row per stay of the pupil (a single row of Nones for a pupil with none), each with its school's time
# zone, whether the guardian asking (None: not a guardian) is linked to the pupil, and the pupil's name: who
# may read the diary, and its heading, in one round trip.
_ASKED = select(bindparam("pupil", type_=Uuid).label("person_id")).subquery("asked")
_LINKED = exists().where(
    GuardianLink.guardian_person_id == bindparam("guardian", type_=Uuid),
    GuardianLink.pupil_person_id == _ASKED.c.person_id,
    GuardianLink.linked.is_(True),
)
_STAYS = (
    select(
        ClassStay,
        select(OrgUnitState.time_zone)
        .where(OrgUnitState.org_unit_id == ClassStay.school_id)
        .scalar_subquery(),
        _LINKED,
        PersonName.last_name,
        PersonName.first_name,
        PersonName.middle_name,
    )
    .select_from(_ASKED)
    .outerjoin(ClassStay, and_(ClassStay.person_id == _ASKED.c.person_id, ClassStay.from_on.is_not(None)))
    .outerjoin(PersonName, PersonName.person_id == _ASKED.c.person_id)
    .order_by(ClassStay.from_on)
)
_m = SubgroupMembership
_IN_SUBGROUP = exists().where(
    _m.subgroup_id == Lesson.subgroup_id,
    _m.person_id == _PUPIL,
    or_(_m.from_on.is_(None), _m.from_on <= Lesson.lesson_on),
    or_(_m.until_on.is_(None), _m.until_on >= Lesson.lesson_on),
)
_ATTENDANCE = (
    select(Attendance.code)
    .where(Attendance.lesson_id == Lesson.lesson_id, Attendance.pupil_person_id == _PUPIL)
    .where(Attendance.deleted_at.is_(None))
    .scalar_subquery()
)
_HAS_FILES = exists().where(
    HomeworkAttachment.school_id == Lesson.school_id,
    HomeworkAttachment.lesson_id == Lesson.lesson_id,
    HomeworkAttachment.deleted_at.is_(None),
)
_LESSONS = (
    select(
        Lesson.lesson_id,
        Lesson.class_id,
        Lesson.lesson_on,
        Lesson.slot_number,
        Lesson.starts_at,
        Lesson.ends_at,
        Lesson.subject_id,
        Lesson.planned_topic,
        LessonRecord.topic,
        LessonRecord.homework,
        LessonRecord.work_kind,
        func.coalesce(LessonRecord.substitute, False),
        func.coalesce(Subject.name, ""),
        _ATTENDANCE,
        _HAS_FILES,
        # The pupil's live marks in the lesson, a row each (one row of Nones for a lesson without).
        Mark.mark_id,
        Mark.value,
        Mark.weight,
        WorkType.name,
        Mark.comment,
        Mark.recorded_at,
    )
    .outerjoin(LessonRecord, LessonRecord.lesson_id == Lesson.lesson_id)
    .outerjoin(Subject, Subject.subject_id == Lesson.subject_id)
    .outerjoin(
        Mark,
        and_(
            Mark.school_id == Lesson.school_id,
            Mark.lesson_id == Lesson.lesson_id,
            Mark.pupil_person_id == _PUPIL,
            Mark.deleted_at.is_(None),
        ),
    )
    .outerjoin(WorkType, WorkType.work_type_id == Mark.work_type_id)
    .where(Lesson.school_id.in_(_SCHOOLS), Lesson.class_id.in_(bindparam("classes", expanding=True)))
    .where(Lesson.lesson_on.between(_FIRST, _LAST), Lesson.cancelled.is_(False))
    .where(or_(Lesson.subgroup_id.is_(None), _IN_SUBGROUP))
    .order_by(Lesson.lesson_on, Lesson.slot_number, Lesson.starts_at, Lesson.lesson_id, Mark.recorded_at)
)


@dataclass(frozen=True)
class PupilStays:
    """A pupil's stays in classes, oldest first, the time zones of their schools, whether the guardian who
    asked is linked to the pupil, and the pupil's name (None if it never came)."""

    stays: list[ClassStay]
    zones: dict[uuid.UUID, str | None]
    linked: bool
    name: FullName | None


@dataclass(frozen=True)
class WeekLesson:
    """A lesson of the pupil's week as the diary shows it."""

    lesson_id: uuid.UUID
    class_id: uuid.UUID
    lesson_on: date
    slot_number: int
    starts_at: time
    ends_at: time
    subject_id: uuid.UUID
    planned_topic: str | None
    topic: str | None
    homework: str | None
    work_kind: str | None
    substitute: bool
    subject_name: str
    attendance: str | None
    has_files: bool
    marks: list[WeekMark]


@dataclass(frozen=True)
class WeekMark:
    """A mark of the pupil's week."""

    lesson_id: uuid.UUID
    mark_id: uuid.UUID
    value: str
    weight: Decimal
    work_type: str
    comment: str | None
    recorded_at: datetime


async def pupil_stays(
    session: AsyncSession, pupil_id: uuid.UUID, guardian_id: uuid.UUID | None = None
) -> PupilStays:
    """Every stay of the pupil in a class, in any school, oldest first, with the schools' time zones;
    whether ``guardian_id`` is linked to the pupil in any school; the pupil's name."""
    rows = (await session.execute(_STAYS, {"pupil": pupil_id, "guardian": guardian_id})).all()
    stays = [row[0] for row in rows if row[0] is not None]
    first = rows[0]
    name = FullName(last_name=first[3], first_name=first[4], middle_name=first[5]) if first[3] else None
    return PupilStays(stays, {row[0].school_id: row[1] for row in rows if row[0]}, bool(first[2]), name)


async def week_lessons(
    session: AsyncSession, pupil_id: uuid.UUID, stays: Collection[ClassStay], first: date, last: date
) -> list[WeekLesson]:
    """The classes' lessons on the days (not cancelled; a subgroup's only while the pupil was in it), each
    with the pupil's live marks in it, oldest first."""
    params = {
        "pupil": pupil_id,
        "schools": sorted({s.school_id for s in stays}),
        "classes": sorted({s.class_id for s in stays}),
        "first": first,
        "last": last,
    }
    lessons: list[WeekLesson] = []
    for row in await session.execute(_LESSONS, params):
        if not lessons or lessons[-1].lesson_id != row[0]:
            lessons.append(WeekLesson(*row[:15], marks=[]))
        if row[15] is not None:
            lessons[-1].marks.append(WeekMark(row[0], *row[15:]))
    return lessons
