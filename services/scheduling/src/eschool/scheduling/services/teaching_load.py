"""The check of a school year's teaching load (seed 001, «Распределение нагрузки»): per class and
subject the curriculum's hours against the assigned ones, per teacher the weekly total against the
maximum the region sets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.scheduling.db.contingent import SchoolClass, StaffMember
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.load_repositories import Curricula, TeachingAssignments
from eschool.scheduling.domain.load import ZERO, Assigned, SubjectCoverage, class_hours, coverage
from eschool.scheduling.services.load_scope import check_load
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class ClassLoad:
    """A class, the curriculum it follows (None: none) and its subjects' coverage."""

    school_class: SchoolClass
    curriculum_id: uuid.UUID | None
    subjects: list[SubjectCoverage]


@dataclass(frozen=True)
class TeacherLoad:
    """A teacher's weekly hours in the year, and whether they pass the maximum."""

    person_id: uuid.UUID
    staff: StaffMember | None
    weekly_hours: Decimal
    over_max: bool


@dataclass(frozen=True)
class LoadReport:
    """The year's check: classes by grade and letter, teachers by name."""

    classes: list[ClassLoad]
    teachers: list[TeacherLoad]
    max_weekly_hours: Decimal


async def teaching_load(
    uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID, *, max_hours: Decimal, actor: Principal
) -> LoadReport:
    """The year's curricula against its assignments, and each teacher's total."""
    await check_load(uow, actor, school_id, write=False)
    await year_of_school(uow, school_id, year_id, field="query.academic_year_id")
    curricula = {c.curriculum_id: c for c in await Curricula(uow.session).curricula(school_id, year_id)}
    followed = await Curricula(uow.session).followed(school_id)
    assignments = await TeachingAssignments(uow.session).of_year(school_id, year_id)
    by_class: dict[uuid.UUID, list[Assigned]] = {}
    totals: dict[uuid.UUID, Decimal] = {}
    for a in assignments:
        by_class.setdefault(a.class_id, []).append(Assigned(a.subject_id, a.subgroup_id, a.weekly_hours))
        totals[a.person_id] = totals.get(a.person_id, ZERO) + a.weekly_hours
    classes = []
    for row in await ContingentViews(uow.session).classes(school_id, year_id):
        followed_id = followed.get(row.school_class.class_id)
        curriculum = curricula.get(followed_id) if followed_id is not None else None
        lines = curriculum.subjects if curriculum is not None else []
        planned = {uuid.UUID(s["subject_id"]): Decimal(s["weekly_hours"]) for s in lines}
        assigned = class_hours(by_class.get(row.school_class.class_id, []))
        curriculum_id = curriculum.curriculum_id if curriculum else None
        classes.append(ClassLoad(row.school_class, curriculum_id, coverage(planned, assigned)))
    staff = {
        s.person_id: s for s in await ContingentViews(uow.session).staff(school_id, include_dismissed=True)
    }
    order = {person_id: index for index, person_id in enumerate(staff)}
    teachers = [
        TeacherLoad(p, staff.get(p), hours, hours > max_hours)
        for p, hours in sorted(
            totals.items(), key=lambda item: (order.get(item[0], len(order)), str(item[0]))
        )
    ]
    return LoadReport(classes, teachers, max_hours)
