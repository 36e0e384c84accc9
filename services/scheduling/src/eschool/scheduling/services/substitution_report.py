"""The report of substituted and cancelled lessons of a period (seed 003, 3.15), and the lessons of
dismissed teachers left without a substitute (a dismissed teacher's future lessons need one)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import unprocessable
from eschool.scheduling.db.contingent import StaffMember
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import CANCELLED, SCHEDULED, Lesson
from eschool.scheduling.db.substitutions import Substitution, Substitutions
from eschool.scheduling.services.scope import school_not_found
from eschool.scheduling.services.timetable_checks import check_timetable

MAX_DAYS = 366


@dataclass(frozen=True)
class SubstitutionReport:
    """The period's substituted lessons (with their substitutions), cancelled lessons, and lessons of
    dismissed teachers without a substitute."""

    substituted: list[tuple[Lesson, Substitution]]
    cancelled: list[Lesson]
    needing_substitute: list[Lesson]


async def substitution_report(
    uow: UnitOfWork, school_id: uuid.UUID, first: date, last: date, *, actor: Principal
) -> SubstitutionReport:
    """The school's report for the days ``first`` to ``last`` (the school's people read it)."""
    await check_timetable(uow, actor, school_id, write=False, hidden=school_not_found())
    if first > last or (last - first).days > MAX_DAYS:
        detail = f"Период — от даты начала до даты окончания, не длиннее {MAX_DAYS} дней"
        raise unprocessable("bad_period", detail, field_name="query.to")
    lessons = await Lessons(uow.session).between(school_id, first, last)
    by_id = {lesson.lesson_id: lesson for lesson in lessons}
    subs = await Substitutions(uow.session).between(school_id, first, last)
    substituted = [(by_id[s.lesson_id], s) for s in subs if s.lesson_id in by_id]
    covered = {s.lesson_id for s in subs}
    dismissed = await _dismissed(uow, school_id)
    needing = [
        lesson
        for lesson in lessons
        if lesson.status == SCHEDULED
        and lesson.lesson_id not in covered
        and lesson.teacher_person_id in dismissed
        and lesson.lesson_on > dismissed[lesson.teacher_person_id]
    ]
    cancelled = [lesson for lesson in lessons if lesson.status == CANCELLED]
    return SubstitutionReport(substituted, cancelled, needing)


async def _dismissed(uow: UnitOfWork, school_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """The school's dismissed staff and their last days."""
    stmt = select(StaffMember.person_id, StaffMember.dismissed_on).where(
        StaffMember.school_id == school_id, StaffMember.dismissed_on.is_not(None)
    )
    return {person_id: day for person_id, day in await uow.session.execute(stmt)}
