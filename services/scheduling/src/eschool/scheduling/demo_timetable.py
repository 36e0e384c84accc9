"""The demo's curricula, teaching load and weekly timetable (``make run`` only), loaded once a demo
school's calendar and setup are in (``demo``) and contingent's classes, English subgroups and staff
have arrived by event (scheduling never reads contingent's database): a curriculum per grade followed
by its classes, the teaching assignments and every class's week from the year's first day
(``domain.demo_load``, ``domain.demo_week``), written through the same use cases as the API, so the
clash rules hold and the events go out.

Idempotent: the year's curricula and assignments go in one transaction (a curriculum of the demo's
name says they are in), then each class's week in its own; a class that has a week is left alone. The
plan is computed again from what is stored, so a start stopped halfway completes the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from eschool.common.errors import Problem
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.load_repositories import Curricula, TeachingAssignments
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.setup_repositories import BellSchedules, Rooms
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.demo_setup import DEMO_ACTOR, DEMO_BELLS
from eschool.scheduling.domain.demo_load import (
    DIVISION,
    HOURS,
    Assignment,
    DemoClass,
    curriculum_name,
    plan_assignments,
)
from eschool.scheduling.domain.demo_week import PlacedLesson, PlacementError, plan_week
from eschool.scheduling.domain.load import SubjectHours
from eschool.scheduling.domain.names import name_key
from eschool.scheduling.domain.subjects import catalogue_id
from eschool.scheduling.services.class_curricula import follow_curriculum
from eschool.scheduling.services.curricula import CurriculumDraft, create_curriculum
from eschool.scheduling.services.teaching_assignments import AssignmentDraft, assign_teacher
from eschool.scheduling.services.timetable import LessonDraft, WeekDraft, publish_week

# Contingent's demo: classes 1 А to 11 Б, divided in two for English from the 2nd grade.
DEMO_CLASSES = 22
FIRST_GRADE_DIVIDED = 2
log = get_logger(__name__)


async def demo_classes(runtime: ServiceRuntime, year: AcademicYear) -> list[DemoClass] | None:
    """The year's classes with their class teachers and English subgroups, once all of them (and their
    teachers) have arrived; None until then."""
    async with runtime.database.uow() as uow:
        views = ContingentViews(uow.session)
        rows = await views.classes(year.school_id, year.academic_year_id)
        staff = {m.person_id for m in await views.staff(year.school_id, include_dismissed=False)}
        classes = []
        for row in rows:
            cls = row.school_class
            groups = [s for s in await views.subgroups(cls.school_id, cls.class_id) if s.division == DIVISION]
            if row.class_teacher_person_id not in staff or (
                cls.grade >= FIRST_GRADE_DIVIDED and len(groups) != 2
            ):
                return None
            ids = tuple(s.subgroup_id for s in groups)
            classes.append(DemoClass(cls.class_id, cls.grade, cls.letter, row.class_teacher_person_id, ids))
    return classes if len(classes) >= DEMO_CLASSES else None


async def load_school_timetable(
    runtime: ServiceRuntime, year: AcademicYear, classes: list[DemoClass], stopping: Callable[[], bool]
) -> None:
    """The school's curricula and assignments unless in, then the week of each class that has none."""
    await _load_teaching(runtime, year, classes)
    async with runtime.database.uow() as uow:
        ids = (year.school_id, year.academic_year_id)
        stored = await TeachingAssignments(uow.session).of_year(*ids)
        assignments = [
            Assignment(a.class_id, a.subgroup_id, a.subject_id, a.person_id, int(a.weekly_hours))
            for a in stored
        ]
        bells = await BellSchedules(uow.session).named(*ids, name_key(DEMO_BELLS))
        rooms = [(r.room_id, r.kind) for r in await Rooms(uow.session).rooms(ids[0], include_retired=False)]
    if bells is None:
        return
    try:
        week = plan_week(classes, assignments, [s["number"] for s in bells.slots], rooms)
    except PlacementError as error:
        log.warning("scheduling.demo.timetable_unplaced", school_id=str(year.school_id), reason=str(error))
        return
    for cls in classes:
        if stopping():
            return
        lessons = [lesson for lesson in week if lesson.class_id == cls.class_id]
        await _publish(runtime, year, cls.class_id, bells.bell_schedule_id, lessons)


async def _load_teaching(runtime: ServiceRuntime, year: AcademicYear, classes: list[DemoClass]) -> None:
    """A curriculum per grade followed by its classes, and the teaching assignments, in one transaction."""
    ids = (year.school_id, year.academic_year_id)
    async with runtime.database.uow() as uow:
        if await Curricula(uow.session).named(*ids, name_key(curriculum_name(1))) is not None:
            return
        for grade in sorted({c.grade for c in classes} & HOURS.keys()):
            subjects = [SubjectHours(catalogue_id(code), Decimal(h)) for code, h in HOURS[grade].items()]
            draft = CurriculumDraft(curriculum_name(grade), grade, None, subjects)
            view = await create_curriculum(uow, *ids, draft, actor=DEMO_ACTOR)
            for cls in (c for c in classes if c.grade == grade):
                await follow_curriculum(uow, cls.class_id, view.curriculum.curriculum_id, actor=DEMO_ACTOR)
        members = await ContingentViews(uow.session).staff(year.school_id, include_dismissed=False)
        staff = [m.person_id for m in members]
        for a in plan_assignments(classes, staff):
            draft = AssignmentDraft(a.person_id, a.class_id, a.subgroup_id, a.subject_id, Decimal(a.hours))
            await assign_teacher(uow, year.school_id, draft, actor=DEMO_ACTOR)
        await uow.commit()


async def _publish(
    runtime: ServiceRuntime,
    year: AcademicYear,
    class_id: uuid.UUID,
    bell_schedule_id: uuid.UUID,
    lessons: list[PlacedLesson],
) -> None:
    """The class's week from the year's first day, unless it has one."""
    async with runtime.database.uow() as uow:
        if await Timetables(uow.session).class_entries_from(year.school_id, class_id, year.starts_on):
            return
        drafts = [
            LessonDraft(x.weekday, x.slot_number, x.subject_id, x.teacher_person_id, x.room_id, x.subgroup_id)
            for x in lessons
        ]
        try:
            draft = WeekDraft(year.starts_on, bell_schedule_id, drafts)
            await publish_week(uow, class_id, draft, actor=DEMO_ACTOR)
        except Problem as problem:  # a week changed by hand meanwhile: the demo leaves it be
            log.warning("scheduling.demo.week_refused", class_id=str(class_id), detail=problem.detail)
            return
        await uow.commit()
